package dev.parley.chat.spi;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where rooms' access state lives: which rooms were created and with what visibility, their members
 * and roles, and the bans and mutes with the instant each ends. The server asks it (through a
 * cache) before every join, send, history read, typing notice and receipt; nodes that share one
 * store share every ban. A room the store does not know was never created: it is public, has no
 * roles, and is created on its first join, as rooms always were.
 *
 * <p>Contract (checked by {@code RoomAccessStoreConformanceSuite} in {@code chat-testkit}):
 *
 * <ul>
 *   <li>{@link #create} creates a room once: a second create of the same room changes nothing and
 *       answers false, even when two are made at once.
 *   <li>Every change is visible to {@link #access} once its stage has completed, from any store
 *       over the same storage.
 *   <li>A created room keeps at least one owner once it had one: {@link #setRole} refuses, with
 *       {@link RoleChange#LAST_OWNER} and no change, to demote or remove its last owner, even under
 *       concurrent changes.
 *   <li>Changes to a room that was not created change nothing and answer false or {@link
 *       RoleChange#NO_ROOM}.
 * </ul>
 *
 * <p>Implementations are thread-safe. Methods must not block the caller for I/O: return a stage and
 * complete it from the store's own threads. Stages may complete on any thread; callers do not run
 * long work in their continuations.
 */
public interface RoomAccessStore extends AutoCloseable {
  /**
   * Creates a room.
   *
   * @param owner the room's first owner, or {@code null} for a room the application created without
   *     one
   * @return true if the room was created, false if it existed (then nothing changed)
   */
  CompletionStage<Boolean> create(RoomId room, RoomVisibility visibility, UserId owner);

  /** What the store keeps about {@code user} in {@code room}; empty if the room was not created. */
  CompletionStage<Optional<MemberAccess>> access(RoomId room, UserId user);

  /**
   * Changes a created room's visibility.
   *
   * @return false if the room was not created
   */
  CompletionStage<Boolean> setVisibility(RoomId room, RoomVisibility visibility);

  /**
   * Gives a user a role in a created room, making them a member, or with {@code role == null}
   * removes them from the members.
   */
  CompletionStage<RoleChange> setRole(RoomId room, UserId user, RoomRole role);

  /**
   * Bans or mutes a user of a created room until {@code until}, replacing a restriction of the same
   * kind. The user need not be a member; a ban keeps their role.
   *
   * @param reason why, kept with a ban ({@code ""} for none)
   * @return false if the room was not created
   */
  CompletionStage<Boolean> restrict(
      RoomId room, UserId user, Restriction kind, Instant until, String reason);

  /**
   * Lifts a ban or mute.
   *
   * @return true if one was in the store (ended or not), false if none was or the room was not
   *     created
   */
  CompletionStage<Boolean> lift(RoomId room, UserId user, Restriction kind);

  /** Releases the store's resources. */
  @Override
  void close();

  /** The two restrictions with an end. */
  enum Restriction {
    /** Kept out of the room: cannot join, read or send. */
    BAN,
    /** Kept from sending and typing; can still read. */
    MUTE
  }

  /** What {@link #setRole} did. */
  enum RoleChange {
    /** The role was set (or the member removed); also when it was so already. */
    CHANGED,
    /** Refused: it would leave the room without an owner. Nothing changed. */
    LAST_OWNER,
    /** Refused: the room was not created. Nothing changed. */
    NO_ROOM
  }
}
