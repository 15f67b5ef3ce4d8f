package dev.parley.chat.client;

import dev.parley.chat.api.RoomId;
import java.util.Objects;

/**
 * The server took this session out of a room it had joined, without the application asking: for
 * example the server application closed the room. The room's handle is stale from then on: its
 * sends, reads and leave fail with {@code NOT_A_MEMBER}, and the room is not rejoined after a
 * reconnect. Joining it again is allowed if the server's room policy allows it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param room the room
 * @param reason why, as the server application said it; empty if it gave none
 */
public record RoomRemovedEvent(RoomId room, String reason) {
  /** Checks that both fields are present. */
  public RoomRemovedEvent {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(reason, "reason");
  }
}
