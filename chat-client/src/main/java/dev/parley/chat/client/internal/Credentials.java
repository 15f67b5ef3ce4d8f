package dev.parley.chat.client.internal;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.client.TokenProvider;
import dev.parley.chat.client.TokenRequest;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.Error;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's credentials: asks the application's {@link TokenProvider} for a token (before each
 * connection attempt, and when the server warns of expiry), and refreshes a live connection's
 * credentials with {@code Reauthenticate}.
 *
 * <pre>
 *  TokenExpiring ──► provider (callback executor) ──► Reauthenticate ──► Reauthenticated: done
 *        ▲                     │ failed, timed out                   │ UNAVAILABLE, no answer
 *        └── backoff, while the credentials are still valid ◄────────┘
 *  AUTHENTICATION_FAILED, or no token: given up; the server closes with 4004 at expiry and the
 *  session reconnects with a token it asks for then.
 * </pre>
 *
 * <p>The provider is called on the callback executor after the session's lock is released; its
 * answer comes back under the lock. Each call ends exactly once: with the provider's answer, or
 * with a timeout after the request timeout, whichever comes first.
 *
 * <p>Not thread-safe: every method runs under the session's lock.
 */
final class Credentials {
  private static final Logger log = LoggerFactory.getLogger(Credentials.class);

  /** What a refresh needs from the session's current connection. */
  interface Link {
    /** Whether {@code attempt} is the session's current, welcomed connection. */
    boolean isLive(ConnectionAttempt attempt);

    /** The next request id of the session. */
    long nextRequestId();

    /** The server took {@code token} as fresh credentials for the live connection. */
    void accepted(String token);
  }

  private final TokenProvider provider;
  private final SessionEvents events;
  private final SessionLock lock;
  private final Executor callbackExecutor;
  private final Duration timeout;
  private final Backoff backoff;
  private final LongSupplier nowMillis;
  private final Conversation.Wire wire;
  private final Link link;

  Credentials(
      TokenProvider provider,
      SessionEvents events,
      SessionLock lock,
      Executor callbackExecutor,
      Duration timeout,
      Backoff backoff,
      LongSupplier nowMillis,
      Conversation.Wire wire,
      Link link) {
    this.provider = provider;
    this.events = events;
    this.lock = lock;
    this.callbackExecutor = callbackExecutor;
    this.timeout = timeout;
    this.backoff = backoff;
    this.nowMillis = nowMillis;
    this.wire = wire;
    this.link = link;
  }

  /** What the provider answered: a token, or none (null), or a failure. */
  interface Answer {
    void token(String token);

    void failed(Throwable failure);
  }

  /** Whether the provider can hand over other credentials than before: not a fixed token. */
  boolean renewable() {
    return !(provider instanceof FixedToken);
  }

  /** Asks the provider for a token; {@code answer} is called once, under the lock. */
  void fetch(TokenRequest.Reason reason, Answer answer) {
    if (provider instanceof FixedToken fixed) {
      answer.token(fixed.token()); // no application code to keep off this thread
      return;
    }
    Call call = new Call(answer);
    call.timer =
        wire.schedule(
            timeout,
            () ->
                call.end(
                    null,
                    new TimeoutException("the token provider did not answer within " + timeout)));
    events.afterUnlock(() -> callProvider(reason, call));
  }

  private void callProvider(TokenRequest.Reason reason, Call call) {
    Runnable ask =
        () -> {
          CompletionStage<String> stage;
          try {
            stage = provider.token(new TokenRequest(reason));
            if (stage == null) {
              throw new IllegalStateException("the token provider returned no stage");
            }
          } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
          }
          stage.whenComplete((token, failure) -> lock.run(() -> call.end(token, failure)));
        };
    try {
      callbackExecutor.execute(ask);
    } catch (RejectedExecutionException e) {
      lock.run(() -> call.end(null, e)); // the client is shutting down
    }
  }

  // --- Refreshing a live connection ---

  /** The server welcomed {@code attempt}: its credentials expire then (0: never). */
  void welcomed(ConnectionAttempt attempt, long expiresAtMillis) {
    attempt.tokenExpiresAtMillis = expiresAtMillis;
  }

  /** The server warned that the credentials expire soon: refresh them, unless already under way. */
  void expiring(ConnectionAttempt attempt, long expiresAtMillis) {
    if (expiresAtMillis != 0) {
      attempt.tokenExpiresAtMillis = expiresAtMillis;
    }
    if (!attempt.refreshing) {
      attempt.refreshing = true;
      attempt.refreshFailures = 0;
      refresh(attempt);
    }
  }

  private void refresh(ConnectionAttempt attempt) {
    fetch(
        TokenRequest.Reason.EXPIRING,
        new Answer() {
          @Override
          public void token(String token) {
            if (!link.isLive(attempt)) {
              return;
            }
            if (token == null) {
              attempt.refreshing = false;
              events.tokenFailed(
                  TokenRequest.Reason.EXPIRING,
                  new ChatException(
                      ErrorCode.AUTHENTICATION_FAILED, "the token provider has no token"),
                  false);
              return;
            }
            long id = link.nextRequestId();
            attempt.reauthenticateRequestId = id;
            attempt.refreshToken = token;
            attempt.reauthenticateTimer = wire.schedule(timeout, () -> unanswered(attempt, id));
            wire.send(EnvelopeCodec.reauthenticate(id, token));
          }

          @Override
          public void failed(Throwable failure) {
            if (link.isLive(attempt)) {
              retry(attempt, failure);
            }
          }
        });
  }

  /** Whether {@code requestId} is the refresh in flight on {@code attempt}. */
  boolean owns(ConnectionAttempt attempt, long requestId) {
    return requestId != 0 && requestId == attempt.reauthenticateRequestId;
  }

  /** The server took the fresh credentials. */
  void reauthenticated(ConnectionAttempt attempt, long requestId, long expiresAtMillis) {
    if (!owns(attempt, requestId)) {
      return;
    }
    settle(attempt);
    attempt.refreshing = false;
    attempt.tokenExpiresAtMillis = expiresAtMillis;
    if (attempt.refreshToken != null) {
      link.accepted(attempt.refreshToken);
    }
    events.tokenRefreshed(EnvelopeCodec.expiryOrNull(expiresAtMillis));
  }

  /** The server refused the fresh credentials: retry if it may pass, else give up. */
  void refused(ConnectionAttempt attempt, long requestId, Error error) {
    if (!owns(attempt, requestId)) {
      return;
    }
    settle(attempt);
    ChatException refusal = EnvelopeCodec.exception(error);
    if (refusal.retryable()) {
      retry(attempt, refusal);
      return;
    }
    log.info("the server refused fresh credentials: {}", refusal.getMessage());
    attempt.refreshing = false;
    events.tokenFailed(TokenRequest.Reason.EXPIRING, refusal, false);
  }

  private void unanswered(ConnectionAttempt attempt, long requestId) {
    if (owns(attempt, requestId) && link.isLive(attempt)) {
      settle(attempt);
      retry(
          attempt,
          new ChatException(
              ErrorCode.UNAVAILABLE, "Reauthenticate got no answer within " + timeout));
    }
  }

  /** Tries the refresh again after a backoff delay if the credentials are still valid then. */
  private void retry(ConnectionAttempt attempt, Throwable failure) {
    Duration delay = backoff.delay(attempt.refreshFailures++);
    long expiresAt = attempt.tokenExpiresAtMillis;
    boolean retrying = expiresAt == 0 || nowMillis.getAsLong() + delay.toMillis() < expiresAt;
    events.tokenFailed(TokenRequest.Reason.EXPIRING, failure, retrying);
    if (!retrying) {
      attempt.refreshing = false;
      return;
    }
    log.debug("refreshing credentials failed ({}); again in {}", failure.getMessage(), delay);
    wire.schedule(
        delay,
        () -> {
          if (link.isLive(attempt) && attempt.refreshing) {
            refresh(attempt);
          }
        });
  }

  private static void settle(ConnectionAttempt attempt) {
    attempt.reauthenticateRequestId = 0;
    if (attempt.reauthenticateTimer != null) {
      attempt.reauthenticateTimer.cancel(false);
      attempt.reauthenticateTimer = null;
    }
  }

  /** One provider call: ends once, with its answer or its timeout. */
  private static final class Call {
    private final Answer answer;
    private boolean ended;
    ScheduledFuture<?> timer;

    Call(Answer answer) {
      this.answer = answer;
    }

    void end(String token, Throwable failure) {
      if (ended) {
        return;
      }
      ended = true;
      if (timer != null) {
        timer.cancel(false);
      }
      if (failure != null) {
        answer.failed(unwrap(failure));
      } else {
        answer.token(token);
      }
    }

    private static Throwable unwrap(Throwable failure) {
      Throwable t = failure;
      while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
        t = t.getCause();
      }
      return t;
    }
  }
}
