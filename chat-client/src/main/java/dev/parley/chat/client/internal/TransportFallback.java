package dev.parley.chat.client.internal;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a session leaves WebSocket for its SSE fallback, and when it tries WebSocket again
 * (docs/decisions/0038-java-client-sse-transport.md).
 *
 * <ul>
 *   <li>A WebSocket attempt that fails before its upgrade completed (the upgrade refused or
 *       answered with another status than 101, no answer in time, the socket closed during the
 *       handshake) counts; one whose upgrade succeeded, or that could not reach the host at all
 *       (connection refused, unknown host, no route: the server is down, which SSE would not fix)
 *       resets the count.
 *   <li>After {@value #FAILURES_TO_FALL_BACK} in a row, the next attempts go to the SSE endpoint.
 *   <li>The first attempt that starts {@link #RETRY_WEBSOCKET_AFTER} or more after the switch goes
 *       to WebSocket again, with the count at zero.
 *   <li>On the first connect, the session does not give up before it tried SSE, once it has a
 *       reason to ({@link #wantsAnotherTry()}).
 * </ul>
 *
 * <p>Without a fallback endpoint every method leaves the WebSocket endpoint alone. Not thread-safe:
 * guarded by the session's lock.
 */
final class TransportFallback {
  private static final Logger log = LoggerFactory.getLogger(TransportFallback.class);

  /** WebSocket attempts that must fail in a row before the session moves to SSE. */
  static final int FAILURES_TO_FALL_BACK = 2;

  /** How long the session stays on SSE before it tries WebSocket again (at its next reconnect). */
  static final Duration RETRY_WEBSOCKET_AFTER = Duration.ofMinutes(5);

  private final URI sse;
  private final Clock clock;
  private int upgradeFailures;
  private long onSseSinceMillis = -1; // -1: on WebSocket
  private boolean sseTried;

  /**
   * @param sse the SSE endpoint to fall back to, or null for none
   * @param clock when the session moved to SSE
   */
  TransportFallback(URI sse, Clock clock) {
    this.sse = sse;
    this.clock = clock;
  }

  /** The endpoint the next attempt goes to: the SSE endpoint while on it, else {@code next}. */
  URI endpointFor(URI next) {
    if (sse == null || !isWebSocket(next)) {
      return next;
    }
    if (onSseSinceMillis >= 0
        && clock.millis() - onSseSinceMillis >= RETRY_WEBSOCKET_AFTER.toMillis()) {
      log.info("{} on the SSE fallback; trying WebSocket ({}) again", RETRY_WEBSOCKET_AFTER, next);
      onSseSinceMillis = -1;
      upgradeFailures = 0;
    }
    if (onSseSinceMillis >= 0) {
      sseTried = true;
      return sse;
    }
    return next;
  }

  /** Whether the session is on its SSE fallback now. */
  boolean onSse() {
    return onSseSinceMillis >= 0;
  }

  /** A WebSocket upgrade succeeded. */
  void upgraded() {
    upgradeFailures = 0;
  }

  /**
   * A WebSocket attempt ended before its upgrade completed.
   *
   * @param failure why, or null when it ran out of time
   */
  void upgradeFailed(URI endpoint, Throwable failure) {
    if (sse == null || onSse()) {
      return;
    }
    if (unreachable(failure)) {
      upgradeFailures = 0;
      return;
    }
    if (++upgradeFailures >= FAILURES_TO_FALL_BACK) {
      onSseSinceMillis = clock.millis();
      log.warn(
          "{} WebSocket attempts in a row failed before the upgrade completed (last at {}: {});"
              + " connecting over SSE to {} for the next {}",
          upgradeFailures,
          endpoint,
          failure == null ? "no answer in time" : failure.toString(),
          sse,
          RETRY_WEBSOCKET_AFTER);
    }
  }

  /**
   * On the first connect, after every endpoint failed once: whether to try once more because the
   * fallback has not been tried yet and a failed upgrade points at it.
   */
  boolean wantsAnotherTry() {
    return sse != null && !sseTried && (onSse() || upgradeFailures > 0);
  }

  static boolean isWebSocket(URI endpoint) {
    String scheme = endpoint.getScheme();
    return "ws".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme);
  }

  private static boolean unreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException
          || t instanceof UnresolvedAddressException) {
        return true;
      }
    }
    return false;
  }
}
