package dev.parley.chat.server.internal;

import static dev.parley.chat.server.internal.Replies.error;
import static dev.parley.chat.server.internal.Replies.frame;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;

/**
 * The dispatcher: hands each decoded client request to the stage that owns it (see the package
 * documentation's diagram). Called on the transport thread for the connection, one frame at a time;
 * it only checks that the session is open and routes.
 */
final class RequestHandler {
  private final ConnectHandler connects;
  private final Membership membership;
  private final MessageIntake intake;
  private final HistoryReads history;
  private final RoomSignals signals;
  private final RoomModeration moderation;
  private final SessionExpiry expiry;

  RequestHandler(ServerContext context, MessageIntake intake, RoomModeration moderation) {
    this.signals = new RoomSignals(context.access());
    this.moderation = moderation;
    this.membership = new Membership(context);
    this.expiry = new SessionExpiry(context);
    this.connects = new ConnectHandler(context, membership::rejoin, expiry);
    this.intake = intake;
    this.history = new HistoryReads(context);
  }

  void handle(ServerSession session, Envelope envelope) {
    long requestId = envelope.getRequestId();
    if (envelope.getBodyCase() == Envelope.BodyCase.CONNECT) {
      connects.connect(session, requestId, envelope.getConnect());
      return;
    }
    if (!isClientRequest(envelope)) {
      error(
          session,
          requestId,
          ErrorCode.UNSUPPORTED_MESSAGE,
          envelope.getBodyCase() + " is sent by servers, not clients",
          null);
      return;
    }
    if (!requireOpen(session, requestId)) {
      return;
    }
    switch (envelope.getBodyCase()) {
      case PING ->
          session.reply(frame(EnvelopeCodec.pong(requestId, envelope.getPing().getNonce())));
      case JOIN -> membership.join(session, requestId, envelope.getJoin().getRoom());
      case LEAVE -> membership.leave(session, requestId, envelope.getLeave().getRoom());
      case SEND -> intake.send(session, requestId, envelope.getSend());
      case HISTORY_REQUEST -> history.read(session, requestId, envelope.getHistoryRequest());
      case TYPING -> signals.typing(session, requestId, envelope.getTyping());
      case READ_RECEIPT -> signals.readReceipt(session, requestId, envelope.getReadReceipt());
      case CREATE_ROOM -> moderation.create(session, requestId, envelope.getCreateRoom());
      case MODERATE -> moderation.moderate(session, requestId, envelope.getModerate());
      case SET_ROOM_VISIBILITY ->
          moderation.visibility(session, requestId, envelope.getSetRoomVisibility());
      case REAUTHENTICATE ->
          expiry.reauthenticate(session, requestId, envelope.getReauthenticate());
      default -> throw new IllegalStateException("not a client request: " + envelope.getBodyCase());
    }
  }

  private static boolean isClientRequest(Envelope envelope) {
    return switch (envelope.getBodyCase()) {
      case PING,
          JOIN,
          LEAVE,
          SEND,
          HISTORY_REQUEST,
          TYPING,
          READ_RECEIPT,
          CREATE_ROOM,
          MODERATE,
          SET_ROOM_VISIBILITY,
          REAUTHENTICATE ->
          true;
      default -> false;
    };
  }

  private static boolean requireOpen(ServerSession session, long requestId) {
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
}
