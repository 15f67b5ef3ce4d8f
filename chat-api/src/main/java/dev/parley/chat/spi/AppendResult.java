package dev.parley.chat.spi;

import dev.parley.chat.api.ChatMessage;
import java.util.Objects;

/**
 * The outcome of {@link MessageStore#append}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param message the stored message (the earlier one when {@code duplicate})
 * @param duplicate whether the append matched a message already stored
 */
public record AppendResult(ChatMessage message, boolean duplicate) {
  /** Checks that the message is present. */
  public AppendResult {
    Objects.requireNonNull(message, "message");
  }
}
