package dev.parley.chat.spi;

import dev.parley.chat.api.ChatMessage;
import java.util.List;

/**
 * Messages read from a store.
 *
 * <p>Immutable and thread-safe.
 *
 * @param messages in ascending seq order
 * @param hasMore whether more messages exist beyond this slice in the direction read
 * @param position the room's head and oldest kept seq when read
 */
public record HistorySlice(List<ChatMessage> messages, boolean hasMore, RoomPosition position) {
  /** Copies the list. */
  public HistorySlice {
    messages = List.copyOf(messages);
    java.util.Objects.requireNonNull(position, "position");
  }
}
