package dev.parley.chat.server;

import dev.parley.chat.api.ChatMessage;
import java.util.Objects;

/**
 * A message that was stored and delivered, as {@link MessageHook#afterStore} sees it. Immutable and
 * thread-safe.
 *
 * @param message the stored message, with its seq
 * @param sessionId the sending session's id; empty for a server-side publish
 */
public record AfterStoreEvent(ChatMessage message, String sessionId) {
  /** Validates the fields. */
  public AfterStoreEvent {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(sessionId, "sessionId");
  }

  /** Whether the application published this message itself ({@link ServerRooms#publish}). */
  public boolean fromServer() {
    return sessionId.isEmpty();
  }
}
