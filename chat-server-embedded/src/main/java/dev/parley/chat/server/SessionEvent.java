package dev.parley.chat.server;

import dev.parley.chat.api.UserId;
import java.util.Objects;

/**
 * A session connected or disconnected. Immutable and thread-safe.
 *
 * @param sessionId the session's id (as in {@code Welcome.session_id}); use it with {@link
 *     ServerRooms#disconnectSession}
 * @param user the authenticated user
 */
public record SessionEvent(String sessionId, UserId user) {
  /** Validates the fields. */
  public SessionEvent {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(user, "user");
  }
}
