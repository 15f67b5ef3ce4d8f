package dev.parley.chat.client;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.UserId;
import java.util.Objects;
import java.util.Optional;

/**
 * This user was invited into a room (made a member of it, with a role): they may now join it with
 * {@link ChatSession#join}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param room the room
 * @param invitedBy who invited them, or {@code null} when the server application did
 * @param role the role they hold in the room
 */
public record InvitedEvent(RoomId room, UserId invitedBy, RoomRole role) {
  /** Checks that the room and role are present. */
  public InvitedEvent {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(role, "role");
  }

  /** Who invited them; empty when the server application did. */
  public Optional<UserId> by() {
    return Optional.ofNullable(invitedBy);
  }
}
