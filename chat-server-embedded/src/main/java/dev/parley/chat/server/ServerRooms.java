package dev.parley.chat.server;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The application's side of the rooms: publish messages as a system or bot user, see who is online,
 * disconnect sessions, close rooms, read history. Get it from {@link ChatServer#rooms()}.
 * Thread-safe; every method may be called from any thread and none blocks. Futures complete on a
 * server or store thread: do not run long work in their continuations.
 *
 * <p>The methods act on this node: in a cluster, published messages reach every node (through the
 * store and the bus), but disconnecting and closing reach only the sessions connected here. Bans,
 * mutes, roles and visibility are kept in the {@code RoomAccessStore}: every node sharing it
 * enforces them, other nodes within the access cache period ({@link
 * ChatServerBuilder#accessCacheTtl}).
 *
 * <p>Publishing is checked by the same permission stage as a client's send: a banned or muted
 * sender, or a reader, is refused with {@code FORBIDDEN}; the sender need not be a member of a
 * private room. The moderation methods act with every right (no acting user), and fail with the
 * same codes as the protocol's requests for bad input.
 */
public interface ServerRooms {
  /**
   * Publishes a message with a generated client message id; see {@link #publish(RoomId, UserId,
   * ClientMessageId, String, byte[])}.
   */
  CompletableFuture<ChatMessage> publish(RoomId room, UserId sender, String text);

  /**
   * Publishes a message into a room as {@code sender} (a system or bot user; it need not be
   * connected or a member). It takes the client send's path: the same limits, the {@link
   * MessageHook}s (which see {@link BeforeStoreEvent#fromServer()} true), the store's seq, delivery
   * in seq order to every member, and the after-store hooks. Messages published one after another
   * to one room keep that order.
   *
   * @param clientMessageId the idempotency key: publishing again with the same sender and id
   *     returns the first message and stores nothing
   * @return completes with the stored message once it is stored and handed to delivery; fails with
   *     a {@link dev.parley.chat.api.ChatException}: {@code REJECTED} (a hook refused it, with the
   *     hook's reason), {@code UNAVAILABLE} (the store or a hook failed; publishing again with the
   *     same id is safe), {@code INVALID_ARGUMENT} or {@code TOO_LARGE}
   */
  CompletableFuture<ChatMessage> publish(
      RoomId room, UserId sender, ClientMessageId clientMessageId, String text, byte[] payload);

  /**
   * The users online in a room: with a session in it on this node, or (in a cluster) on another
   * node as far as this node knows.
   */
  CompletableFuture<Set<UserId>> onlineMembers(RoomId room);

  /** The ids of the user's open sessions on this node (those {@link SessionEvent} reported). */
  Set<String> sessionsOf(UserId user);

  /**
   * Closes every session of a user on this node with close code 1000 and {@code reason}. A client
   * closed this way does not reconnect by itself; to keep the user out, refuse them in your {@code
   * Authenticator} too.
   *
   * @return how many sessions were closed
   */
  int disconnectUser(UserId user, String reason);

  /**
   * Revokes a user's sessions on this node: closes every one at once with close code {@link
   * dev.parley.chat.protocol.CloseCodes#REVOKED} (4005) and {@code reason}, including sessions
   * already authenticated and still being welcomed. A client closed this way asks its token
   * provider for credentials once more and reconnects only if it gets some; your {@code
   * Authenticator} then decides, so make it refuse what you revoked first (a session whose Connect
   * is still with the authenticator when this is called is not closed by it). In a cluster, call it
   * on every node: like {@link #disconnectUser}, it acts on the node it is called on.
   *
   * @return how many sessions were closed (sessions already closing are not counted)
   */
  int revoke(UserId user, String reason);

  /**
   * Closes one session (as {@link #disconnectUser} does).
   *
   * @return false if no such session is open on this node
   */
  boolean disconnectSession(String sessionId, String reason);

  /**
   * Closes a room on this node: every member session is removed and told with a {@code Left} frame
   * that carries {@code reason} (clients forget the room and do not rejoin it on reconnect). The
   * room's history is kept, and it may be joined again; keep users out with your {@link
   * RoomPolicy}.
   *
   * @return completes with the number of sessions removed
   */
  CompletableFuture<Integer> close(RoomId room, String reason);

  /**
   * Reads a room's history from the store, as a member's history request does but with no page cap:
   * {@code FORWARD} reads seqs {@code >= fromSeq} upward, {@code BACKWARD} seqs {@code <= fromSeq}
   * downward ({@code 0}: from the newest), at most {@code limit} messages, in ascending seq order.
   */
  CompletableFuture<HistorySlice> history(
      RoomId room, long fromSeq, ReadDirection direction, int limit);

  // --- Rooms' access: visibility, roles, moderation (checked like a client's, with every right)
  // ---

  /**
   * Creates a room, as a client's CreateRoom does but without the room policy's say.
   *
   * @param owner its first owner, or {@code null} for a room without one (the application manages
   *     it)
   * @return fails with {@code ALREADY_EXISTS} if the room was created before or has history, {@code
   *     INVALID_ARGUMENT} for a direct room
   */
  CompletableFuture<Void> createRoom(RoomId room, RoomVisibility visibility, UserId owner);

  /**
   * Makes a room public or private; sessions of users who may no longer be in it are removed with a
   * pushed {@code Left}. A room never created is created (without owner) first, as for every method
   * below.
   */
  CompletableFuture<Void> setVisibility(RoomId room, RoomVisibility visibility);

  /**
   * Makes {@code user} a member with {@code role} (a member keeps the role they have) and tells
   * their sessions on this node with an {@code Invited} push.
   */
  CompletableFuture<Void> invite(RoomId room, UserId user, RoomRole role);

  /**
   * Takes the user's sessions out of the room on this node now, each told with a pushed {@code
   * Left} carrying {@code reason}; in a private room they stop being a member (so they may come
   * back only when invited again, and their sessions on other nodes are removed within the access
   * cache period). In a public room they may join again at once.
   *
   * @return completes with how many sessions were removed on this node
   */
  CompletableFuture<Integer> kick(RoomId room, UserId user, String reason);

  /**
   * Bans a user for {@code duration}: their sessions are removed (a pushed {@code Left} says until
   * when and why) and they cannot join, on any node sharing the access store, until it ends.
   *
   * @return fails with {@code INVALID_ARGUMENT} if {@code duration} is not positive or longer than
   *     ten years
   */
  CompletableFuture<Void> ban(RoomId room, UserId user, Duration duration, String reason);

  /** Lifts a ban; nothing happens if there was none. */
  CompletableFuture<Void> unban(RoomId room, UserId user);

  /**
   * Mutes a user for {@code duration}: they stay in the room and read it, but their sends and
   * typing notices are refused with {@code FORBIDDEN}.
   */
  CompletableFuture<Void> mute(RoomId room, UserId user, Duration duration);

  /** Lifts a mute; nothing happens if there was none. */
  CompletableFuture<Void> unmute(RoomId room, UserId user);

  /**
   * Gives a user a role in the room (making them a member).
   *
   * @return fails with {@code FORBIDDEN} if it would leave the room without an owner
   */
  CompletableFuture<Void> setRole(RoomId room, UserId user, RoomRole role);
}
