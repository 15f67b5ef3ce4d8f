package dev.parley.chat.client;

import dev.parley.chat.api.ChatMessage;
import java.util.List;
import java.util.Objects;

/**
 * One page of a room's history, as {@link RoomHandle#history} returns it. Immutable and
 * thread-safe.
 *
 * @param messages the messages, in ascending seq order (possibly none)
 * @param hasMore whether older messages exist before this page: ask again with {@code beforeSeq}
 *     set to the first message's seq minus one
 * @param firstKeptSeq the oldest seq the server still keeps for the room (0: it keeps none);
 *     messages below it are gone for good, whatever {@code beforeSeq} asks for
 */
public record HistoryPage(List<ChatMessage> messages, boolean hasMore, long firstKeptSeq) {
  /** Copies the list and checks the values. */
  public HistoryPage {
    messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
    if (firstKeptSeq < 0) {
      throw new IllegalArgumentException("firstKeptSeq must be at least 0, was " + firstKeptSeq);
    }
  }
}
