package dev.parley.chat.server.internal;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.TransportConnection;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns transport events into session work: decodes frames, enforces the connection-level rules
 * (Connect first, malformed-frame and flood limits) and hands requests to {@link RequestHandler}.
 * Runs on transport I/O threads and never blocks them: anything that may block (the authenticator,
 * the room policy) is handed to the worker executor.
 */
final class ServerCore implements ServerTransportHandler {
  private static final Logger log = LoggerFactory.getLogger(ServerCore.class);

  /** Malformed frames in a row after which the connection is closed. */
  static final int MAX_MALFORMED_IN_ROW = 10;

  private final ServerContext context;
  private final MessageIntake intake;
  private final RequestHandler requests;
  private final RoomModeration moderation;
  private final ConcurrentHashMap<String, ServerSession> sessions = new ConcurrentHashMap<>();
  private final AtomicLong sessionCounter = new AtomicLong();

  ServerCore(ServerContext context) {
    this.context = context;
    this.intake = new MessageIntake(context);
    this.moderation = new RoomModeration(context, this::sessions);
    this.requests = new RequestHandler(context, intake, moderation);
  }

  @Override
  public void onOpen(TransportConnection connection) {
    ServerSession session =
        new ServerSession(
            context.serverId() + "-" + sessionCounter.incrementAndGet(),
            connection,
            context.settings().maxOutboundBytes(),
            new RequestRateLimiter(
                context.clock(),
                context.settings().requestsPerSecond(),
                context.settings().requestBurst()),
            context.scheduler(),
            context.metrics());
    connection.attach(session);
    session.onClosing(() -> detach(session));
    sessions.put(session.id(), session);
    if (!context.isAccepting()) {
      context.metrics().handshake(ServerMetrics.Handshake.REFUSED_STOPPING);
      goAway(session, "server is stopping");
      return;
    }
    session.connectDeadline(
        context
            .scheduler()
            .schedule(
                () -> {
                  if (session.state() != ServerSession.State.OPEN
                      && session.state() != ServerSession.State.CLOSED) {
                    context.metrics().handshake(ServerMetrics.Handshake.CONNECT_TIMEOUT);
                    session.close(CloseCodes.CONNECT_TIMEOUT, "no Connect within the deadline");
                  }
                },
                context.settings().connectTimeout().toMillis(),
                TimeUnit.MILLISECONDS));
  }

  @Override
  public void onBinary(TransportConnection connection, ByteBuffer message) {
    ServerSession session = (ServerSession) connection.attachment();
    if (session == null) {
      return;
    }
    if (session.isJson()) {
      wrongFrameType(session, "binary frame on a " + Protocol.SUBPROTOCOL_JSON + " connection");
      return;
    }
    long bytes = message.remaining();
    context.metrics().frameIn(false, bytes);
    Runnable work;
    try {
      Envelope envelope = BinaryFrames.decode(message);
      work = () -> dispatch(session, envelope);
    } catch (FrameDecodeException e) {
      work = () -> malformed(session, e);
    }
    inOrder(session, bytes, work);
  }

  @Override
  public void onText(TransportConnection connection, String message) {
    ServerSession session = (ServerSession) connection.attachment();
    if (session == null) {
      return;
    }
    if (!session.isJson()) {
      wrongFrameType(session, "text frame on a " + Protocol.SUBPROTOCOL_PROTOBUF + " connection");
      return;
    }
    long bytes = 2L * message.length(); // an estimate of its UTF-8 size, without encoding it
    context.metrics().frameIn(true, bytes);
    Runnable work;
    try {
      Envelope envelope = JsonFrames.decode(message);
      work = () -> dispatch(session, envelope);
    } catch (FrameDecodeException e) {
      work = () -> malformed(session, e);
    }
    inOrder(session, bytes, work);
  }

  /**
   * Handles a decoded frame now, or queues it behind a Connect that is still being authenticated;
   * closes the connection when too much is queued.
   */
  private static void inOrder(ServerSession session, long bytes, Runnable work) {
    switch (session.deferUntilWelcome(bytes, work)) {
      case HANDLE_NOW -> work.run();
      case DEFERRED -> {}
      case OVERFLOW ->
          session.close(
              CloseCodes.PROTOCOL_VIOLATION,
              "more than "
                  + ServerSession.MAX_FRAMES_BEFORE_WELCOME
                  + " frames or "
                  + ServerSession.MAX_BYTES_BEFORE_WELCOME
                  + " bytes sent before Welcome");
    }
  }

  /** A text frame on a binary connection or the reverse: refused with 1003, nothing handled. */
  private static void wrongFrameType(ServerSession session, String what) {
    log.debug("{}: {}; closing", session, what);
    session.close(CloseCodes.UNSUPPORTED_DATA, what);
  }

  @Override
  public void onClose(TransportConnection connection, int code, String reason, boolean remote) {
    ServerSession session = (ServerSession) connection.attachment();
    if (session == null) {
      return;
    }
    detach(session);
    context.metrics().connectionClosed(code);
    log.debug("{} closed: {} {} (remote={})", session, CloseCodes.name(code), reason, remote);
  }

  /** Takes a session out of its rooms and the session table; safe to call more than once. */
  private void detach(ServerSession session) {
    sessions.remove(session.id());
    context.userLimits().disconnected(session);
    for (Room room : session.closed()) {
      room.leave(session);
      context.hooks().left(session, room.id());
    }
    context.hooks().disconnected(session);
    if (session.user() != null) {
      context.events().disconnected(session.id(), session.user());
    }
  }

  private void malformed(ServerSession session, FrameDecodeException e) {
    int inRow = session.malformed();
    session.reply(
        new OutboundFrame(
            Envelopes.errorFrame(e.requestId(), e.code(), e.getMessage(), (RoomId) null)));
    if (inRow > MAX_MALFORMED_IN_ROW) {
      session.close(CloseCodes.PROTOCOL_VIOLATION, "too many malformed frames in a row");
    }
  }

  private void dispatch(ServerSession session, Envelope envelope) {
    session.wellFormed();
    if (session.state() == ServerSession.State.CLOSED) {
      return;
    }
    if (!session.limiter().tryAcquire()) {
      boolean flooding = session.limiter().isFlooding();
      context.metrics().rateLimited(flooding);
      if (flooding) {
        session.close(CloseCodes.FLOODING, "request rate limit exceeded repeatedly");
        return;
      }
      if (envelope.hasSend()) {
        MessageIntake.holdBehindRateLimited(session, envelope.getSend());
      }
      Replies.error(
          session,
          envelope.getRequestId(),
          ErrorCode.RATE_LIMITED,
          "too many requests on this connection; slow down",
          null,
          Duration.ofMillis(session.limiter().retryAfterMillis()));
      return;
    }
    try {
      requests.handle(session, envelope);
    } catch (RuntimeException e) {
      log.warn("{}: failed to handle {}", session, envelope.getBodyCase(), e);
      session.reply(
          new OutboundFrame(
              Envelopes.errorFrame(
                  envelope.getRequestId(), ErrorCode.INTERNAL, "server error", null)));
    }
  }

  /** The moderation stage, shared by client requests and the server application. */
  RoomModeration moderation() {
    return moderation;
  }

  /** The message intake stage, shared by client sends and server-side publishes. */
  MessageIntake intake() {
    return intake;
  }

  int sessionCount() {
    return sessions.size();
  }

  /** The open session with this id, or null. */
  ServerSession session(String id) {
    return sessions.get(id);
  }

  Collection<ServerSession> sessions() {
    return sessions.values();
  }

  /** Tells every client to go elsewhere, then closes their connections with 1001. */
  void goAwayAll(String reason) {
    for (ServerSession session : sessions.values()) {
      goAway(session, reason);
    }
  }

  /**
   * Tells every client to go elsewhere and leaves the connections open: the clients close them once
   * they have moved (a drain).
   */
  void askAllToLeave(String reason) {
    for (ServerSession session : sessions.values()) {
      session.reply(goAwayFrame(reason));
    }
  }

  private static void goAway(ServerSession session, String reason) {
    session.reply(goAwayFrame(reason));
    session.close(CloseCodes.GOING_AWAY, reason);
  }

  private static OutboundFrame goAwayFrame(String reason) {
    return new OutboundFrame(EnvelopeCodec.goAway(reason, 0));
  }
}
