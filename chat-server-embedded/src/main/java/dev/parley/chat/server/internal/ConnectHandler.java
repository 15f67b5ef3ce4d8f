package dev.parley.chat.server.internal;

import static dev.parley.chat.server.internal.Replies.error;
import static dev.parley.chat.server.internal.Replies.frame;
import static dev.parley.chat.server.internal.Replies.parseRoomOrNull;
import static dev.parley.chat.server.internal.Replies.toError;
import static dev.parley.chat.server.internal.Replies.unwrap;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.Joined;
import dev.parley.chat.protocol.internal.RoomPosition;
import dev.parley.chat.protocol.internal.ServerLimits;
import dev.parley.chat.spi.AuthenticationException;
import dev.parley.chat.spi.AuthenticationUnavailableException;
import dev.parley.chat.spi.ConnectRequest;
import dev.parley.chat.spi.CredentialsExpiredException;
import dev.parley.chat.spi.Identity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connect: version check, the authenticator (on a worker thread), rejoining the rooms the client
 * resumes, and the Welcome that answers it. Stateless apart from its collaborators; thread-safe.
 */
final class ConnectHandler {
  private static final Logger log = LoggerFactory.getLogger(ConnectHandler.class);
  private static final int MAX_CLIENT_INFO_CHARS = 64;

  private final ServerContext context;
  private final BiFunction<ServerSession, RoomId, CompletableFuture<Joined>> rejoinRoom;
  private final SessionExpiry expiry;

  /**
   * @param rejoinRoom adds a session to a room during Connect and returns the Joined entry for the
   *     Welcome (policy checks and limits included)
   * @param expiry watches the credentials' expiry once the session is welcomed
   */
  ConnectHandler(
      ServerContext context,
      BiFunction<ServerSession, RoomId, CompletableFuture<Joined>> rejoinRoom,
      SessionExpiry expiry) {
    this.context = context;
    this.rejoinRoom = rejoinRoom;
    this.expiry = expiry;
  }

  void connect(ServerSession session, long requestId, Connect connect) {
    if (session.state() != ServerSession.State.AWAITING_CONNECT) {
      error(session, requestId, ErrorCode.ALREADY_CONNECTED, "Connect was already sent", null);
      return;
    }
    if (connect.getProtocolVersion() != Protocol.VERSION) {
      error(
          session,
          requestId,
          ErrorCode.UNSUPPORTED_VERSION,
          "this server speaks protocol version "
              + Protocol.VERSION
              + ", not "
              + connect.getProtocolVersion(),
          null);
      context.metrics().handshake(ServerMetrics.Handshake.UNSUPPORTED_VERSION);
      session.close(CloseCodes.PROTOCOL_VIOLATION, "unsupported protocol version");
      return;
    }
    int maxTokenBytes = context.settings().abuseLimits().maxTokenBytes();
    if (connect.getToken().length() > maxTokenBytes // cheap first: a char is at least one byte
        || Utf8.length(connect.getToken()) > maxTokenBytes) {
      // refused before the authenticator sees it: a huge token must not cost a verification
      error(
          session,
          requestId,
          ErrorCode.AUTHENTICATION_FAILED,
          "token larger than " + maxTokenBytes + " bytes",
          null);
      context.metrics().handshake(ServerMetrics.Handshake.AUTHENTICATION_FAILED);
      session.close(CloseCodes.AUTHENTICATION_FAILED, "authentication failed");
      return;
    }
    session.presenceBatches(connect.getFeaturesList().contains(Protocol.FEATURE_PRESENCE_BATCH));
    session.beginAuthentication();
    ConnectRequest request =
        new ConnectRequest(
            connect.getToken(),
            truncate(connect.getClientName()),
            truncate(connect.getClientVersion()),
            session.connection().remoteAddress());
    session.connectRequest(request);
    context
        .workers()
        .execute(
            () ->
                authenticate(request)
                    .whenComplete(
                        (identity, failure) -> {
                          if (failure != null || identity == null) {
                            refuse(session, requestId, failure);
                          } else if (expiry.hasExpired(identity)) {
                            refuse(
                                session,
                                requestId,
                                new CredentialsExpiredException("the credentials have expired"));
                          } else {
                            session.authenticated(identity);
                            if (context.userLimits().connected(session)) {
                              resume(session, requestId, connect.getResumeList());
                            } else {
                              tooManyConnections(session, requestId);
                            }
                          }
                        }));
  }

  private CompletionStage<Identity> authenticate(ConnectRequest request) {
    try {
      CompletionStage<Identity> stage = context.authenticator().identify(request);
      return stage == null
          ? CompletableFuture.failedFuture(new IllegalStateException("authenticator returned null"))
          : stage;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void refuse(ServerSession session, long requestId, Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof AuthenticationUnavailableException) {
      log.debug("{}: authenticator unavailable: {}", session, cause.getMessage());
      error(
          session,
          requestId,
          ErrorCode.UNAVAILABLE,
          "authentication is unavailable, try again later: " + cause.getMessage(),
          null);
      context.metrics().handshake(ServerMetrics.Handshake.AUTHENTICATION_UNAVAILABLE);
      session.close(CloseCodes.TRY_AGAIN_LATER, "authentication unavailable");
      return;
    }
    String reason =
        cause instanceof AuthenticationException
            ? cause.getMessage()
            : "credentials were not accepted";
    if (!(cause instanceof AuthenticationException)) {
      log.warn("{}: authenticator failed", session, cause);
    }
    session.dropWaiting();
    error(session, requestId, ErrorCode.AUTHENTICATION_FAILED, reason, null);
    context.metrics().handshake(ServerMetrics.Handshake.AUTHENTICATION_FAILED);
    if (cause instanceof CredentialsExpiredException) {
      // genuine but stale: the client may come back with fresh credentials
      log.debug("{}: refused expired credentials: {}", session, reason);
      session.close(CloseCodes.TOKEN_EXPIRED, "credentials expired");
    } else {
      session.close(CloseCodes.AUTHENTICATION_FAILED, "authentication failed");
    }
  }

  /** The user has as many connections as one user may: refused, and the client does not retry. */
  private void tooManyConnections(ServerSession session, long requestId) {
    int max = context.settings().abuseLimits().maxConnectionsPerUser();
    log.debug("{}: refused, the user already has {} connections", session, max);
    session.dropWaiting();
    error(
        session,
        requestId,
        ErrorCode.LIMIT_EXCEEDED,
        "user " + session.user() + " already has " + max + " connections open; close one first",
        null);
    context.metrics().handshake(ServerMetrics.Handshake.TOO_MANY_CONNECTIONS);
    session.close(CloseCodes.TOO_MANY_CONNECTIONS, "too many connections for this user");
  }

  private void resume(ServerSession session, long requestId, List<RoomPosition> positions) {
    List<CompletableFuture<Object>> results = new ArrayList<>();
    int max = context.settings().maxRoomsPerSession();
    for (RoomPosition position : positions) {
      if (results.size() >= max) {
        results.add(
            CompletableFuture.completedFuture(
                EnvelopeCodec.errorNaming(
                    ErrorCode.LIMIT_EXCEEDED,
                    "more than " + max + " rooms to resume",
                    position.getRoom())));
        continue;
      }
      results.add(rejoin(session, position.getRoom()));
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .whenComplete(
            (ignored, failure) -> {
              List<Joined> rejoined = new ArrayList<>();
              List<dev.parley.chat.protocol.internal.Error> rejected = new ArrayList<>();
              for (CompletableFuture<Object> result : results) {
                Object outcome = result.join();
                if (outcome instanceof Joined joined) {
                  rejoined.add(joined);
                } else {
                  rejected.add((dev.parley.chat.protocol.internal.Error) outcome);
                }
              }
              context.metrics().handshake(ServerMetrics.Handshake.ACCEPTED);
              if (!results.isEmpty()) {
                context.metrics().resumed(rejoined.size(), rejected.size());
              }
              context.hooks().connected(session);
              context.events().connected(session.id(), session.user());
              session.welcome(
                  frame(
                      EnvelopeCodec.withFeatures(
                          EnvelopeCodec.withTokenExpiry(
                              EnvelopeCodec.welcome(
                                  requestId,
                                  session.user(),
                                  session.id(),
                                  context.serverId(),
                                  limits(),
                                  (int) context.settings().pingInterval().toMillis(),
                                  rejoined,
                                  rejected),
                              session.identity().expiresAt().orElse(null)),
                          session.presenceBatches()
                              ? List.of(Protocol.FEATURE_PRESENCE_BATCH)
                              : List.of())));
              expiry.track(session);
            });
  }

  /**
   * Rejoins one room during Connect; completes with a Joined or an Error, never exceptionally. An
   * Error names the room as the client wrote it, even when that is not a valid room id.
   */
  private CompletableFuture<Object> rejoin(ServerSession session, String roomText) {
    RoomId id = parseRoomOrNull(roomText);
    if (id == null) {
      return CompletableFuture.completedFuture(
          EnvelopeCodec.errorNaming(ErrorCode.INVALID_ARGUMENT, "invalid room id", roomText));
    }
    return rejoinRoom
        .apply(session, id)
        .<Object>thenApply(joined -> joined)
        .exceptionally(failure -> toError(failure, id));
  }

  private ServerLimits limits() {
    var s = context.settings();
    return EnvelopeCodec.limits(
        s.maxMessageBytes(),
        s.maxTextBytes(),
        s.maxPayloadBytes(),
        s.maxRoomsPerSession(),
        Protocol.DEFAULT_MAX_HISTORY_PAGE);
  }

  private static String truncate(String text) {
    return text.length() <= MAX_CLIENT_INFO_CHARS ? text : text.substring(0, MAX_CLIENT_INFO_CHARS);
  }
}
