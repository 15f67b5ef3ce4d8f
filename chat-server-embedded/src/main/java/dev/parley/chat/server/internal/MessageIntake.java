package dev.parley.chat.server.internal;

import static dev.parley.chat.server.internal.Replies.error;
import static dev.parley.chat.server.internal.Replies.frame;
import static dev.parley.chat.server.internal.Replies.unwrap;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.Send;
import dev.parley.chat.protocol.internal.SendAck;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message intake stage: checks a Send (membership, client message id, text and payload limits),
 * keeps the sender's order through {@link SendOrder}, appends to the store, hands the stored
 * message to room delivery and the bus, and answers {@code SendAck}. Stateless apart from its
 * collaborators; thread-safe. Called on the connection's transport thread; what follows the append
 * runs on the thread that completes the store's future.
 */
final class MessageIntake {
  private static final Logger log = LoggerFactory.getLogger(MessageIntake.class);

  private final ServerContext context;

  MessageIntake(ServerContext context) {
    this.context = context;
  }

  void send(ServerSession session, long requestId, Send send) {
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
    append(append)
        .whenComplete(
            (result, failure) -> {
              if (failure != null) {
                log.warn("{}: append to {} failed", session, id, unwrap(failure));
                session.sendOrder().failed(id, clientMessageId, place);
                error(session, requestId, ErrorCode.UNAVAILABLE, "message could not be stored", id);
                return;
              }
              if (!result.message().room().equals(id)) {
                error(
                    session,
                    requestId,
                    ErrorCode.INVALID_ARGUMENT,
                    "client message id " + clientMessageId + " was already used in another room",
                    id);
                return;
              }
              deliver(result);
              session.reply(
                  frame(Envelope.newBuilder().setRequestId(requestId).setSendAck(ack(result))));
            });
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

  private static SendAck.Builder ack(AppendResult result) {
    var message = result.message();
    return SendAck.newBuilder()
        .setRoom(message.room().value())
        .setClientMessageId(message.clientMessageId().value())
        .setSeq(message.seq())
        .setMessageId(message.id().value())
        .setTimestampMs(message.timestamp().toEpochMilli())
        .setDuplicate(result.duplicate());
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
