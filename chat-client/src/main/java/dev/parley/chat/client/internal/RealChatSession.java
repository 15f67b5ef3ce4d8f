package dev.parley.chat.client.internal;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.HistoryPage;
import dev.parley.chat.client.OutgoingMessage;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.client.TokenProvider;
import dev.parley.chat.client.UploadedFile;
import dev.parley.chat.protocol.internal.Envelope;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongFunction;

/**
 * The {@link ChatSession} the application holds: a thin, thread-safe front over the session engine.
 * Every call takes the session's {@link SessionLock} and hands over to the engine:
 *
 * <ul>
 *   <li>{@link SessionLifecycle}: connection attempts, Welcome, reconnects, heartbeats, closing;
 *   <li>{@link Conversation}: requests and sends, their answers, the outbox, resends on resume;
 *   <li>{@link RoomDeliveries}: joined rooms and their ordered deliveries ({@link RoomSequencer});
 *   <li>{@link SessionEvents}: listener calls (serial, on the callback executor) and completions.
 * </ul>
 *
 * <p>Listener calls and future completions never run on the caller's thread while it holds the
 * lock, nor on a transport or timer thread (unless the application chose a direct callback
 * executor).
 */
final class RealChatSession implements ChatSession {
  private final ConcurrentSkipListMap<RoomId, JoinedRoom> rooms = new ConcurrentSkipListMap<>();
  private final SessionLock lock;
  private final SessionLifecycle lifecycle;
  private final Conversation conversation;
  private final SessionEvents events;
  private final TusUploader uploader;

  RealChatSession(SessionContext context, TokenProvider tokens, ChatListener listener) {
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(listener, "listener");
    this.events = new SessionEvents(this, listener, context.callbackExecutor());
    this.lock = new SessionLock(events, context.scheduler());
    RoomDeliveries deliveries =
        new RoomDeliveries(this, events, rooms, context.config().maxBufferedLive());
    this.lifecycle = new SessionLifecycle(this, context, tokens, events, lock, deliveries);
    this.conversation = lifecycle.conversation();
    this.uploader = context.uploader();
  }

  /** Starts connecting; the future completes with this session at the first Welcome. */
  CompletableFuture<ChatSession> start() {
    lock.run(lifecycle::start);
    return lifecycle.connected();
  }

  /** Completes once the session is closed and its last connection has finished closing. */
  CompletableFuture<Void> terminated() {
    return lifecycle.terminated();
  }

  /** Aborts connections still closing, without waiting. For the client's shutdown. */
  void abortConnections() {
    lock.run(lifecycle::abortConnections);
  }

  /** Bugs caught at the transport boundary; see {@link SessionLifecycle#internalErrors()}. */
  int internalErrors() {
    return lifecycle.internalErrors();
  }

  @Override
  public Optional<URI> endpoint() {
    return Optional.ofNullable(lifecycle.endpoint());
  }

  @Override
  public UserId user() {
    return lifecycle.user();
  }

  @Override
  public State state() {
    return lifecycle.state();
  }

  @Override
  public CompletableFuture<RoomHandle> join(RoomId room) {
    Objects.requireNonNull(room, "room");
    return lock.call(
        () -> lifecycle.state() == State.CLOSED ? closedFuture() : conversation.join(room));
  }

  @Override
  public CompletableFuture<RoomHandle> joinDirect(UserId other) {
    Objects.requireNonNull(other, "other");
    UserId me = lifecycle.user();
    if (me == null) {
      return closedFuture();
    }
    RoomId room;
    try {
      room = RoomId.direct(me, other);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new ChatException(ErrorCode.INVALID_ARGUMENT, e.getMessage()));
    }
    return join(room);
  }

  @Override
  public CompletableFuture<UploadedFile> upload(Path file) {
    Objects.requireNonNull(file, "file");
    return lifecycle.state() == State.CLOSED
        ? closedFuture()
        : uploader.upload(lifecycle.acceptedToken(), file);
  }

  @Override
  public CompletableFuture<UploadedFile> upload(InputStream in, String name, long length) {
    return lifecycle.state() == State.CLOSED
        ? closedFuture()
        : uploader.upload(lifecycle.acceptedToken(), in, name, length);
  }

  @Override
  public Optional<RoomHandle> room(RoomId room) {
    JoinedRoom joined = rooms.get(Objects.requireNonNull(room, "room"));
    return joined == null ? Optional.empty() : Optional.of(joined.handle);
  }

  @Override
  public void close() {
    lock.run(lifecycle::close);
  }

  @Override
  public String toString() {
    return "ChatSession[" + lifecycle.user() + ", " + lifecycle.state() + "]";
  }

  // --- RoomHandle operations ---

  CompletableFuture<SendReceipt> send(RealRoomHandle handle, OutgoingMessage message) {
    return lock.call(() -> conversation.send(handle, message));
  }

  @Override
  public CompletableFuture<Void> createRoom(RoomId room, RoomVisibility visibility) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(visibility, "visibility");
    return lock.call(
        () ->
            lifecycle.state() == State.CLOSED
                ? closedFuture()
                : conversation.createRoom(room, visibility));
  }

  CompletableFuture<Void> roomAction(RealRoomHandle handle, LongFunction<Envelope> frame) {
    return lock.call(() -> conversation.roomAction(handle, frame));
  }

  CompletableFuture<HistoryPage> history(RealRoomHandle handle, long beforeSeq, int limit) {
    return lock.call(() -> conversation.history(handle, beforeSeq, limit));
  }

  boolean isJoined(RealRoomHandle handle) {
    return lifecycle.state() != State.CLOSED && rooms.get(handle.id()) == handle.room();
  }

  CompletableFuture<Void> leave(RealRoomHandle handle) {
    return lock.call(() -> conversation.leave(handle));
  }

  boolean typing(RealRoomHandle handle, boolean active) {
    return lock.call(() -> conversation.typing(handle, active));
  }

  boolean markRead(RealRoomHandle handle, long seq) {
    return lock.call(() -> conversation.markRead(handle, seq));
  }

  private static <T> CompletableFuture<T> closedFuture() {
    return CompletableFuture.failedFuture(
        new ChatException(ErrorCode.NOT_CONNECTED, "the session is closed"));
  }
}
