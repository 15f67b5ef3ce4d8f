package dev.parley.chat.server;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;

/**
 * Decides who may join which room. Called on the server's worker threads for each join, so it may
 * consult the application's own data; implementations must be thread-safe. Rooms are created on
 * first join when the policy allows it.
 */
@FunctionalInterface
public interface RoomPolicy {
  /** Whether {@code user} may join {@code room} (creating it if it does not exist yet). */
  boolean mayJoin(UserId user, RoomId room);

  /**
   * The default: any user may join or create any room, and a direct room ({@code dm:a:b}) only by
   * its two members.
   */
  static RoomPolicy open() {
    return (user, room) -> !room.isDirect() || room.isDirectMember(user);
  }
}
