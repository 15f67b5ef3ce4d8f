package dev.parley.chat.spi;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import java.time.Instant;
import java.util.List;
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
 *   <li>A store whose {@link #addsEventsTo} answers true for an outbox writes the events of {@link
 *       #create(RoomId, RoomVisibility, UserId, ChangeEvents)} and {@link #setRole(RoomId, UserId,
 *       RoomRole, ChangeEvents)} to it in the change's own transaction: both are kept, or neither.
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

  /**
   * Whether this store adds the events of its changes to {@code outbox} in each change's own
   * transaction ({@link #create(RoomId, RoomVisibility, UserId, ChangeEvents)}, {@link
   * #setRole(RoomId, UserId, RoomRole, ChangeEvents)}), so that a crash keeps the change and its
   * events or neither. True only for the outbox of the same storage, such as a JDBC store's message
   * store over the same database. Default false: the server then adds the events itself, just after
   * the change, and a crash in between loses them.
   */
  default boolean addsEventsTo(EventOutbox outbox) {
    return false;
  }

  /**
   * {@link #create(RoomId, RoomVisibility, UserId)}, and if the room is created, the events {@code
   * events} gives for {@code owner} (its role before: none; after: {@link RoomRole#OWNER}, or
   * {@code null} without an owner) added to the outbox in the same transaction. Only called when
   * {@link #addsEventsTo} answered true; the default throws {@link UnsupportedOperationException}.
   */
  default CompletionStage<Boolean> create(
      RoomId room, RoomVisibility visibility, UserId owner, ChangeEvents events) {
    throw new UnsupportedOperationException(getClass().getName() + " adds no events");
  }

  /**
   * {@link #setRole(RoomId, UserId, RoomRole)}, and if it answers {@link RoleChange#CHANGED}, the
   * events {@code events} gives for the user's role before and after the change added to the outbox
   * in the same transaction. Only called when {@link #addsEventsTo} answered true; the default
   * throws {@link UnsupportedOperationException}.
   */
  default CompletionStage<RoleChange> setRole(
      RoomId room, UserId user, RoomRole role, ChangeEvents events) {
    throw new UnsupportedOperationException(getClass().getName() + " adds no events");
  }

  /** Releases the store's resources. */
  @Override
  void close();

  /**
   * The events of one change to a user's role in a room, from the role the store found before the
   * change and the one it leaves ({@code null}: not a member). Called at most once per change,
   * inside it (on the store's thread, holding its transaction): it must be quick and must not call
   * the store. It may return no events.
   */
  @FunctionalInterface
  interface ChangeEvents {
    List<ChatEvent> of(RoomRole before, RoomRole after);
  }

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
