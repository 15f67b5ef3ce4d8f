package dev.parley.chat.client;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One user's connection to the chat, kept alive across network failures and credential refreshes
 * (see {@link ChatClient#connect(TokenProvider, ChatListener)}). Thread-safe: any thread may call
 * any method. Futures complete on the client's callback executor, never on a network thread.
 *
 * <p>Lifecycle, reported to {@link ChatListener#onStateChanged}:
 *
 * <pre>
 *   CONNECTING ──► CONNECTED ──► RECONNECTING ──► CONNECTED ... ──► CLOSED
 * </pre>
 *
 * <ul>
 *   <li>{@link State#CONNECTING}: the first connection is being made (each endpoint once).
 *   <li>{@link State#CONNECTED}: the server welcomed the session; sends go out at once.
 *   <li>{@link State#RECONNECTING}: the connection dropped (or was dropped by the session: no frame
 *       for two heartbeat intervals, a listener too far behind); the session retries with
 *       exponential backoff and jitter, moving to the next endpoint after each failed attempt, or
 *       after the server's delay following a GoAway. Sends made meanwhile wait in the outbox and go
 *       out, in order and with their original client message ids, once the session has resumed; so
 *       do joins, leaves and history reads still unanswered. Every joined room is rejoined and its
 *       missed messages delivered in order before new ones. Each attempt asks the session's {@link
 *       TokenProvider} for a token first; after close code 4004 (the credentials expired) and 4005
 *       (the server revoked the session) too.
 *   <li>{@link State#CLOSED}: terminal, after {@link #close()}, a refusal by the server
 *       (authentication failed, close codes 1000, 1003, 4000, 4001), a {@link TokenProvider} that
 *       has no token ({@code null}) when asked for a connection, or {@link ChatClient#close()}.
 *       Pending futures fail with {@link dev.parley.chat.api.ChatException} ({@code
 *       NOT_CONNECTED}).
 * </ul>
 *
 * <p>Bounds: at most {@link ChatClientBuilder#maxOutbox(int)} unacknowledged sends, and 1,000
 * joins, leaves and history reads waiting for an answer; beyond either, the call fails at once with
 * {@code LIMIT_EXCEEDED}.
 */
public interface ChatSession extends AutoCloseable {
  /** The session's connection states. */
  enum State {
    /** The first connection is being made. */
    CONNECTING,
    /** Connected and welcomed by the server. */
    CONNECTED,
    /** Connection lost; retrying. */
    RECONNECTING,
    /** Closed for good. */
    CLOSED
  }

  /** The user the server authenticated this session as. */
  UserId user();

  /** The current state. */
  State state();

  /**
   * The endpoint of the current connection while {@link State#CONNECTED CONNECTED}, else empty.
   * Thread-safe. The default (for implementations outside this module) is always empty.
   */
  default Optional<URI> endpoint() {
    return Optional.empty();
  }

  /**
   * Joins a room (the server creates it on first join if its policy allows). Completes with the
   * room's handle once the server confirmed, or fails with the server's code ({@code FORBIDDEN},
   * {@code LIMIT_EXCEEDED}...); joining a room already joined returns its handle. Messages sent to
   * the room after the join are delivered to the listener; older ones are read with {@link
   * RoomHandle#history(long, int)}.
   */
  CompletableFuture<RoomHandle> join(RoomId room);

  /** Joins the direct-conversation room with {@code other}; see {@link RoomId#direct}. */
  CompletableFuture<RoomHandle> joinDirect(UserId other);

  /**
   * Creates a room with this user as its owner; it does not join it (call {@link #join} next). A
   * {@link RoomVisibility#PRIVATE} room admits only members, whom its owners and moderators invite
   * ({@link RoomHandle#invite}). Fails with {@code ALREADY_EXISTS} if the room exists (created
   * before, or used already), {@code FORBIDDEN} if the server's room policy keeps this user out of
   * it, {@code INVALID_ARGUMENT} for a direct room.
   */
  CompletableFuture<Void> createRoom(RoomId room, RoomVisibility visibility);

  /** The handle of a room this session has joined, if it has. */
  Optional<RoomHandle> room(RoomId room);

  /**
   * Closes the session with close code 1000: no reconnect follows. Unacknowledged sends fail.
   * Idempotent.
   */
  @Override
  void close();
}
