package dev.parley.chat.server.internal;

import static dev.parley.chat.server.internal.Replies.error;
import static dev.parley.chat.server.internal.Replies.frame;
import static dev.parley.chat.server.internal.Replies.unwrap;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.Send;
import dev.parley.chat.server.BeforeStoreEvent;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message intake stage: checks a message (membership, client message id, text and payload
 * limits, the upload tokens of its attachments), keeps the sender's order through {@link
 * SendOrder}, runs the before-store hooks if there are any ({@link BeforeStoreScreening}), appends
 * to the store, hands the stored message to room delivery and the bus, answers the sender, and
 * queues the after-store hooks. Client sends and server-side publishes take the same path.
 * Stateless apart from its collaborators; thread-safe.
 *
 * <p>Threads: a client send is checked on its connection's transport thread. Without hooks the
 * append starts there too; with hooks it starts on a worker, in the room's lane. What follows the
 * append runs on the thread that completes the store's future.
 */
final class MessageIntake {
  private static final Logger log = LoggerFactory.getLogger(MessageIntake.class);

  private static final String FENCED =
      "an earlier message to this room could not be stored; resend it first, then this one";

  private static final String RATE_FENCED =
      "an earlier message to this room was over the rate limit; resend it first, then this one";

  /** The retry-after of a send held behind one refused over a rate limit. */
  static final long RATE_FENCED_RETRY_AFTER_MILLIS = 100;

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final ServerContext context;

  /** Per (origin, room), the last message whose permission check is under way. */
  private final Map<Object, CompletableFuture<Void>> checking = new HashMap<>();

  MessageIntake(ServerContext context) {
    this.context = context;
  }

  /** How a message's outcome reaches whoever sent it. */
  private interface Answer {
    void stored(AppendResult result);

    /**
     * The message was not stored.
     *
     * @param failed true when the sender must resend it before its later sends to the room (the
     *     failed-send rule of decision 0014)
     * @param retryAfter how long the sender should wait before resending, or null
     */
    void refused(ErrorCode code, String reason, boolean failed, Duration retryAfter);
  }

  /** A message on its way to the store. */
  private record Submission(
      RoomId room,
      UserId sender,
      ClientMessageId clientMessageId,
      String text,
      byte[] payload,
      List<Attachment> attachments,
      String sessionId,
      ServerSession session,
      long place,
      Answer answer) {}

  void send(ServerSession session, long requestId, Send send) {
    long start = context.metrics().start();
    long retryAfter = context.userLimits().tryTake(session, UserLimits.Action.SEND);
    if (retryAfter > 0) {
      holdBehindRateLimited(session, send);
      Replies.rateLimited(session, requestId, "sends", retryAfter);
      return;
    }
    Room room = RoomArguments.member(session, requestId, send.getRoom());
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
    String invalid = invalidText(send.getText());
    if (invalid != null) {
      error(session, requestId, ErrorCode.INVALID_ARGUMENT, invalid, id);
      return;
    }
    String tooLarge = tooLarge(send.getText(), send.getPayload().size());
    if (tooLarge != null) {
      error(session, requestId, ErrorCode.TOO_LARGE, tooLarge, id);
      return;
    }
    List<Attachment> attachments = attachments(session, requestId, send, id);
    if (attachments == null) {
      return;
    }
    // a send may not overtake an earlier one the store failed: that one must be resent first
    long place = session.sendOrder().admit(id, clientMessageId);
    if (place < 0) {
      if (session.sendOrder().heldByRateLimit(id)) {
        // the earlier send comes back after its rate limit's retry-after; so may this one
        error(
            session,
            requestId,
            ErrorCode.RATE_LIMITED,
            RATE_FENCED,
            id,
            Duration.ofMillis(RATE_FENCED_RETRY_AFTER_MILLIS));
        return;
      }
      // while the store is down, the earlier send cannot be stored before its retry-after either
      error(session, requestId, ErrorCode.UNAVAILABLE, FENCED, id, storeRetryAfter());
      return;
    }
    Answer answer =
        new Answer() {
          @Override
          public void stored(AppendResult result) {
            context.metrics().sendAcked(start); // counted before the client can see the ack
            session.reply(
                frame(EnvelopeCodec.sendAck(requestId, result.message(), result.duplicate())));
          }

          @Override
          public void refused(ErrorCode code, String reason, boolean failed, Duration retryAfter) {
            if (failed) {
              session.sendOrder().failed(id, clientMessageId, place);
            }
            error(session, requestId, code, reason, id, retryAfter);
          }
        };
    checkThenSubmit(
        session,
        false,
        new Submission(
            id,
            session.user(),
            clientMessageId,
            send.getText(),
            send.getPayload().toByteArray(),
            attachments,
            session.id(),
            session,
            place,
            answer));
  }

  /**
   * The attachments that the Send's upload tokens grant its sender, as the tokens describe them
   * (without links), in the order given; or null once the send is refused: attachments are off,
   * there are more than {@link Attachment#MAX_PER_MESSAGE}, or a token is malformed, forged,
   * expired or someone else's ({@link AttachmentTokens#verify}). Nothing about an attachment comes
   * from the Send but the token.
   */
  private List<Attachment> attachments(
      ServerSession session, long requestId, Send send, RoomId room) {
    int count = send.getAttachmentsCount();
    if (count == 0) {
      return List.of();
    }
    AttachmentTokens tokens = context.attachmentTokens();
    if (tokens == null) {
      error(
          session,
          requestId,
          ErrorCode.INVALID_ARGUMENT,
          "attachments are off on this server",
          room);
      return null;
    }
    if (count > Attachment.MAX_PER_MESSAGE) {
      error(
          session,
          requestId,
          ErrorCode.INVALID_ARGUMENT,
          "a message carries at most " + Attachment.MAX_PER_MESSAGE + " attachments, not " + count,
          room);
      return null;
    }
    List<Attachment> granted = new ArrayList<>(count);
    for (String token : send.getAttachmentsList()) {
      try {
        granted.add(tokens.verify(token, session.user()));
      } catch (AttachmentTokens.Refused e) {
        log.debug("{}: attachment token refused: {}", session, e.getMessage());
        error(session, requestId, e.code(), e.getMessage(), room);
        return null;
      }
    }
    return granted;
  }

  /**
   * A message the application publishes itself, as {@code sender}: the same checks (but no
   * membership), hooks, store and delivery as a client's send.
   */
  CompletableFuture<ChatMessage> publish(
      RoomId room, UserId sender, ClientMessageId clientMessageId, String text, byte[] payload) {
    String problem = RoomArguments.malformedDirect(room);
    if (problem == null) {
      problem = invalidText(text);
    }
    if (problem != null) {
      return CompletableFuture.failedFuture(new ChatException(ErrorCode.INVALID_ARGUMENT, problem));
    }
    String tooLarge = tooLarge(text, payload.length);
    if (tooLarge != null) {
      return CompletableFuture.failedFuture(new ChatException(ErrorCode.TOO_LARGE, tooLarge));
    }
    CompletableFuture<ChatMessage> published = new CompletableFuture<>();
    Answer answer =
        new Answer() {
          @Override
          public void stored(AppendResult result) {
            published.complete(result.message());
          }

          @Override
          public void refused(ErrorCode code, String reason, boolean failed, Duration retryAfter) {
            published.completeExceptionally(new ChatException(code, reason, retryAfter));
          }
        };
    checkThenSubmit(
        sender,
        true,
        new Submission(
            room, sender, clientMessageId, text, payload.clone(), List.of(), "", null, -1, answer));
    return published;
  }

  /**
   * Asks the permission stage whether the sender may send to the room now, then submits the message
   * or refuses it ({@code FORBIDDEN} for a muted sender, a reader, a banned user). The answer is
   * usually cached and the message goes on at once; when it must be read first, later messages of
   * the same origin to the same room wait behind this one, so they still reach the store in the
   * order they arrived.
   *
   * @param origin the session, or the sender of a server-side publish
   */
  private void checkThenSubmit(Object origin, boolean fromServer, Submission s) {
    CompletableFuture<RoomAccess.Standing> check = context.access().standing(s.room(), s.sender());
    Object key = List.of(origin, s.room());
    CompletableFuture<Void> previous;
    CompletableFuture<Void> turn = new CompletableFuture<>();
    synchronized (checking) {
      previous = checking.getOrDefault(key, DONE);
      checking.put(key, turn);
    }
    previous
        .thenCompose(v -> check)
        .whenComplete(
            (standing, failure) -> {
              try {
                if (failure != null) {
                  ChatException cause =
                      unwrap(failure) instanceof ChatException chat
                          ? chat
                          : new ChatException(ErrorCode.UNAVAILABLE, "room access unavailable");
                  s.answer()
                      .refused(
                          cause.code(),
                          cause.reason(),
                          cause.code().retryable(),
                          cause.retryAfter().orElse(null));
                  return;
                }
                ChatException refused =
                    RoomAccess.sendRefusal(s.sender(), s.room(), standing, fromServer);
                if (refused != null) {
                  s.answer().refused(refused.code(), refused.reason(), false, null);
                } else {
                  submit(s);
                }
              } finally {
                synchronized (checking) {
                  checking.remove(key, turn);
                }
                turn.complete(null);
              }
            });
  }

  private void submit(Submission s) {
    BeforeStoreScreening screening = context.hooks().screening();
    if (screening.isEmpty()) {
      store(s, s.text());
      return;
    }
    screening.screen(
        new BeforeStoreScreening.Candidate() {
          @Override
          public BeforeStoreEvent event() {
            return new BeforeStoreEvent(
                s.room(),
                s.sender(),
                s.clientMessageId(),
                s.text(),
                s.payload(),
                s.sessionId(),
                s.attachments());
          }

          @Override
          public boolean fenced() {
            return s.session() != null
                && s.session().sendOrder().waitingBefore(s.room(), s.place());
          }

          @Override
          public String invalid(String text) {
            String invalid = invalidText(text);
            return invalid != null ? invalid : tooLarge(text, 0);
          }

          @Override
          public void decided(BeforeStoreScreening.Verdict verdict) {
            switch (verdict.outcome()) {
              case ACCEPTED -> store(s, verdict.text());
              case REJECTED ->
                  s.answer().refused(ErrorCode.REJECTED, verdict.reason(), false, null);
              case FENCED -> {
                if (s.session().sendOrder().heldByRateLimit(s.room())) {
                  s.answer()
                      .refused(
                          ErrorCode.RATE_LIMITED,
                          RATE_FENCED,
                          true,
                          Duration.ofMillis(RATE_FENCED_RETRY_AFTER_MILLIS));
                } else {
                  s.answer().refused(ErrorCode.UNAVAILABLE, FENCED, true, storeRetryAfter());
                }
              }
              case FAILED ->
                  s.answer()
                      .refused(ErrorCode.UNAVAILABLE, verdict.reason() + "; resend it", true, null);
            }
          }
        });
  }

  private void store(Submission s, String text) {
    // who gets it live, for its event (null: events off or the outbox full)
    Set<UserId> deliveredLive = context.events().forAppend(s.room());
    AppendRequest append =
        new AppendRequest(
            s.room(),
            context.messageIds().next(),
            s.sender(),
            s.clientMessageId(),
            context.clock().instant(),
            text,
            s.payload(),
            s.attachments(),
            deliveredLive);
    ServerMetrics metrics = context.metrics();
    long start = metrics.start();
    append(append)
        .whenComplete(
            (result, failure) -> {
              metrics.storeAppend(
                  start,
                  failure != null
                      ? ServerMetrics.Append.FAILED
                      : result.duplicate()
                          ? ServerMetrics.Append.DUPLICATE
                          : ServerMetrics.Append.STORED);
              if (failure != null) {
                Throwable cause = unwrap(failure);
                Duration retryAfter = Replies.retryAfter(cause);
                if (retryAfter == null) {
                  log.warn("{} append to {} failed", origin(s), s.room(), cause);
                } else {
                  // the breaker refused it at once: the store's trouble was logged already
                  log.debug("{} append to {} refused: {}", origin(s), s.room(), cause.getMessage());
                }
                String reason =
                    cause instanceof ChatException chat
                        ? "message could not be stored: " + chat.reason()
                        : "message could not be stored";
                s.answer().refused(ErrorCode.UNAVAILABLE, reason, true, retryAfter);
                return;
              }
              if (!result.message().room().equals(s.room())) {
                s.answer()
                    .refused(
                        ErrorCode.INVALID_ARGUMENT,
                        "client message id "
                            + s.clientMessageId()
                            + " was already used in another room",
                        false,
                        null);
                return;
              }
              deliver(result);
              if (!result.duplicate()) {
                // before the ack, so a sender that saw it also sees the event counted
                context.events().stored(result.message(), deliveredLive);
              }
              s.answer().stored(result);
              if (!result.duplicate()) {
                context.hooks().afterStore(result.message(), s.sessionId());
              }
            });
  }

  /**
   * A send refused over a rate limit before it was checked: the session's later sends to its room
   * must not be stored ahead of its resend (docs/guarantees.md). A send whose room or client
   * message id is malformed names nothing to hold behind.
   */
  static void holdBehindRateLimited(ServerSession session, Send send) {
    RoomId room;
    ClientMessageId clientMessageId;
    try {
      room = RoomId.of(send.getRoom());
      clientMessageId = ClientMessageId.of(send.getClientMessageId());
    } catch (IllegalArgumentException e) {
      return;
    }
    session.sendOrder().rateLimited(room, clientMessageId);
  }

  /** Unless the store's breaker is closed, the retry-after to give; else null. */
  private Duration storeRetryAfter() {
    return context.storeBreaker().retryAfterUnlessClosed().orElse(null);
  }

  private static String origin(Submission s) {
    return s.session() != null ? s.session() + ":" : "server-side publish:";
  }

  /** The store's append, with a store that throws turned into a failed future. */
  private CompletableFuture<AppendResult> append(AppendRequest append) {
    try {
      return context.store().append(append);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Hands a stored message to room delivery on this node and to the bus. A duplicate is published
   * again: its first append may have been stored by a node that died before telling anyone. Rooms
   * ignore seqs they have delivered.
   */
  private void deliver(AppendResult result) {
    context.rooms().publish(result.message());
    context.bus().publishMessage(result.message());
  }

  /** What is wrong with a text that is not valid Unicode, or null. */
  static String invalidText(String text) {
    int unpaired = Utf8.firstUnpairedSurrogate(text);
    return unpaired < 0
        ? null
        : "text has an unpaired surrogate at index " + unpaired + ": send valid Unicode";
  }

  /** Which limit a text or payload passes, or null. */
  String tooLarge(String text, int payloadBytes) {
    int textBytes = Utf8.length(text);
    if (textBytes > context.settings().maxTextBytes()) {
      return "text is " + textBytes + " bytes; the limit is " + context.settings().maxTextBytes();
    }
    if (payloadBytes > context.settings().maxPayloadBytes()) {
      return "payload is "
          + payloadBytes
          + " bytes; the limit is "
          + context.settings().maxPayloadBytes();
    }
    return null;
  }
}
