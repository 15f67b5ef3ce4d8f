package dev.parley.chat.client.internal;

import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.Error;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a frame from the server is sent to what handles it. {@link SessionLifecycle}
 * decodes the frame, drops it if it belongs to an attempt the session has moved past, feeds the
 * heartbeat and checks the listener's backlog; then every frame type goes its way here:
 *
 * <pre>
 *  WELCOME ─────────────────────────────► SessionLifecycle.welcomed   (resume starts there)
 *  GO_AWAY ─────────────────────────────► SessionLifecycle.goingAway
 *  TOKEN_EXPIRING, REAUTHENTICATED ─────► Credentials.expiring, .reauthenticated (the refresh)
 *  PONG ────────────────────────────────► nothing (the frame already fed the heartbeat)
 *  ERROR  answering Connect ────────────► SessionLifecycle.refused
 *         answering Reauthenticate ─────► Credentials.refused       (the refresh's request id)
 *         before Welcome ───────────────► the listener's onError
 *         after Welcome ────────────────► Conversation.onError     (matched by request id)
 *  JOINED, LEFT, SEND_ACK, HISTORY_PAGE,
 *  ROOM_ACTION_DONE ────────────────────► Conversation.on*         (matched by request id)
 *  INVITED ─────────────────────────────► Conversation.onInvited   (the listener's onInvited)
 *  MESSAGE, PRESENCE(_BATCH), TYPING, READ_RECEIPT ► RoomDeliveries.on* (per room, seq order)
 *  anything else ───────────────────────► logged and ignored
 * </pre>
 *
 * Before Welcome, only WELCOME, GO_AWAY and ERROR are acted on; anything else is ignored.
 *
 * <p>Not thread-safe: runs under the session's {@link SessionLock}, like the handlers it calls.
 */
final class InboundRouter {
  private static final Logger log = LoggerFactory.getLogger(InboundRouter.class);

  /** The frames acted on before Welcome: they are about the connection itself. */
  private static final Set<Envelope.BodyCase> CONNECTION_FRAMES =
      EnumSet.of(Envelope.BodyCase.WELCOME, Envelope.BodyCase.GO_AWAY, Envelope.BodyCase.ERROR);

  private final SessionLifecycle lifecycle;
  private final Conversation conversation;
  private final RoomDeliveries deliveries;
  private final Credentials credentials;
  private final SessionEvents events;

  InboundRouter(
      SessionLifecycle lifecycle,
      Conversation conversation,
      RoomDeliveries deliveries,
      Credentials credentials,
      SessionEvents events) {
    this.lifecycle = lifecycle;
    this.conversation = conversation;
    this.deliveries = deliveries;
    this.credentials = credentials;
    this.events = events;
  }

  /** Hands one frame of {@code attempt}, the session's current connection, to its handler. */
  void route(ConnectionAttempt attempt, Envelope envelope) {
    Envelope.BodyCase body = envelope.getBodyCase();
    if (!attempt.welcomed && !CONNECTION_FRAMES.contains(body)) {
      return; // answers and pushed frames mean nothing before Welcome
    }
    long requestId = envelope.getRequestId();
    switch (body) {
      case WELCOME -> lifecycle.welcomed(attempt, envelope.getWelcome());
      case GO_AWAY -> lifecycle.goingAway(attempt, envelope.getGoAway());
      case TOKEN_EXPIRING ->
          credentials.expiring(attempt, envelope.getTokenExpiring().getExpiresAtMs());
      case REAUTHENTICATED ->
          credentials.reauthenticated(
              attempt, requestId, envelope.getReauthenticated().getExpiresAtMs());
      case ERROR -> error(attempt, requestId, envelope.getError());
      case PONG -> {}
      case JOINED -> conversation.onJoined(requestId, envelope.getJoined());
      case LEFT -> conversation.onLeft(requestId, envelope.getLeft());
      case SEND_ACK -> conversation.onSendAck(requestId, envelope.getSendAck());
      case HISTORY_PAGE -> conversation.onHistoryPage(requestId, envelope.getHistoryPage());
      case ROOM_ACTION_DONE -> conversation.onRoomActionDone(requestId);
      case INVITED -> conversation.onInvited(envelope.getInvited());
      case MESSAGE -> deliveries.onMessage(envelope.getMessage());
      case PRESENCE -> deliveries.onPresence(envelope.getPresence());
      case PRESENCE_BATCH -> deliveries.onPresenceBatch(envelope.getPresenceBatch());
      case TYPING -> deliveries.onTyping(envelope.getTyping());
      case READ_RECEIPT -> deliveries.onReadReceipt(envelope.getReadReceipt());
      default -> log.debug("ignoring a {} frame from the server", body);
    }
  }

  private void error(ConnectionAttempt attempt, long requestId, Error error) {
    if (requestId == attempt.connectRequestId) {
      lifecycle.refused(EnvelopeCodec.exception(error));
    } else if (credentials.owns(attempt, requestId)) {
      credentials.refused(attempt, requestId, error);
    } else if (attempt.welcomed) {
      conversation.onError(requestId, error);
    } else {
      events.error(EnvelopeCodec.exception(error));
    }
  }
}
