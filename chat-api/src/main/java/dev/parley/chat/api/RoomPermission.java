package dev.parley.chat.api;

/**
 * What a member may do in a room; which {@link RoomRole} holds which is fixed ({@link
 * RoomRole#may}). Immutable and thread-safe.
 */
public enum RoomPermission {
  /** Join, read history, see presence, typing and read receipts, send read receipts. */
  READ,
  /** Send messages and typing notices. */
  SEND,
  /** Invite a user into the room (a private room admits only members). */
  INVITE,
  /** Remove a member's sessions from the room now. */
  KICK,
  /** Keep a user out of the room for a while, or lift that. */
  BAN,
  /** Keep a member from sending for a while, or lift that. */
  MUTE,
  /** Delete other members' messages (no delete operation exists yet; the right is defined). */
  DELETE_OTHERS,
  /** Change the room itself: its visibility, and the members' roles. */
  CHANGE_ROOM
}
