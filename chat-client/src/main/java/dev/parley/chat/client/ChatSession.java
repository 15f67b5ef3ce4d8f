package dev.parley.chat.client;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
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

  /**
   * Uploads a file to the server's HTTP side ({@link ChatClientBuilder#httpEndpoint(URI)}) with the
   * session's credentials, and completes with its {@link UploadedFile#token() token} once the
   * server has checked and stored it. Send the token with a message to attach the file:
   *
   * <pre>{@code
   * UploadedFile file = session.upload(Path.of("cat.png")).get(1, TimeUnit.MINUTES);
   * room.send(OutgoingMessage.builder().text("look").attachment(file.token()).build());
   * }</pre>
   *
   * <p>The file goes in chunks ({@link ChatClientBuilder#uploadChunkSize(int)}) with the tus
   * protocol. A lost connection, a timeout or a server error ({@code 5xx}, such as {@code 503
   * ATTACHMENTS_UNAVAILABLE}) is retried after a backoff delay, never sooner than the server's
   * {@code Retry-After}, and the upload resumes from the bytes the server has; after six such
   * failures in a row it fails with {@code UNAVAILABLE}. A refusal fails it at once with a {@link
   * dev.parley.chat.api.ChatException} carrying the server's reason: {@code TOO_LARGE}, {@code
   * LIMIT_EXCEEDED} (quota, with its retry-after), {@code REJECTED} (content refused: the type does
   * not match the bytes, an image too large to decode), {@code AUTHENTICATION_FAILED}, {@code
   * INVALID_ARGUMENT} (also for a file that cannot be read, or no HTTP endpoint). The upload
   * authenticates with the credentials the server last accepted from this session; before the first
   * Welcome it fails with {@code NOT_CONNECTED}. Cancelling the future stops the upload and deletes
   * it on the server.
   *
   * <p>Uploads run on the client's upload threads, up to four at a time; the future completes on
   * the callback executor. The default (for implementations outside this module) fails with {@code
   * UnsupportedOperationException}.
   *
   * @param file a regular file, sent under its own name (the server cleans the name and sniffs the
   *     type from the bytes)
   */
  default CompletableFuture<UploadedFile> upload(Path file) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException("this session does not upload"));
  }

  /**
   * Uploads {@code length} bytes read from {@code in} under {@code name}, as {@link #upload(Path)}
   * does; the stream is read on an upload thread, one chunk at a time (the last chunk is kept in
   * memory for a resume), and closed at the end. Content shorter than {@code length} fails the
   * upload with {@code INVALID_ARGUMENT}; bytes after {@code length} are not read.
   *
   * @throws IllegalArgumentException if {@code name} is blank or {@code length} negative
   */
  default CompletableFuture<UploadedFile> upload(InputStream in, String name, long length) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException("this session does not upload"));
  }

  /** The handle of a room this session has joined, if it has. */
  Optional<RoomHandle> room(RoomId room);

  /**
   * Closes the session with close code 1000: no reconnect follows. Unacknowledged sends fail.
   * Idempotent.
   */
  @Override
  void close();
}
