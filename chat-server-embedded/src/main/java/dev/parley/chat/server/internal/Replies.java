package dev.parley.chat.server.internal;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How request handlers answer: error frames, frames, and failures turned into errors. Stateless.
 */
final class Replies {
  private static final Logger log = LoggerFactory.getLogger(Replies.class);

  private Replies() {}

  static void error(
      ServerSession session, long requestId, ErrorCode code, String message, RoomId room) {
    session.reply(new OutboundFrame(EnvelopeCodec.errorFrame(requestId, code, message, room)));
  }

  static OutboundFrame frame(Envelope envelope) {
    return new OutboundFrame(envelope);
  }

  /** The Error for a failed room operation: its ChatException's code, else UNAVAILABLE. */
  static dev.parley.chat.protocol.internal.Error toError(Throwable failure, RoomId id) {
    Throwable cause = unwrap(failure);
    if (cause instanceof ChatException chat) {
      return EnvelopeCodec.error(chat, id);
    }
    log.warn("operation on room {} failed", id, cause);
    return EnvelopeCodec.error(ErrorCode.UNAVAILABLE, "room " + id + " is unavailable", id);
  }

  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static RoomId parseRoomOrNull(String text) {
    return EnvelopeCodec.roomOrNull(text);
  }

  /** An error frame with a retry-after ({@code null}: none). */
  static void error(
      ServerSession session,
      long requestId,
      ErrorCode code,
      String message,
      RoomId room,
      Duration retryAfter) {
    session.reply(
        new OutboundFrame(
            EnvelopeCodec.errorFrame(
                requestId,
                EnvelopeCodec.error(new ChatException(code, message, retryAfter), room))));
  }

  /**
   * Refuses a request over one of the user's rate limits with {@code RATE_LIMITED} and the time
   * until the user's next token.
   *
   * @param what what is limited, plural ("sends")
   */
  static void rateLimited(
      ServerSession session, long requestId, String what, long retryAfterMillis) {
    error(
        session,
        requestId,
        ErrorCode.RATE_LIMITED,
        "too many " + what + " by user " + session.user() + "; slow down",
        null,
        Duration.ofMillis(retryAfterMillis));
  }

  /** The retry-after a failure carries, or null. */
  static Duration retryAfter(Throwable failure) {
    return unwrap(failure) instanceof ChatException chat ? chat.retryAfter().orElse(null) : null;
  }
}
