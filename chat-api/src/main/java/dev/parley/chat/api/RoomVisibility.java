package dev.parley.chat.api;

/**
 * Who may join a room. A room that nobody created is public and is created on its first join; a
 * room created {@link #PRIVATE} admits only its members, who get in by invitation.
 *
 * <p>Immutable and thread-safe.
 */
public enum RoomVisibility {
  /** Anyone may join (unless banned). */
  PUBLIC,
  /** Only members may join; someone outside learns nothing about the room. */
  PRIVATE
}
