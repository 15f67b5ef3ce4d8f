package dev.parley.chat.server.internal;

import static dev.parley.chat.server.internal.Replies.error;
import static dev.parley.chat.server.internal.Replies.frame;
import static dev.parley.chat.server.internal.Replies.toError;
import static dev.parley.chat.server.internal.Replies.unwrap;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Direction;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.HistoryPage;
import dev.parley.chat.protocol.internal.HistoryRequest;
import dev.parley.chat.protocol.internal.Joined;
import dev.parley.chat.protocol.internal.Left;
import dev.parley.chat.protocol.internal.Pong;
import dev.parley.chat.protocol.internal.Send;
import dev.parley.chat.protocol.internal.SendAck;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one client request. Called on the transport thread for the connection, one frame at a
 * time; work that may block (authenticator, room policy) moves to the worker executor and answers
 * from there.
 */
final class RequestHandler {
  private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);

  /** Largest history page, in encoded bytes: a page always fits a client's default frame limit. */
  static final int MAX_HISTORY_PAGE_BYTES = 256 * 1024;

  private final ServerContext context;
  private final ConnectHandler connects;

  RequestHandler(ServerContext context) {
    this.context = context;
    this.connects = new ConnectHandler(context, (session, id) -> enter(session, id, -1));
  }

  void handle(ServerSession session, Envelope envelope) {
    long requestId = envelope.getRequestId();
    switch (envelope.getBodyCase()) {
      case CONNECT -> connects.connect(session, requestId, envelope.getConnect());
      case PING -> {
        if (requireOpen(session, requestId)) {
          session.reply(
              frame(
                  Envelope.newBuilder()
                      .setRequestId(requestId)
                      .setPong(Pong.newBuilder().setNonce(envelope.getPing().getNonce()))));
        }
      }
      case JOIN -> {
        if (requireOpen(session, requestId)) {
          join(session, requestId, envelope.getJoin().getRoom());
        }
      }
      case LEAVE -> {
        if (requireOpen(session, requestId)) {
          leave(session, requestId, envelope.getLeave().getRoom());
        }
      }
      case SEND -> {
        if (requireOpen(session, requestId)) {
          send(session, requestId, envelope.getSend());
        }
      }
      case HISTORY_REQUEST -> {
        if (requireOpen(session, requestId)) {
          history(session, requestId, envelope.getHistoryRequest());
        }
      }
      case TYPING -> {
        if (requireOpen(session, requestId)) {
          Room room = member(session, requestId, envelope.getTyping().getRoom());
          if (room != null) {
            room.typing(session, envelope.getTyping().getActive());
          }
        }
      }
      case READ_RECEIPT -> {
        if (requireOpen(session, requestId)) {
          readReceipt(session, requestId, envelope.getReadReceipt());
        }
      }
      default ->
          error(
              session,
              requestId,
              ErrorCode.UNSUPPORTED_MESSAGE,
              envelope.getBodyCase() + " is sent by servers, not clients",
              null);
    }
  }

  private boolean requireOpen(ServerSession session, long requestId) {
    switch (session.state()) {
      case OPEN:
        return true;
      case AWAITING_CONNECT:
        error(session, requestId, ErrorCode.NOT_CONNECTED, "the first frame must be Connect", null);
        session.close(CloseCodes.PROTOCOL_VIOLATION, "the first frame must be Connect");
        return false;
      default:
        error(session, requestId, ErrorCode.NOT_CONNECTED, "wait for Welcome", null);
        return false;
    }
  }

  // --- Rooms ---

  private void join(ServerSession session, long requestId, String roomText) {
    RoomId id = parseRoom(session, requestId, roomText);
    if (id == null) {
      return;
    }
    enter(session, id, requestId)
        .whenComplete(
            (joined, failure) -> {
              if (failure != null) {
                dev.parley.chat.protocol.internal.Error e = toError(failure, id);
                session.reply(frame(Envelope.newBuilder().setRequestId(requestId).setError(e)));
              }
            });
  }

  /**
   * Checks the policy and limits, loads the room and adds the session. With {@code requestId >= 0}
   * the room queues the Joined answer itself (ordered before live messages) and the future's value
   * is only informative; with {@code -1} (rejoin during Connect) the Joined is returned for the
   * Welcome frame.
   */
  private CompletableFuture<Joined> enter(ServerSession session, RoomId id, long requestId) {
    String malformed = malformedDirect(id);
    if (malformed != null) {
      return CompletableFuture.failedFuture(
          new ChatException(ErrorCode.INVALID_ARGUMENT, malformed));
    }
    if (!session.rooms().containsKey(id)
        && session.rooms().size() >= context.settings().maxRoomsPerSession()) {
      return CompletableFuture.failedFuture(
          new ChatException(
              ErrorCode.LIMIT_EXCEEDED,
              "a session may be in at most "
                  + context.settings().maxRoomsPerSession()
                  + " rooms; leave one first"));
    }
    return CompletableFuture.supplyAsync(
            () -> context.roomPolicy().mayJoin(session.user(), id), context.workers())
        .thenCompose(
            allowed -> {
              if (!allowed) {
                throw new ChatException(
                    ErrorCode.FORBIDDEN, session.user() + " may not join " + id);
              }
              return attach(session, id, requestId);
            });
  }

  private CompletableFuture<Joined> attach(ServerSession session, RoomId id, long requestId) {
    return context
        .rooms()
        .load(id)
        .thenCompose(
            room ->
                context
                    .store()
                    .position(id)
                    .thenCompose(
                        position -> room.reach(position.headSeq()).thenApply(v -> position))
                    .thenCompose(
                        position -> {
                          session.rooms().put(id, room);
                          Joined joined;
                          if (requestId >= 0) {
                            joined =
                                room.join(session, requestId, position.firstSeq())
                                    ? Joined.getDefaultInstance()
                                    : null;
                          } else {
                            joined = room.rejoin(session, position.firstSeq());
                          }
                          if (joined == null) {
                            session.rooms().remove(id, room);
                            return attach(session, id, requestId); // room retired meanwhile
                          }
                          if (session.state() == ServerSession.State.CLOSED) {
                            session.rooms().remove(id);
                            room.leave(session);
                          }
                          return CompletableFuture.completedFuture(joined);
                        }));
  }

  private void leave(ServerSession session, long requestId, String roomText) {
    RoomId id = parseRoom(session, requestId, roomText);
    if (id == null) {
      return;
    }
    Room room = session.rooms().remove(id);
    if (room == null) {
      error(session, requestId, ErrorCode.NOT_A_MEMBER, "not in room " + id, id);
      return;
    }
    room.leave(session);
    session.reply(
        frame(
            Envelope.newBuilder()
                .setRequestId(requestId)
                .setLeft(Left.newBuilder().setRoom(id.value()))));
  }

  // --- Messages ---

  private void send(ServerSession session, long requestId, Send send) {
    Room room = member(session, requestId, send.getRoom());
    if (room == null) {
      return;
    }
    RoomId id = room.id();
    ClientMessageId clientMessageId;
    try {
      clientMessageId = ClientMessageId.of(send.getClientMessageId());
    } catch (IllegalArgumentException e) {
      error(session, requestId, ErrorCode.INVALID_ARGUMENT, e.getMessage(), id);
      return;
    }
    int unpaired = Utf8.firstUnpairedSurrogate(send.getText());
    if (unpaired >= 0) {
      error(
          session,
          requestId,
          ErrorCode.INVALID_ARGUMENT,
          "text has an unpaired surrogate at index " + unpaired + ": send valid Unicode",
          id);
      return;
    }
    int textBytes = Utf8.length(send.getText());
    if (textBytes > context.settings().maxTextBytes()) {
      error(
          session,
          requestId,
          ErrorCode.TOO_LARGE,
          "text is " + textBytes + " bytes; the limit is " + context.settings().maxTextBytes(),
          id);
      return;
    }
    if (send.getPayload().size() > context.settings().maxPayloadBytes()) {
      error(
          session,
          requestId,
          ErrorCode.TOO_LARGE,
          "payload is "
              + send.getPayload().size()
              + " bytes; the limit is "
              + context.settings().maxPayloadBytes(),
          id);
      return;
    }
    // a send may not overtake an earlier one the store failed: that one must be resent first
    long place = session.sendOrder().admit(id, clientMessageId);
    if (place < 0) {
      error(
          session,
          requestId,
          ErrorCode.UNAVAILABLE,
          "an earlier message to this room could not be stored; resend it first, then this one",
          id);
      return;
    }
    AppendRequest append =
        new AppendRequest(
            id,
            context.messageIds().next(),
            session.user(),
            clientMessageId,
            context.clock().instant(),
            send.getText(),
            send.getPayload().toByteArray());
    CompletableFuture<dev.parley.chat.spi.AppendResult> stored;
    try {
      stored = context.store().append(append);
    } catch (RuntimeException e) {
      stored = CompletableFuture.failedFuture(e);
    }
    stored.whenComplete(
        (result, failure) -> {
          if (failure != null) {
            log.warn("{}: append to {} failed", session, id, unwrap(failure));
            session.sendOrder().failed(id, clientMessageId, place);
            error(session, requestId, ErrorCode.UNAVAILABLE, "message could not be stored", id);
            return;
          }
          var message = result.message();
          if (!message.room().equals(id)) {
            error(
                session,
                requestId,
                ErrorCode.INVALID_ARGUMENT,
                "client message id " + clientMessageId + " was already used in another room",
                id);
            return;
          }
          // A duplicate is published again: its first append may have been stored by a node that
          // died before telling anyone. Rooms ignore seqs they have delivered.
          context.rooms().publish(message);
          context.bus().publishMessage(message);
          session.reply(
              frame(
                  Envelope.newBuilder()
                      .setRequestId(requestId)
                      .setSendAck(
                          SendAck.newBuilder()
                              .setRoom(id.value())
                              .setClientMessageId(clientMessageId.value())
                              .setSeq(message.seq())
                              .setMessageId(message.id().value())
                              .setTimestampMs(message.timestamp().toEpochMilli())
                              .setDuplicate(result.duplicate()))));
        });
  }

  private void history(ServerSession session, long requestId, HistoryRequest request) {
    Room room = member(session, requestId, request.getRoom());
    if (room == null) {
      return;
    }
    int max = Protocol.DEFAULT_MAX_HISTORY_PAGE;
    int limit = request.getLimit() == 0 ? max : Math.min(request.getLimit(), max);
    ReadDirection direction =
        request.getDirection() == Direction.FORWARD
            ? ReadDirection.FORWARD
            : ReadDirection.BACKWARD;
    long fromSeq = request.getFromSeq();
    if (fromSeq < 0) {
      error(session, requestId, ErrorCode.INVALID_ARGUMENT, "from_seq is out of range", room.id());
      return;
    }
    context
        .store()
        .read(room.id(), fromSeq, direction, limit)
        .whenComplete(
            (slice, failure) -> {
              if (failure != null) {
                log.warn("{}: history of {} failed", session, room.id(), unwrap(failure));
                error(session, requestId, ErrorCode.UNAVAILABLE, "history unavailable", room.id());
                return;
              }
              HistoryPage.Builder page =
                  HistoryPage.newBuilder()
                      .setRoom(room.id().value())
                      .setHasMore(slice.hasMore())
                      .setFirstSeq(slice.position().firstSeq())
                      .setHeadSeq(slice.position().headSeq());
              boolean truncated = addWithinBudget(page, slice.messages(), direction);
              page.setHasMore(slice.hasMore() || truncated);
              session.reply(
                  frame(Envelope.newBuilder().setRequestId(requestId).setHistoryPage(page)));
            });
  }

  private void readReceipt(
      ServerSession session,
      long requestId,
      dev.parley.chat.protocol.internal.ReadReceipt receipt) {
    Room room = member(session, requestId, receipt.getRoom());
    if (room == null) {
      return;
    }
    if (receipt.getSeq() <= 0 || !room.markRead(session, receipt.getSeq())) {
      error(
          session,
          requestId,
          ErrorCode.INVALID_ARGUMENT,
          "seq " + receipt.getSeq() + " is not a message of " + room.id(),
          room.id());
    }
  }

  /**
   * Adds messages to a page until it would pass {@link #MAX_HISTORY_PAGE_BYTES}, keeping the ones
   * nearest the reader's starting point: the oldest when reading forward, the newest when reading
   * backward. At least one message always goes in. Returns whether any were left out.
   */
  private static boolean addWithinBudget(
      HistoryPage.Builder page,
      List<dev.parley.chat.api.ChatMessage> messages,
      ReadDirection direction) {
    List<dev.parley.chat.protocol.internal.Message> kept = new ArrayList<>();
    long bytes = 0;
    int n = messages.size();
    for (int i = 0; i < n; i++) {
      var m = messages.get(direction == ReadDirection.FORWARD ? i : n - 1 - i);
      var encoded = Envelopes.message(m);
      bytes += encoded.getSerializedSize() + 8;
      if (!kept.isEmpty() && bytes > MAX_HISTORY_PAGE_BYTES) {
        break;
      }
      kept.add(encoded);
    }
    if (direction == ReadDirection.BACKWARD) {
      java.util.Collections.reverse(kept);
    }
    page.addAllMessages(kept);
    return kept.size() < n;
  }

  // --- Helpers ---

  private Room member(ServerSession session, long requestId, String roomText) {
    RoomId id = parseRoom(session, requestId, roomText);
    if (id == null) {
      return null;
    }
    Room room = session.rooms().get(id);
    if (room == null) {
      error(session, requestId, ErrorCode.NOT_A_MEMBER, "join " + id + " first", id);
    }
    return room;
  }

  /**
   * What is wrong with a direct room id ({@code dm:<user>:<user>}, two different valid user ids in
   * sorted order, as {@link RoomId#direct} builds it), or null if nothing is or it is not direct.
   */
  static String malformedDirect(RoomId id) {
    if (!id.isDirect()) {
      return null;
    }
    String[] users = id.value().substring(RoomId.DIRECT_PREFIX.length()).split(":", -1);
    String form = "a direct room id is dm:<user>:<user> with two different users in sorted order";
    if (users.length != 2 || users[0].isEmpty() || users[1].isEmpty()) {
      return form + " (build it with RoomId.direct); " + id + " does not name two users";
    }
    try {
      UserId.of(users[0]);
      UserId.of(users[1]);
    } catch (IllegalArgumentException e) {
      return form + "; in " + id + ": " + e.getMessage();
    }
    int order = users[0].compareTo(users[1]);
    if (order == 0) {
      return form + "; " + id + " names the same user twice";
    }
    if (order > 0) {
      return form + "; write " + RoomId.DIRECT_PREFIX + users[1] + ":" + users[0] + ", not " + id;
    }
    return null;
  }

  private RoomId parseRoom(ServerSession session, long requestId, String text) {
    try {
      return RoomId.of(text);
    } catch (IllegalArgumentException e) {
      error(session, requestId, ErrorCode.INVALID_ARGUMENT, e.getMessage(), null);
      return null;
    }
  }
}
