package dev.parley.chat.client.internal;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.InvitedEvent;
import dev.parley.chat.client.OutgoingMessage;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.protocol.internal.Direction;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.HistoryPage;
import dev.parley.chat.protocol.internal.Invited;
import dev.parley.chat.protocol.internal.Joined;
import dev.parley.chat.protocol.internal.Left;
import dev.parley.chat.protocol.internal.SendAck;
import dev.parley.chat.protocol.internal.Welcome;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a session asks and is answered once the server has welcomed it: joins, leaves, history
 * reads, sends and their acknowledgements. It survives reconnects: {@link #onWelcome} rejoins the
 * rooms from where the listener stands, then resends every unanswered request and every
 * unacknowledged send, in the order they were made, under their original request ids and client
 * message ids. The {@link InboundRouter} hands it the server's answers; pushed frames (messages,
 * presence...) go from there to {@link RoomDeliveries}.
 *
 * <p>Not thread-safe: every method runs under the session's lock.
 */
final class Conversation implements RoomDeliveries.Fetcher {
  private static final Logger log = LoggerFactory.getLogger(Conversation.class);

  /** How often a send refused with a retryable code goes out again before its future fails. */
  static final int MAX_SEND_RETRIES = 5;

  /** What the conversation needs from the session's current connection. */
  interface Wire {
    /** Whether a welcomed connection is up. */
    boolean ready();

    /** Sends a frame on the welcomed connection; false if there is none. */
    boolean send(Envelope frame);

    /** Drops the connection; the session reconnects and resumes. */
    void drop(String reason);

    /** Runs {@code task} under the session's lock after {@code delay}; null if no timer is left. */
    ScheduledFuture<?> schedule(Duration delay, Runnable task);
  }

  private final Wire wire;
  private final SessionEvents events;
  private final SessionConfig config;
  private final RoomDeliveries rooms;
  private final PendingRequests requests;
  private final Outbox outbox;
  private final ClientMessageIds clientMessageIds;
  private final Backoff backoff;
  private SendLimits limits = SendLimits.DEFAULTS;
  private long lastRequestId;

  Conversation(
      Wire wire,
      SessionEvents events,
      SessionConfig config,
      RoomDeliveries rooms,
      ClientMessageIds clientMessageIds,
      Backoff backoff) {
    this.wire = wire;
    this.events = events;
    this.config = config;
    this.rooms = rooms;
    this.requests = new PendingRequests(config.maxPendingRequests());
    this.outbox = new Outbox(config.maxOutbox());
    this.clientMessageIds = clientMessageIds;
    this.backoff = backoff;
    rooms.setFetcher(this);
  }

  long nextRequestId() {
    return ++lastRequestId;
  }

  // --- The application's requests ---

  CompletableFuture<RoomHandle> join(RoomId room) {
    JoinedRoom joined = rooms.get(room);
    if (joined != null && requests.find(PendingRequest.Kind.LEAVE, room) == null) {
      return CompletableFuture.completedFuture(joined.handle);
    }
    PendingRequest pending = requests.find(PendingRequest.Kind.JOIN, room);
    if (pending != null) {
      return pending.joined.copy();
    }
    if (requests.isFull()) {
      return tooManyRequests();
    }
    long id = nextRequestId();
    PendingRequest request = PendingRequest.join(id, room, EnvelopeCodec.join(id, room));
    submit(request);
    return request.joined;
  }

  CompletableFuture<Void> leave(RealRoomHandle handle) {
    RoomId room = handle.id();
    if (!isJoined(handle)) {
      return notAMember(room);
    }
    PendingRequest pending = requests.find(PendingRequest.Kind.LEAVE, room);
    if (pending != null) {
      return pending.left.copy();
    }
    if (requests.isFull()) {
      return tooManyRequests();
    }
    long id = nextRequestId();
    PendingRequest request = PendingRequest.leave(id, room, EnvelopeCodec.leave(id, room));
    submit(request);
    return request.left;
  }

  CompletableFuture<dev.parley.chat.client.HistoryPage> history(
      RealRoomHandle handle, long beforeSeq, int limit) {
    RoomId room = handle.id();
    if (!isJoined(handle)) {
      return notAMember(room);
    }
    if (requests.isFull()) {
      return tooManyRequests();
    }
    long id = nextRequestId();
    int pageSize = Math.min(limit, limits.maxHistoryPage());
    PendingRequest request =
        PendingRequest.history(
            id, room, EnvelopeCodec.history(id, room, beforeSeq, Direction.BACKWARD, pageSize));
    submit(request);
    return request.history;
  }

  /** Creates a room (not joined). */
  CompletableFuture<Void> createRoom(RoomId room, RoomVisibility visibility) {
    return roomAction(room, id -> EnvelopeCodec.createRoom(id, room, visibility));
  }

  /** A moderation request about a joined room; see {@link RealRoomHandle}. */
  CompletableFuture<Void> roomAction(RealRoomHandle handle, LongFunction<Envelope> frame) {
    if (!isJoined(handle)) {
      return notAMember(handle.id());
    }
    return roomAction(handle.id(), frame);
  }

  private CompletableFuture<Void> roomAction(RoomId room, LongFunction<Envelope> frame) {
    if (requests.isFull()) {
      return tooManyRequests();
    }
    long id = nextRequestId();
    PendingRequest request = PendingRequest.roomAction(id, room, frame.apply(id));
    submit(request);
    return request.done;
  }

  CompletableFuture<SendReceipt> send(RealRoomHandle handle, OutgoingMessage message) {
    RoomId room = handle.id();
    if (!isJoined(handle)) {
      return notAMember(room);
    }
    int textBytes = message.text().getBytes(StandardCharsets.UTF_8).length;
    if (textBytes > limits.maxTextBytes()) {
      return failed(
          ErrorCode.TOO_LARGE,
          "text is " + textBytes + " UTF-8 bytes; the server accepts " + limits.maxTextBytes());
    }
    byte[] payload = message.payload();
    if (payload.length > limits.maxPayloadBytes()) {
      return failed(
          ErrorCode.TOO_LARGE,
          "payload is "
              + payload.length
              + " bytes; the server accepts "
              + limits.maxPayloadBytes());
    }
    if (outbox.isFull()) {
      return failed(
          ErrorCode.LIMIT_EXCEEDED,
          "the outbox already holds "
              + outbox.size()
              + " unacknowledged sends (maxOutbox); wait for some to complete");
    }
    ClientMessageId clientMessageId = message.clientMessageId().orElseGet(clientMessageIds::next);
    if (outbox.contains(clientMessageId)) {
      return failed(
          ErrorCode.INVALID_ARGUMENT,
          "a send with client message id " + clientMessageId + " is already waiting for its ack");
    }
    long id = nextRequestId();
    Envelope frame =
        EnvelopeCodec.send(
            id, room, clientMessageId, message.text(), payload, message.attachmentTokens());
    Outbox.Entry entry = new Outbox.Entry(id, room, clientMessageId, frame);
    outbox.add(entry);
    if (wire.ready()) {
      wire.send(frame);
    }
    return entry.future;
  }

  boolean typing(RealRoomHandle handle, boolean active) {
    return isJoined(handle)
        && wire.ready()
        && wire.send(EnvelopeCodec.typing(nextRequestId(), handle.id(), active));
  }

  boolean markRead(RealRoomHandle handle, long seq) {
    return isJoined(handle)
        && wire.ready()
        && wire.send(EnvelopeCodec.readReceipt(nextRequestId(), handle.id(), seq));
  }

  // --- Connection lifecycle ---

  /**
   * The server welcomed a (re)connection: rejoined rooms catch up from the listener's position
   * (their fills start now), rooms the server refused are lost and reported, then every unanswered
   * request and unacknowledged send goes out again in the order it was made.
   */
  void onWelcome(Welcome welcome) {
    limits = SendLimits.of(welcome.getLimits());
    Set<RoomId> notRejoined = new HashSet<>();
    rooms.all().forEach(room -> notRejoined.add(room.id));
    for (Joined joined : welcome.getRejoinedList()) {
      JoinedRoom room = rooms.get(joined.getRoom());
      if (room != null && notRejoined.remove(room.id)) {
        rooms.joinedAgain(room, joined);
      }
    }
    for (dev.parley.chat.protocol.internal.Error error : welcome.getRejectedList()) {
      JoinedRoom room = rooms.get(error.getRoom());
      if (room != null && notRejoined.remove(room.id)) {
        ErrorCode code = EnvelopeCodec.exception(error).code();
        lose(
            room,
            new ChatException(code, "could not rejoin " + room.id + ": " + error.getMessage()));
      }
    }
    for (RoomId id : notRejoined) {
      lose(
          rooms.get(id),
          new ChatException(ErrorCode.UNAVAILABLE, "the server did not rejoin " + id));
    }
    TreeMap<Long, Envelope> unanswered = new TreeMap<>();
    for (PendingRequest request : requests.inOrder()) {
      if (request.kind != PendingRequest.Kind.FILL) {
        unanswered.put(request.id, request.frame);
      }
    }
    for (Outbox.Entry entry : outbox.inOrder()) {
      entry.awaitingResend = false; // goes out again now, in order
      unanswered.put(entry.requestId, entry.frame);
    }
    for (Envelope frame : unanswered.values()) {
      if (!wire.send(frame)) {
        break;
      }
    }
  }

  /** The connection is gone: fills in flight will not be answered; the rest waits for resume. */
  void onConnectionLost() {
    requests.removeAll(PendingRequest.Kind.FILL, null);
    rooms.connectionLost();
  }

  /** The session closed: every future fails with {@code failure}; every handle goes stale. */
  void closeAll(ChatException failure) {
    for (PendingRequest request : requests.removeAll(null, null)) {
      events.fail(request.future(), failure);
    }
    for (Outbox.Entry entry : outbox.removeAll(null)) {
      events.fail(entry.future, failure);
    }
    rooms.clear();
  }

  // --- The server's answers, once welcomed (from the InboundRouter) ---

  void onRequestTimeout(long requestId) {
    PendingRequest request = requests.remove(requestId);
    if (request == null) {
      return;
    }
    String what =
        request.kind + " of " + request.room + " got no answer within " + config.requestTimeout();
    if (request.kind == PendingRequest.Kind.FILL) {
      wire.drop("reading history: " + what);
    } else {
      events.fail(request.future(), new ChatException(ErrorCode.UNAVAILABLE, what));
    }
  }

  void onJoined(long requestId, Joined joined) {
    PendingRequest request = take(requestId, PendingRequest.Kind.JOIN);
    RoomId id = request != null ? request.room : EnvelopeCodec.roomOrNull(joined.getRoom());
    JoinedRoom room = rooms.get(id);
    if (room != null) {
      rooms.joinedAgain(room, joined);
    } else if (request != null) {
      room = rooms.create(id, joined);
    }
    if (request != null) {
      events.complete(request.joined, room.handle);
    }
  }

  void onLeft(long requestId, Left left) {
    if (requestId == 0) {
      onRemoved(left);
      return;
    }
    PendingRequest request = take(requestId, PendingRequest.Kind.LEAVE);
    RoomId id = request != null ? request.room : EnvelopeCodec.roomOrNull(left.getRoom());
    if (id != null) {
      forget(id);
    }
    if (request != null) {
      events.complete(request.left, null);
    }
  }

  /**
   * A Left that answers no request: the server took the session out of the room. Sends waiting for
   * the room fail, a leave of it completes, and the application hears why. A room not joined (left
   * a moment before) is ignored.
   */
  private void onRemoved(Left left) {
    JoinedRoom room = rooms.get(left.getRoom());
    if (room == null) {
      return;
    }
    String reason = left.getReason();
    String detail = reason.isEmpty() ? "" : ": " + reason;
    release(
        room, new ChatException(ErrorCode.NOT_A_MEMBER, "room " + room.id + " closed" + detail));
    events.removedFromRoom(room.id, reason);
  }

  void onSendAck(long requestId, SendAck ack) {
    Outbox.Entry entry = outbox.removeAcknowledged(ack.getClientMessageId(), requestId);
    if (entry == null) {
      return;
    }
    try {
      events.complete(entry.future, receipt(entry, ack));
    } catch (IllegalArgumentException | DateTimeException e) {
      events.fail(
          entry.future,
          new ChatException(ErrorCode.INTERNAL, "malformed acknowledgement: " + e.getMessage()));
    }
  }

  void onRoomActionDone(long requestId) {
    PendingRequest request = take(requestId, PendingRequest.Kind.ROOM_ACTION);
    if (request != null) {
      events.complete(request.done, null);
    }
  }

  /** The server says this user was invited into a room. */
  void onInvited(Invited invited) {
    RoomId room = EnvelopeCodec.roomOrNull(invited.getRoom());
    RoomRole role = EnvelopeCodec.roleOrNull(invited.getRole());
    if (room == null) {
      return;
    }
    UserId by = invited.getBy().isEmpty() ? null : EnvelopeCodec.userOrNull(invited.getBy());
    events.invited(new InvitedEvent(room, by, role == null ? RoomRole.MEMBER : role));
  }

  void onHistoryPage(long requestId, HistoryPage page) {
    PendingRequest request = take(requestId, PendingRequest.Kind.FILL, PendingRequest.Kind.HISTORY);
    if (request == null) {
      return;
    }
    List<ChatMessage> messages = EnvelopeCodec.chatMessages(request.room, page.getMessagesList());
    if (request.kind == PendingRequest.Kind.HISTORY) {
      events.complete(
          request.history,
          new dev.parley.chat.client.HistoryPage(messages, page.getHasMore(), page.getFirstSeq()));
      return;
    }
    JoinedRoom room = rooms.get(request.room);
    if (room != null) {
      room.sequencer.page(messages, page.getFirstSeq());
    }
  }

  void onError(long requestId, dev.parley.chat.protocol.internal.Error error) {
    ChatException failure = EnvelopeCodec.exception(error);
    if (requestId != 0) {
      Outbox.Entry entry = outbox.get(requestId);
      if (entry != null) {
        sendRefused(entry, failure);
        return;
      }
      PendingRequest request = requests.remove(requestId);
      if (request != null) {
        refused(request, failure);
        return;
      }
    }
    events.error(failure);
  }

  /**
   * The acknowledgement as the send's receipt.
   *
   * @throws IllegalArgumentException if a field is invalid
   * @throws DateTimeException if the timestamp is out of range
   */
  private static SendReceipt receipt(Outbox.Entry entry, SendAck ack) {
    if (ack.getSeq() < 1) {
      throw new IllegalArgumentException("acknowledged seq must be 1 or more, was " + ack.getSeq());
    }
    return new SendReceipt(
        entry.room,
        entry.clientMessageId,
        ack.getSeq(),
        MessageId.of(ack.getMessageId()),
        Instant.ofEpochMilli(ack.getTimestampMs()),
        ack.getDuplicate());
  }

  /**
   * The server refused a send. A retryable refusal (the store failed, the rate limit) may have
   * stored it or not: it goes out again, same ids, after a backoff, so it ends up stored once
   * (docs/protocol.md §5). Anything else, or too many refusals, fails the send. A refusal that
   * carries a retry-after (the server's store is unavailable for a while) is resent no sooner than
   * that, plus a random part of the first backoff delay so that clients do not all come back at
   * once, and does not use up a try: the send stays in the outbox until the store is back.
   */
  private void sendRefused(Outbox.Entry entry, ChatException failure) {
    Duration retryAfter = failure.retryAfter().orElse(null);
    if (!failure.retryable() || (retryAfter == null && entry.refusals >= MAX_SEND_RETRIES)) {
      outbox.removeByRequestId(entry.requestId);
      events.fail(entry.future, failure);
      return;
    }
    Duration delay =
        retryAfter != null ? retryAfter.plus(backoff.delay(0)) : backoff.delay(entry.refusals++);
    log.debug(
        "send {} refused ({}); resending in {}", entry.clientMessageId, failure.code(), delay);
    entry.awaitingResend = true;
    wire.schedule(delay, () -> resendRefused(entry.room, delay));
  }

  /**
   * Sends again every refused send of {@code room} still waiting, oldest first, once every send of
   * the room has been answered (else it looks again after {@code delay}). A later send must never
   * go out again before an earlier one: the store and the server refuse a send that would overtake
   * an earlier failed one, and with a delay per send the later one could use up its tries. Waiting
   * for the answers means the resends come after the server has told of every failure among the
   * sends before them, so a resend is not refused for a failure it could not yet know of.
   */
  private void resendRefused(RoomId room, Duration delay) {
    if (!wire.ready()) {
      return;
    }
    List<Outbox.Entry> due = new ArrayList<>();
    for (Outbox.Entry e : outbox.inOrder()) {
      if (!e.room.equals(room)) {
        continue;
      }
      if (!e.awaitingResend) {
        // sent and not answered yet: its answer may be a refusal that must be resent first
        wire.schedule(delay, () -> resendRefused(room, delay));
        return;
      }
      due.add(e);
    }
    for (Outbox.Entry e : due) {
      e.awaitingResend = false;
      wire.send(e.frame);
    }
  }

  private void refused(PendingRequest request, ChatException failure) {
    switch (request.kind) {
      case LEAVE -> {
        if (failure.code() == ErrorCode.NOT_A_MEMBER) {
          forget(request.room);
          events.complete(request.left, null);
        } else {
          events.fail(request.left, failure);
        }
      }
      case FILL -> {
        JoinedRoom room = rooms.get(request.room);
        if (room == null) {
          return;
        }
        if (failure.code() == ErrorCode.NOT_A_MEMBER || failure.code() == ErrorCode.FORBIDDEN) {
          lose(
              room, new ChatException(failure.code(), "lost " + room.id + ": " + failure.reason()));
        } else {
          wire.drop("reading the history of " + room.id + " failed: " + failure.getMessage());
        }
      }
      default -> events.fail(request.future(), failure);
    }
  }

  /** A sequencer needs a FORWARD page: a fill, bound to this connection, timed like any request. */
  @Override
  public void fetch(RoomId room, long fromSeq) {
    long id = nextRequestId();
    Envelope frame =
        EnvelopeCodec.history(id, room, fromSeq, Direction.FORWARD, limits.maxHistoryPage());
    PendingRequest request = PendingRequest.fill(id, room, frame);
    requests.add(request);
    request.timeout = wire.schedule(config.requestTimeout(), () -> onRequestTimeout(id));
    wire.send(frame);
  }

  // --- Helpers ---

  private void submit(PendingRequest request) {
    requests.add(request);
    long id = request.id;
    request.timeout = wire.schedule(config.requestTimeout(), () -> onRequestTimeout(id));
    if (wire.ready()) {
      wire.send(request.frame);
    }
  }

  /** Removes a room left (or never joined after all); its handle goes stale. */
  private void forget(RoomId id) {
    if (rooms.remove(id) == null) {
      return;
    }
    requests.removeAll(PendingRequest.Kind.FILL, id);
    for (PendingRequest request : requests.removeAll(PendingRequest.Kind.HISTORY, id)) {
      events.fail(request.history, new ChatException(ErrorCode.NOT_A_MEMBER, "left " + id));
    }
  }

  /** The room is gone against the application's will: fail what depends on it, and say so. */
  private void lose(JoinedRoom room, ChatException failure) {
    release(room, failure);
    events.error(failure);
  }

  /** Forgets a room the session no longer has, failing the sends and completing the leaves. */
  private void release(JoinedRoom room, ChatException failure) {
    forget(room.id);
    for (Outbox.Entry entry : outbox.removeAll(room.id)) {
      events.fail(entry.future, failure);
    }
    for (PendingRequest request : requests.removeAll(PendingRequest.Kind.LEAVE, room.id)) {
      events.complete(request.left, null);
    }
  }

  /** Removes and returns the request {@code requestId} if it is of one of {@code kinds}. */
  private PendingRequest take(long requestId, PendingRequest.Kind... kinds) {
    PendingRequest request = requests.get(requestId);
    if (request == null) {
      return null;
    }
    for (PendingRequest.Kind kind : kinds) {
      if (request.kind == kind) {
        return requests.remove(requestId);
      }
    }
    return null;
  }

  private boolean isJoined(RealRoomHandle handle) {
    return rooms.get(handle.id()) == handle.room();
  }

  private static <T> CompletableFuture<T> notAMember(RoomId room) {
    return failed(ErrorCode.NOT_A_MEMBER, "this handle's room " + room + " is no longer joined");
  }

  private <T> CompletableFuture<T> tooManyRequests() {
    return failed(
        ErrorCode.LIMIT_EXCEEDED,
        "more than " + config.maxPendingRequests() + " requests are waiting for an answer");
  }

  private static <T> CompletableFuture<T> failed(ErrorCode code, String message) {
    return CompletableFuture.failedFuture(new ChatException(code, message));
  }
}
