package dev.parley.chat.server.internal;

import static dev.parley.chat.server.internal.Replies.error;
import static dev.parley.chat.server.internal.Replies.frame;
import static dev.parley.chat.server.internal.Replies.unwrap;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Direction;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.HistoryRequest;
import dev.parley.chat.protocol.internal.Message;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * History reads for members: a page of the store's messages, capped in count and in bytes.
 * Stateless apart from its collaborators; thread-safe. The page is answered on the thread that
 * completes the store's read.
 */
final class HistoryReads {
  private static final Logger log = LoggerFactory.getLogger(HistoryReads.class);

  /** Largest history page, in encoded bytes: a page always fits a client's default frame limit. */
  static final int MAX_HISTORY_PAGE_BYTES = 256 * 1024;

  private final ServerContext context;

  HistoryReads(ServerContext context) {
    this.context = context;
  }

  void read(ServerSession session, long requestId, HistoryRequest request) {
    long retryAfter = context.userLimits().tryTake(session, UserLimits.Action.HISTORY_READ);
    if (retryAfter > 0) {
      Replies.rateLimited(session, requestId, "history reads", retryAfter);
      return;
    }
    Room room = RoomArguments.member(session, requestId, request.getRoom());
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
        .access()
        .standing(room.id(), session.user())
        .whenComplete(
            (standing, failure) -> {
              if (failure != null) {
                dev.parley.chat.protocol.internal.Error e = Replies.toError(failure, room.id());
                session.reply(frame(EnvelopeCodec.errorFrame(requestId, e)));
              } else if (!standing.mayRead()) {
                // taken out of the room meanwhile (banned, no longer a member): as if never in it
                error(
                    session,
                    requestId,
                    ErrorCode.NOT_A_MEMBER,
                    RoomAccess.notJoined(room.id()).reason(),
                    room.id());
              } else {
                readPage(session, requestId, room, fromSeq, direction, limit);
              }
            });
  }

  private void readPage(
      ServerSession session,
      long requestId,
      Room room,
      long fromSeq,
      ReadDirection direction,
      int limit) {
    long start = context.metrics().start();
    context
        .store()
        .read(room.id(), fromSeq, direction, limit)
        .whenComplete(
            (slice, failure) -> {
              if (failure != null) {
                context.metrics().historyRead(start, false);
                log.warn("{}: history of {} failed", session, room.id(), unwrap(failure));
                error(
                    session,
                    requestId,
                    ErrorCode.UNAVAILABLE,
                    "history unavailable",
                    room.id(),
                    Replies.retryAfter(failure));
                return;
              }
              List<Message> kept =
                  withinBudget(slice.messages(), direction, context.attachmentLinks());
              boolean truncated = kept.size() < slice.messages().size();
              context.metrics().historyRead(start, true);
              session.reply(
                  frame(
                      EnvelopeCodec.historyPage(
                          requestId,
                          room.id(),
                          kept,
                          slice.hasMore() || truncated,
                          slice.position())));
            });
  }

  /**
   * The messages that fit in one page of {@link #MAX_HISTORY_PAGE_BYTES}, keeping the ones nearest
   * the reader's starting point: the oldest when reading forward, the newest when reading backward.
   * At least one message always goes in; attachments carry their download links. Returns the kept
   * ones in ascending seq order.
   */
  private static List<Message> withinBudget(
      List<ChatMessage> messages, ReadDirection direction, AttachmentLinks links) {
    List<Message> kept = new ArrayList<>();
    long bytes = 0;
    int n = messages.size();
    for (int i = 0; i < n; i++) {
      var m = messages.get(direction == ReadDirection.FORWARD ? i : n - 1 - i);
      var encoded = Envelopes.message(m.attachments().isEmpty() ? m : links.withLinks(m));
      bytes += encoded.getSerializedSize() + 8;
      if (!kept.isEmpty() && bytes > MAX_HISTORY_PAGE_BYTES) {
        break;
      }
      kept.add(encoded);
    }
    if (direction == ReadDirection.BACKWARD) {
      Collections.reverse(kept);
    }
    return kept;
  }
}
