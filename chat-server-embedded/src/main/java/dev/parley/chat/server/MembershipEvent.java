package dev.parley.chat.server;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import java.util.Objects;

/**
 * A session joined or left a room. Immutable and thread-safe.
 *
 * @param sessionId the session's id
 * @param user the session's user
 * @param room the room
 */
public record MembershipEvent(String sessionId, UserId user, RoomId room) {
  /** Validates the fields. */
  public MembershipEvent {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(room, "room");
  }
}
