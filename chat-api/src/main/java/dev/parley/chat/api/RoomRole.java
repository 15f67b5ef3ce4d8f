package dev.parley.chat.api;

import java.util.EnumSet;
import java.util.Set;

/**
 * A member's role in a room, from most to least powerful. What each may do:
 *
 * <pre>
 *               READ  SEND  INVITE  KICK  BAN  MUTE  DELETE_OTHERS  CHANGE_ROOM
 *   OWNER        ✓     ✓      ✓      ✓     ✓    ✓         ✓              ✓
 *   MODERATOR    ✓     ✓      ✓      ✓     ✓    ✓         ✓
 *   MEMBER       ✓     ✓
 *   READER       ✓
 * </pre>
 *
 * <p>Kicking, banning and muting act only on users of a lower role than the actor's (a moderator
 * cannot ban another moderator or an owner). A room keeps at least one owner. In a public room,
 * anyone who joins without a role of their own is a {@link #MEMBER}.
 *
 * <p>Immutable and thread-safe.
 */
public enum RoomRole {
  /** Everything, including the room's settings and the members' roles. */
  OWNER(EnumSet.allOf(RoomPermission.class)),
  /** Everything but changing the room and roles. */
  MODERATOR(EnumSet.complementOf(EnumSet.of(RoomPermission.CHANGE_ROOM))),
  /** Reads and sends. */
  MEMBER(EnumSet.of(RoomPermission.READ, RoomPermission.SEND)),
  /** Reads only. */
  READER(EnumSet.of(RoomPermission.READ));

  private final Set<RoomPermission> permissions;

  RoomRole(Set<RoomPermission> permissions) {
    this.permissions = Set.copyOf(permissions);
  }

  /** Whether this role holds {@code permission}. */
  public boolean may(RoomPermission permission) {
    return permissions.contains(permission);
  }

  /** Whether this role ranks above {@code other} (and so may kick, ban or mute its holders). */
  public boolean outranks(RoomRole other) {
    return ordinal() < other.ordinal();
  }
}
