package dev.parley.chat.server.internal;

import static dev.parley.chat.server.internal.Replies.error;
import static dev.parley.chat.server.internal.Replies.frame;
import static dev.parley.chat.server.internal.Replies.unwrap;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.Reauthenticate;
import dev.parley.chat.spi.AuthenticationException;
import dev.parley.chat.spi.AuthenticationUnavailableException;
import dev.parley.chat.spi.ConnectRequest;
import dev.parley.chat.spi.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials that expire: the stage that warns a session ahead of its credentials' expiry ({@code
 * TokenExpiring}), closes it with {@link CloseCodes#TOKEN_EXPIRED} when they expire, and takes
 * fresh ones ({@code Reauthenticate}) through the authenticator, on the worker executor like
 * Connect.
 *
 * <pre>
 *  Welcome ──► track: warn at expiry − min(lead, remaining / 2), close at expiry
 *  Reauthenticate ──► checks ──► worker: Authenticator.identify ──► same user, not expired?
 *        yes: new identity, Reauthenticated, track again │ no: Error, nothing changes
 * </pre>
 *
 * <p>Times are read from the server's clock and the delays waited on its scheduler. A timer acts
 * only if the session still runs on the identity it was set for, so a refresh that lands as a timer
 * fires does not close the refreshed session. Stateless apart from its collaborators; thread-safe.
 */
final class SessionExpiry {
  private static final Logger log = LoggerFactory.getLogger(SessionExpiry.class);

  private final ServerContext context;

  SessionExpiry(ServerContext context) {
    this.context = context;
  }

  /**
   * Whether the identity's credentials have already expired, by the server's clock; an identity
   * without expiry never has.
   */
  boolean hasExpired(Identity identity) {
    return identity.expiresAt().map(at -> !at.isAfter(context.clock().instant())).orElse(false);
  }

  /**
   * Sets the timers for the session's current identity: the warning and the close, or none when its
   * credentials do not expire. Call once the session is welcomed, and after each refresh.
   */
  void track(ServerSession session) {
    Identity identity = session.identity();
    Instant expiresAt = identity == null ? null : identity.expiresAt().orElse(null);
    if (expiresAt == null) {
      session.expiryTimers(null, null);
      return;
    }
    long remaining = Duration.between(context.clock().instant(), expiresAt).toMillis();
    long warnAfter = warningDelay(remaining, context.settings().tokenExpiryLead().toMillis());
    try {
      ScheduledFuture<?> warning =
          context
              .scheduler()
              .schedule(() -> warn(session, identity, expiresAt), warnAfter, TimeUnit.MILLISECONDS);
      ScheduledFuture<?> close =
          context
              .scheduler()
              .schedule(
                  () -> expire(session, identity), Math.max(0, remaining), TimeUnit.MILLISECONDS);
      session.expiryTimers(warning, close);
    } catch (RejectedExecutionException stopping) {
      log.debug("{}: the server is stopping; no expiry timers", session);
    }
  }

  /**
   * How long after now the warning is due, for credentials with {@code remainingMillis} left:
   * {@code leadMillis} before the expiry, or halfway to it when that is sooner; never negative.
   */
  static long warningDelay(long remainingMillis, long leadMillis) {
    if (remainingMillis <= 0) {
      return 0;
    }
    return remainingMillis - Math.min(leadMillis, remainingMillis / 2);
  }

  private void warn(ServerSession session, Identity identity, Instant expiresAt) {
    if (session.identity() == identity && session.state() == ServerSession.State.OPEN) {
      log.debug("{}: credentials expire at {}; told the client", session, expiresAt);
      session.reply(frame(EnvelopeCodec.tokenExpiring(expiresAt)));
    }
  }

  private void expire(ServerSession session, Identity identity) {
    if (session.identity() == identity && session.state() != ServerSession.State.CLOSED) {
      log.debug("{}: credentials expired without fresh ones; closing", session);
      session.close(CloseCodes.TOKEN_EXPIRED, "credentials expired; reconnect with fresh ones");
    }
  }

  /**
   * Reauthenticate: fresh credentials for the session's user. Checked here on the transport thread
   * (present, not too long), then identified on a worker; any refusal leaves the session as it was.
   */
  void reauthenticate(ServerSession session, long requestId, Reauthenticate reauthenticate) {
    String token = reauthenticate.getToken();
    if (token.isEmpty()) {
      error(session, requestId, ErrorCode.INVALID_ARGUMENT, "Reauthenticate needs a token", null);
      return;
    }
    int bytes = Utf8.length(token);
    if (bytes > Protocol.MAX_REAUTHENTICATE_TOKEN_BYTES) {
      error(
          session,
          requestId,
          ErrorCode.TOO_LARGE,
          "token is "
              + bytes
              + " UTF-8 bytes; at most "
              + Protocol.MAX_REAUTHENTICATE_TOKEN_BYTES
              + " are accepted",
          null);
      return;
    }
    ConnectRequest connect = session.connectRequest();
    ConnectRequest request =
        new ConnectRequest(
            token,
            connect.clientName(),
            connect.clientVersion(),
            session.connection().remoteAddress());
    try {
      context
          .workers()
          .execute(
              () ->
                  identify(request)
                      .whenComplete(
                          (identity, failure) -> answer(session, requestId, identity, failure)));
    } catch (RejectedExecutionException stopping) {
      error(session, requestId, ErrorCode.UNAVAILABLE, "the server is stopping", null);
    }
  }

  private CompletionStage<Identity> identify(ConnectRequest request) {
    try {
      CompletionStage<Identity> stage = context.authenticator().identify(request);
      return stage == null
          ? CompletableFuture.failedFuture(new IllegalStateException("authenticator returned null"))
          : stage;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void answer(ServerSession session, long requestId, Identity identity, Throwable failure) {
    if (session.state() == ServerSession.State.CLOSED) {
      return;
    }
    if (failure != null || identity == null) {
      refuse(session, requestId, failure);
      return;
    }
    if (!identity.user().equals(session.user())) {
      error(
          session,
          requestId,
          ErrorCode.AUTHENTICATION_FAILED,
          "the token does not belong to this session's user",
          null);
      return;
    }
    if (hasExpired(identity)) {
      error(session, requestId, ErrorCode.AUTHENTICATION_FAILED, "the token has expired", null);
      return;
    }
    session.reauthenticated(identity);
    session.reply(
        frame(EnvelopeCodec.reauthenticated(requestId, identity.expiresAt().orElse(null))));
    track(session);
    log.debug("{}: fresh credentials, expiring {}", session, identity.expiresAt().orElse(null));
  }

  private void refuse(ServerSession session, long requestId, Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof AuthenticationUnavailableException) {
      log.debug("{}: authenticator unavailable for a refresh: {}", session, cause.getMessage());
      error(
          session,
          requestId,
          ErrorCode.UNAVAILABLE,
          "authentication is unavailable, try again later: " + cause.getMessage(),
          null);
      return;
    }
    if (!(cause instanceof AuthenticationException)) {
      log.warn("{}: authenticator failed on a refresh", session, cause);
    }
    String reason =
        cause instanceof AuthenticationException
            ? cause.getMessage()
            : "credentials were not accepted";
    error(session, requestId, ErrorCode.AUTHENTICATION_FAILED, reason, null);
  }
}
