package dev.parley.chat.server.internal;

import java.time.Clock;

/**
 * A token bucket per session: {@code perSecond} tokens a second, at most {@code burst} saved up.
 * Also counts rejections in ten-second windows so a flooding client can be closed. Not thread-safe:
 * one session's frames arrive one at a time.
 */
final class RequestRateLimiter {
  /** Rejections within one window that mark a session as flooding. */
  static final int FLOOD_REJECTIONS = 1_000;

  private static final long WINDOW_MILLIS = 10_000;

  private final Clock clock;
  private final TokenBucket bucket;
  private long windowStart;
  private int rejectedInWindow;
  private long retryAfterMillis;

  RequestRateLimiter(Clock clock, int perSecond, int burst) {
    this.clock = clock;
    this.windowStart = clock.millis();
    this.bucket = new TokenBucket(perSecond, burst, windowStart);
  }

  /** Takes one token; false when the bucket is empty (see {@link #retryAfterMillis()}). */
  boolean tryAcquire() {
    long now = clock.millis();
    retryAfterMillis = bucket.tryTake(now);
    if (retryAfterMillis == 0) {
      return true;
    }
    if (now - windowStart >= WINDOW_MILLIS) {
      windowStart = now;
      rejectedInWindow = 0;
    }
    rejectedInWindow++;
    return false;
  }

  /** After a refused {@link #tryAcquire()}: milliseconds until a token is there. */
  long retryAfterMillis() {
    return retryAfterMillis;
  }

  /** Whether the session has been rejected so often it should be closed. */
  boolean isFlooding() {
    return rejectedInWindow >= FLOOD_REJECTIONS;
  }
}
