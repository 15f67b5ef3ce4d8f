package dev.parley.chat.client.internal;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ChatSession.State;
import dev.parley.chat.client.EndpointProbe;
import dev.parley.chat.client.TokenProvider;
import dev.parley.chat.client.TokenRequest;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import dev.parley.chat.protocol.internal.GoAway;
import dev.parley.chat.protocol.internal.Welcome;
import dev.parley.chat.spi.ClientTransportConnection;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's connection state machine: attempts, Welcome, reconnects with backoff across the
 * endpoints, heartbeats, GoAway and the close codes that end it.
 *
 * <pre>
 *  CONNECTING ──Welcome──► CONNECTED ──drop, close, GoAway──► RECONNECTING ──Welcome──► CONNECTED
 *      │  each endpoint once,                                   │ backoff with jitter;
 *      │  no backoff                                            │ next endpoint per failure
 *      └──── all failed, or refused ──► CLOSED ◄── refused ─────┘
 *                                         ▲
 *            close(), or close code 1000, 4000, 4001, 1003, or a non-retryable Connect error
 * </pre>
 *
 * <p>With a proximity policy (a prober in the context), the session probes and ranks its endpoints
 * before the first attempt and each time a welcomed connection ends, before its reconnect delay;
 * the attempts then follow the ranking. A welcomed connection is never moved for a better ranked
 * endpoint.
 *
 * <p>A Connect answered with a retryable error (such as {@code UNAVAILABLE} from an authenticator
 * whose backend is down) or a close with 1013 is retried with backoff, also on the first connect:
 * the server asked for it, so the session stays CONNECTING instead of giving up. A Connect answered
 * with {@code AUTHENTICATION_FAILED} waits for the close that follows: 4001 ends the session, 4004
 * (the token had expired on its way) asks the provider for a fresh token ({@code EXPIRED}) and
 * tries again with backoff, unless the provider is a fixed token or hands back the expired one.
 *
 * <p>With an SSE fallback, a {@link TransportFallback} picks each attempt's endpoint after the
 * rotation did: two WebSocket attempts in a row that fail before their upgrade completed send the
 * next attempts to the SSE endpoint, until the first reconnect five minutes later. On the first
 * connect the session tries the fallback before it gives up. The transport follows the endpoint's
 * scheme ({@link SessionContext#transportFor}).
 *
 * <p>Frames from the server are decoded here and, once they pass the checks that belong to the
 * connection (current attempt, heartbeat, listener backlog), handed to the {@link InboundRouter},
 * which sends each frame type to its handler: this class for Welcome, GoAway and a refused Connect,
 * the {@link Conversation} for answers, {@link RoomDeliveries} for pushed frames.
 *
 * <p>Only the current {@link ConnectionAttempt} is listened to; anything from an attempt the
 * session has moved past is ignored. A connection the client gives up on (no Welcome in time, no
 * frame for two heartbeat intervals, a listener too far behind, a failed history fill, too many
 * malformed frames) is aborted and treated like a drop: reconnect and resume.
 *
 * <p>Not thread-safe on its own: everything except the transport entry points runs under the
 * session's {@link SessionLock}.
 */
final class SessionLifecycle implements Conversation.Wire, Credentials.Link {
  private static final Logger log = LoggerFactory.getLogger(SessionLifecycle.class);
  private static final int MAX_MALFORMED_IN_A_ROW = 10;

  /** How the client records a connection it dropped itself: abnormal, so always reconnect. */
  private static final int ABNORMAL = 1006;

  private final ChatSession session;
  private final SessionContext context;
  private final SessionConfig config;
  private final SessionEvents events;
  private final SessionLock lock;
  private final RoomDeliveries deliveries;
  private final Conversation conversation;
  private final InboundRouter router;
  private final ReconnectPolicy reconnects;
  private final TransportFallback fallback;
  private final Credentials credentials;
  private final CompletableFuture<ChatSession> connected = new CompletableFuture<>();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final Set<ConnectionAttempt> unclosed = new HashSet<>();
  private final AtomicInteger internalErrors = new AtomicInteger();
  private volatile State state = State.CONNECTING;
  private volatile UserId user;
  private volatile URI endpoint; // of the welcomed connection, while CONNECTED
  private ConnectionAttempt current;
  private ScheduledFuture<?> reconnectTimer;
  private long pingNonce;
  private TokenRequest.Reason nextTokenReason = TokenRequest.Reason.RECONNECT;

  /** The credentials the server last accepted (Connect or Reauthenticate); for uploads. */
  private volatile String acceptedToken;

  /** The token the server last refused as expired at Connect (4004); null once welcomed. */
  private String expiredToken;

  SessionLifecycle(
      ChatSession session,
      SessionContext context,
      TokenProvider tokens,
      SessionEvents events,
      SessionLock lock,
      RoomDeliveries deliveries) {
    this.session = session;
    this.context = context;
    this.config = context.config();
    this.events = events;
    this.lock = lock;
    this.deliveries = deliveries;
    this.conversation =
        new Conversation(
            this,
            events,
            config,
            deliveries,
            new ClientMessageIds(context.random()),
            context.backoff());
    this.reconnects = new ReconnectPolicy(config.endpoints(), context.backoff());
    this.fallback = new TransportFallback(config.sseFallback(), context.clock());
    this.credentials =
        new Credentials(
            tokens,
            events,
            lock,
            context.callbackExecutor(),
            config.requestTimeout(),
            context.backoff(),
            this::now,
            this,
            this);
    this.router = new InboundRouter(this, conversation, deliveries, credentials, events);
  }

  Conversation conversation() {
    return conversation;
  }

  State state() {
    return state;
  }

  UserId user() {
    return user;
  }

  /** The endpoint of the current connection while CONNECTED, else null. */
  URI endpoint() {
    return state == State.CONNECTED ? endpoint : null;
  }

  CompletableFuture<ChatSession> connected() {
    return connected;
  }

  CompletableFuture<Void> terminated() {
    return terminated;
  }

  /** Bugs caught at the transport boundary (logged and survived); 0 in a healthy session. */
  int internalErrors() {
    return internalErrors.get();
  }

  /** Starts the first attempt (after ranking the endpoints, with a proximity policy). */
  void start() {
    rankThen(this::beginAttempt);
  }

  /**
   * With a prober: probes every endpoint, reorders the rotation by the ranking, reports it, then
   * runs {@code next} under the lock (unless the session closed meanwhile). Without one: runs
   * {@code next} now. A healthy connection is never moved; this runs only before connecting.
   */
  private void rankThen(Runnable next) {
    EndpointProber prober = context.prober();
    if (prober == null) {
      next.run();
      return;
    }
    List<URI> endpoints = config.endpoints();
    events.afterUnlock(
        () -> {
          try {
            prober
                .probeAll(endpoints)
                .whenComplete((probes, failure) -> lock.run(() -> ranked(probes, failure, next)));
          } catch (RuntimeException e) {
            lock.run(() -> ranked(null, e, next));
          }
        });
  }

  private void ranked(List<EndpointProbe> probes, Throwable failure, Runnable next) {
    if (state == State.CLOSED) {
      return;
    }
    if (failure != null || probes == null) {
      log.warn(
          "{}: probing the endpoints failed; keeping the order {}", session, reconnects, failure);
    } else {
      List<URI> order = EndpointRanking.order(probes);
      reconnects.rank(order);
      log.info("{}: endpoints probed {}; trying them in the order {}", session, probes, order);
      events.endpointsRanked(probes, order);
    }
    next.run();
  }

  /** The application closes the session. */
  void close() {
    closeTerminal(
        CloseCodes.NORMAL,
        "closed by the application",
        new ChatException(ErrorCode.NOT_CONNECTED, "the session was closed"));
  }

  /** Aborts every connection not closed yet, without waiting. For the client's shutdown. */
  void abortConnections() {
    for (ConnectionAttempt attempt : unclosed) {
      ClientTransportConnection connection = attempt.connection;
      if (connection != null) {
        events.afterUnlock(connection::abort);
      }
    }
  }

  // --- Transport entry points (transport threads, without the lock) ---

  void onTransportFrame(ConnectionAttempt attempt, ByteBuffer frame) {
    try {
      Envelope envelope;
      try {
        envelope = BinaryFrames.decode(frame);
      } catch (FrameDecodeException e) {
        lock.run(() -> malformed(attempt, e));
        return;
      }
      lock.run(() -> received(attempt, envelope));
    } catch (RuntimeException e) {
      internalErrors.incrementAndGet();
      log.error("{}: failed to handle a frame; ignored", session, e);
    }
  }

  void onTransportClosed(ConnectionAttempt attempt, int code, String reason) {
    try {
      lock.run(() -> transportClosed(attempt, code, reason == null ? "" : reason));
    } catch (RuntimeException e) {
      internalErrors.incrementAndGet();
      log.error("{}: failed to handle a close; ignored", session, e);
    }
  }

  // --- Conversation.Wire ---

  @Override
  public boolean ready() {
    return state == State.CONNECTED && current != null && current.welcomed;
  }

  @Override
  public boolean send(Envelope frame) {
    ConnectionAttempt attempt = current;
    if (attempt == null || !attempt.welcomed || attempt.connection == null) {
      return false;
    }
    if (attempt.connection.sendBinary(BinaryFrames.encode(frame))) {
      return true;
    }
    // Closed, or over the transport's queue limit: drop it once the current work is done.
    events.afterUnlock(
        () ->
            lock.run(
                () -> {
                  if (current == attempt) {
                    drop("the transport refused a frame");
                  }
                }));
    return false;
  }

  /** The client gives up on the current connection and reconnects. */
  @Override
  public void drop(String reason) {
    ConnectionAttempt attempt = current;
    if (attempt == null) {
      return;
    }
    log.info("{}: dropping the connection to {}: {}", session, attempt.endpoint, reason);
    detach(attempt);
    ClientTransportConnection connection = attempt.connection;
    if (connection != null) {
      events.afterUnlock(connection::abort);
    }
    if (attempt.welcomed) {
      connectionLost(attempt, ABNORMAL, reason);
    } else {
      attemptFailed(attempt, ABNORMAL, reason);
    }
  }

  @Override
  public ScheduledFuture<?> schedule(Duration delay, Runnable task) {
    return lock.schedule(delay, task);
  }

  // --- Credentials.Link ---

  @Override
  public boolean isLive(ConnectionAttempt attempt) {
    return attempt == current && attempt.welcomed && state == State.CONNECTED;
  }

  @Override
  public void accepted(String token) {
    acceptedToken = token;
  }

  /** The credentials the server last accepted, or null before the first Welcome. Thread-safe. */
  String acceptedToken() {
    return acceptedToken;
  }

  @Override
  public long nextRequestId() {
    return conversation.nextRequestId();
  }

  // --- The state machine (under the lock) ---

  /** Asks the token provider for the next attempt's token, then makes the attempt. */
  private void beginAttempt() {
    reconnectTimer = null;
    if (state == State.CLOSED) {
      return;
    }
    TokenRequest.Reason reason =
        state == State.CONNECTING && nextTokenReason != TokenRequest.Reason.EXPIRED
            ? TokenRequest.Reason.CONNECT
            : nextTokenReason;
    credentials.fetch(
        reason,
        new Credentials.Answer() {
          @Override
          public void token(String token) {
            if (state == State.CLOSED) {
              return;
            }
            if (token == null) {
              noToken(reason);
            } else if (token.equals(expiredToken)) {
              staleToken();
            } else {
              attempt(token);
            }
          }

          @Override
          public void failed(Throwable failure) {
            if (state != State.CLOSED) {
              tokenFailed(reason, failure);
            }
          }
        });
  }

  /** The provider has no credentials: the session ends (after a revoke, with 4005). */
  private void noToken(TokenRequest.Reason reason) {
    int code =
        switch (reason) {
          case REVOKED -> CloseCodes.REVOKED;
          case EXPIRED -> CloseCodes.TOKEN_EXPIRED;
          default -> CloseCodes.NORMAL;
        };
    String why = "the token provider has no token (asked to " + reason + ")";
    closeTerminal(code, why, new ChatException(ErrorCode.AUTHENTICATION_FAILED, why));
  }

  /** The provider answered an expiry with the very token the server found expired: give up. */
  private void staleToken() {
    String why = "the token provider handed over the token the server had found expired";
    closeTerminal(
        CloseCodes.TOKEN_EXPIRED, why, new ChatException(ErrorCode.AUTHENTICATION_FAILED, why));
  }

  /** The provider failed: tell the application, back off and ask again, also on first connect. */
  private void tokenFailed(TokenRequest.Reason reason, Throwable failure) {
    Duration delay = reconnects.afterTokenFailure();
    log.info("{}: the token provider failed ({}); asking again in {}", session, failure, delay);
    events.tokenFailed(reason, failure, true);
    scheduleReconnect(delay);
  }

  private void attempt(String token) {
    URI next = reconnects.endpoint();
    URI target = fallback.endpointFor(next);
    ConnectionAttempt attempt =
        new ConnectionAttempt(
            this,
            target,
            context.transportFor(target),
            !target.equals(next),
            conversation.nextRequestId(),
            token);
    current = attempt;
    unclosed.add(attempt);
    attempt.timer = schedule(config.connectTimeout(), () -> attemptTimedOut(attempt));
    events.afterUnlock(() -> open(attempt));
  }

  /** Asks the transport for a connection; without the lock, as a transport may resolve names. */
  private void open(ConnectionAttempt attempt) {
    CompletableFuture<ClientTransportConnection> future;
    try {
      future = attempt.transport.connect(attempt.endpoint, config.transportConfig(), attempt);
      if (future == null) {
        throw new IllegalStateException("the transport returned no future");
      }
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    future.whenComplete(
        (connection, failure) -> lock.run(() -> opened(attempt, connection, failure)));
  }

  private void opened(
      ConnectionAttempt attempt, ClientTransportConnection connection, Throwable failure) {
    if (failure != null || connection == null) {
      attempt.openFailure = failure;
      attempt.transportClosed = true;
      unclosed.remove(attempt);
      if (attempt == current) {
        detach(attempt);
        attemptEnded(
            attempt,
            ABNORMAL,
            ConnectFailures.explain(
                attempt.endpoint, config.transportConfig().subprotocol(), failure));
      }
      checkTerminated();
      return;
    }
    attempt.connection = connection;
    if (TransportFallback.isWebSocket(attempt.endpoint)) {
      fallback.upgraded();
    }
    if (attempt != current || state == State.CLOSED) {
      events.afterUnlock(connection::abort);
      return;
    }
    Envelope connect =
        EnvelopeCodec.connect(
            attempt.connectRequestId,
            attempt.token,
            config.clientName(),
            config.clientVersion(),
            deliveries.positions(),
            List.of(Protocol.FEATURE_PRESENCE_BATCH));
    if (!connection.sendBinary(BinaryFrames.encode(connect))) {
      drop("the transport refused the Connect frame");
    }
  }

  private void received(ConnectionAttempt attempt, Envelope envelope) {
    if (attempt != current || state == State.CLOSED) {
      return;
    }
    attempt.malformedInARow = 0;
    if (attempt.heartbeat != null) {
      attempt.heartbeat.inbound(now());
    }
    int backlog = events.backlog();
    if (attempt.welcomed && backlog > config.maxPendingCallbacks()) {
      drop("the listener is " + backlog + " events behind; reading resumes once it catches up");
      return;
    }
    router.route(attempt, envelope);
  }

  // --- Frames about the connection itself, from the InboundRouter (under the lock) ---

  /** The server welcomed {@code attempt}: CONNECTED, then rejoin, resend and start heartbeats. */
  void welcomed(ConnectionAttempt attempt, Welcome welcome) {
    if (attempt.welcomed) {
      return;
    }
    UserId who;
    try {
      who = UserId.of(welcome.getUser());
    } catch (IllegalArgumentException e) {
      drop("Welcome named an invalid user: " + e.getMessage());
      return;
    }
    if (user != null && !user.equals(who)) {
      log.warn("{}: the server now says this session is {}", session, who);
    }
    user = who;
    acceptedToken = attempt.token;
    expiredToken = null;
    endpoint = attempt.endpoint;
    attempt.welcomed = true;
    attempt.cancelTimer();
    State previous = state;
    state = State.CONNECTED;
    reconnects.welcomed();
    events.stateChanged(
        previous,
        State.CONNECTED,
        "welcomed by server "
            + welcome.getServerId()
            + " at "
            + attempt.endpoint
            + (attempt.fallback ? " (over SSE: WebSocket upgrades failed)" : ""));
    conversation.onWelcome(welcome);
    credentials.welcomed(attempt, welcome.getTokenExpiresAtMs());
    attempt.heartbeat = new Heartbeat(config.heartbeatInterval(), now());
    scheduleHeartbeat(attempt);
    if (previous == State.CONNECTING) {
      events.complete(connected, session);
    }
  }

  /** The server asked us to go: leave now and reconnect after the delay it named. */
  void goingAway(ConnectionAttempt attempt, GoAway goAway) {
    attempt.goAwayDelayMillis = Integer.toUnsignedLong(goAway.getReconnectAfterMs());
    reconnects.goingAway();
    log.info(
        "{}: the server is going away ({}); reconnecting in {} ms",
        session,
        goAway.getReason(),
        attempt.goAwayDelayMillis);
    leave(attempt, goAway.getReason());
  }

  /**
   * The server answered Connect with an Error: retry later if it may pass, else close. Refused
   * credentials wait for the server's close: 4004 says they expired and fresh ones may pass.
   */
  void refused(ChatException refusal) {
    if (refusal.retryable()) {
      if (current != null) {
        current.serverAskedToRetry = true;
      }
      drop("the server cannot take the session now: " + refusal.getMessage());
      return;
    }
    if (refusal.code() == ErrorCode.AUTHENTICATION_FAILED
        && current != null
        && !current.welcomed
        && current.refusal == null) {
      current.refusal = refusal; // the close follows at once; the connect deadline still runs
      return;
    }
    int code =
        refusal.code() == ErrorCode.AUTHENTICATION_FAILED
            ? CloseCodes.AUTHENTICATION_FAILED
            : CloseCodes.PROTOCOL_VIOLATION;
    closeTerminal(code, refusal.getMessage(), refusal);
  }

  private void malformed(ConnectionAttempt attempt, FrameDecodeException e) {
    if (attempt != current || state == State.CLOSED) {
      return;
    }
    log.warn("{}: ignoring a malformed frame: {}", session, e.getMessage());
    if (++attempt.malformedInARow > MAX_MALFORMED_IN_A_ROW) {
      drop("more than " + MAX_MALFORMED_IN_A_ROW + " malformed frames in a row");
    }
  }

  private void transportClosed(ConnectionAttempt attempt, int code, String reason) {
    attempt.transportClosed = true;
    unclosed.remove(attempt);
    if (attempt == current) {
      detach(attempt);
      attempt.serverAskedToRetry |= code == CloseCodes.TRY_AGAIN_LATER;
      if (attempt.welcomed) {
        connectionLost(attempt, code, reason);
      } else {
        attemptFailed(attempt, code, reason);
      }
    }
    checkTerminated();
  }

  /**
   * Closes a connection the server asked us to leave (GoAway), without waiting for the server to
   * close it: a draining server waits for its clients to go. Sends not yet acknowledged stay in the
   * outbox and are resent on the next connection, where the store recognises any already stored.
   */
  private void leave(ConnectionAttempt attempt, String reason) {
    detach(attempt);
    ClientTransportConnection connection = attempt.connection;
    if (connection != null) {
      events.afterUnlock(() -> connection.close(CloseCodes.GOING_AWAY, "moving to another server"));
    }
    if (attempt.welcomed) {
      connectionLost(attempt, CloseCodes.GOING_AWAY, "the server asked us to leave: " + reason);
    } else {
      attemptFailed(attempt, CloseCodes.GOING_AWAY, "the server asked us to leave: " + reason);
    }
  }

  private void detach(ConnectionAttempt attempt) {
    attempt.cancelTimer();
    if (current == attempt) {
      current = null;
    }
  }

  /** A welcomed connection ended: reconnect (after GoAway's delay, else backoff) or close. */
  private void connectionLost(ConnectionAttempt attempt, int code, String reason) {
    conversation.onConnectionLost();
    nextTokenReason = tokenReasonAfter(code);
    String why = "connection closed: " + describe(code, reason);
    if (!CloseCodes.shouldReconnect(code)) {
      closeTerminal(
          code,
          why,
          new ChatException(ErrorCode.NOT_CONNECTED, "the server ended the session, " + why));
      return;
    }
    State previous = state;
    state = State.RECONNECTING;
    endpoint = null;
    events.stateChanged(previous, State.RECONNECTING, why);
    Duration delay = reconnects.afterConnectionLost(attempt.goAwayDelayMillis);
    rankThen(() -> scheduleReconnect(delay));
  }

  /** An attempt ended before Welcome: next endpoint, or give up (first connect) or close. */
  private void attemptFailed(ConnectionAttempt attempt, int code, String reason) {
    attemptEnded(attempt, code, attempt.endpoint + ": " + describe(code, reason));
  }

  /** {@link #attemptFailed}, with the reason already written for the user. */
  private void attemptEnded(ConnectionAttempt attempt, int code, String why) {
    nextTokenReason = tokenReasonAfter(code);
    if (attempt.connection == null && TransportFallback.isWebSocket(attempt.endpoint)) {
      fallback.upgradeFailed(attempt.endpoint, attempt.openFailure);
    }
    if (code == CloseCodes.TOKEN_EXPIRED) {
      // the credentials were genuine but stale: ask for fresh ones, with backoff
      if (!credentials.renewable()) {
        closeTerminal(
            code,
            why,
            new ChatException(
                ErrorCode.AUTHENTICATION_FAILED,
                "the server refused the session: " + why + "; a fixed token cannot be renewed"));
        return;
      }
      expiredToken = attempt.token;
      attempt.serverAskedToRetry = true;
    } else if (attempt.refusal != null) {
      ChatException refusal = attempt.refusal;
      closeTerminal(CloseCodes.AUTHENTICATION_FAILED, refusal.getMessage(), refusal);
      return;
    }
    if (!CloseCodes.shouldReconnect(code)) {
      ErrorCode error =
          code == CloseCodes.AUTHENTICATION_FAILED
              ? ErrorCode.AUTHENTICATION_FAILED
              : ErrorCode.NOT_CONNECTED;
      closeTerminal(code, why, new ChatException(error, "the server refused the session: " + why));
      return;
    }
    Duration delay =
        reconnects.afterFailedAttempt(
            state == State.CONNECTING && !attempt.serverAskedToRetry,
            attempt.goAwayDelayMillis >= 0);
    if (delay == null && fallback.wantsAnotherTry()) {
      delay = Duration.ZERO; // the first connect tries the SSE fallback before it gives up
    }
    if (delay == null) {
      closeTerminal(
          code,
          "could not connect: " + why,
          new ChatException(
              ErrorCode.UNAVAILABLE,
              "no endpoint of " + reconnects + " welcomed the session; last: " + why));
      return;
    }
    log.debug("{}: attempt failed: {}; next in {}", session, why, delay);
    scheduleReconnect(delay);
  }

  private void attemptTimedOut(ConnectionAttempt attempt) {
    if (attempt == current && !attempt.welcomed) {
      drop("no Welcome within " + config.connectTimeout());
    }
  }

  private void scheduleReconnect(Duration delay) {
    reconnectTimer = schedule(delay, this::beginAttempt);
  }

  private void scheduleHeartbeat(ConnectionAttempt attempt) {
    long delay = attempt.heartbeat.nextCheckDelayMillis(now());
    attempt.timer = schedule(Duration.ofMillis(delay), () -> heartbeatCheck(attempt));
  }

  private void heartbeatCheck(ConnectionAttempt attempt) {
    if (attempt != current || state != State.CONNECTED) {
      return;
    }
    switch (attempt.heartbeat.check(now())) {
      case DEAD -> {
        drop("no frame from the server for " + attempt.heartbeat.deadAfterMillis() + " ms");
        return;
      }
      case PING -> send(EnvelopeCodec.ping(conversation.nextRequestId(), ++pingNonce));
      case NOTHING -> {}
    }
    scheduleHeartbeat(attempt);
  }

  /** Enters CLOSED for good; everything pending fails with {@code failure}. Idempotent. */
  private void closeTerminal(int code, String reason, ChatException failure) {
    if (state == State.CLOSED) {
      return;
    }
    State previous = state;
    state = State.CLOSED;
    if (reconnectTimer != null) {
      reconnectTimer.cancel(false);
      reconnectTimer = null;
    }
    ConnectionAttempt attempt = current;
    if (attempt != null) {
      detach(attempt);
      ClientTransportConnection connection = attempt.connection;
      if (connection != null && !attempt.transportClosed) {
        events.afterUnlock(() -> connection.close(CloseCodes.NORMAL, "session closed"));
        schedule(
            config.closeGrace(),
            () -> {
              if (!attempt.transportClosed) {
                events.afterUnlock(connection::abort);
              }
            });
      }
    }
    conversation.closeAll(failure);
    if (previous == State.CONNECTING) {
      events.fail(connected, failure);
    }
    events.stateChanged(previous, State.CLOSED, reason);
    events.closed(code, reason);
    checkTerminated();
  }

  private void checkTerminated() {
    if (state == State.CLOSED && unclosed.isEmpty()) {
      terminated.complete(null);
    }
  }

  /** Why the next attempt asks for a token, after a connection ended with {@code code}. */
  private static TokenRequest.Reason tokenReasonAfter(int code) {
    return switch (code) {
      case CloseCodes.TOKEN_EXPIRED -> TokenRequest.Reason.EXPIRED;
      case CloseCodes.REVOKED -> TokenRequest.Reason.REVOKED;
      default -> TokenRequest.Reason.RECONNECT;
    };
  }

  private long now() {
    return context.clock().millis();
  }

  private static String describe(int code, String reason) {
    return CloseCodes.name(code) + " (" + code + ")" + (reason.isEmpty() ? "" : " " + reason);
  }
}
