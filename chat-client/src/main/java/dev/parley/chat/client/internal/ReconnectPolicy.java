package dev.parley.chat.client.internal;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Where and when a session tries next.
 *
 * <ul>
 *   <li>First connect: each endpoint once, in order, without waiting; then give up.
 *   <li>A welcomed connection that ends: the same endpoint, after a backoff delay (or, after a
 *       GoAway, the next endpoint after the server's delay).
 *   <li>A failed reconnect attempt: the next endpoint, after a longer backoff delay.
 *   <li>A token provider that failed: asked again after a backoff delay, also on first connect.
 *   <li>Welcome resets the backoff.
 *   <li>With a proximity policy, a ranking (before the first connect and after a welcomed
 *       connection ended) replaces the order: the next attempt goes to the best ranked endpoint,
 *       failed ones move down the ranking.
 * </ul>
 *
 * Delays come from {@link Backoff} (full jitter). Not thread-safe: guarded by the session's lock.
 */
final class ReconnectPolicy {
  private final EndpointRotation endpoints;
  private final Backoff backoff;
  private int failures;
  private int firstPassTried;

  ReconnectPolicy(List<URI> endpoints, Backoff backoff) {
    this.endpoints = new EndpointRotation(endpoints);
    this.backoff = backoff;
  }

  /** The endpoint the next attempt goes to. */
  URI endpoint() {
    return endpoints.current();
  }

  /** The endpoints in the order of a new ranking; the next attempt goes to its first. */
  void rank(List<URI> order) {
    endpoints.reorder(order);
  }

  /** The server welcomed the session: the next drop starts the backoff over. */
  void welcomed() {
    failures = 0;
  }

  /** The server announced it is going away: the next attempt goes to another endpoint. */
  void goingAway() {
    endpoints.advance();
  }

  /** The delay before reconnecting after a welcomed connection ended. */
  Duration afterConnectionLost(long goAwayDelayMillis) {
    return goAwayDelayMillis >= 0
        ? Duration.ofMillis(goAwayDelayMillis)
        : backoff.delay(failures++);
  }

  /** The delay before asking the token provider again after it failed. */
  Duration afterTokenFailure() {
    return backoff.delay(failures++);
  }

  /**
   * The delay before the next attempt after one that ended before Welcome, or null when the first
   * connect has tried every endpoint and should give up.
   */
  Duration afterFailedAttempt(boolean firstConnect, boolean wentAway) {
    if (!wentAway) {
      endpoints.advance();
    }
    if (firstConnect) {
      return ++firstPassTried < endpoints.size() ? Duration.ZERO : null;
    }
    return backoff.delay(failures++);
  }

  @Override
  public String toString() {
    return endpoints.toString();
  }
}
