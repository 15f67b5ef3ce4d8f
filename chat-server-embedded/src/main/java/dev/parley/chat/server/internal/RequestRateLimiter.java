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
  private final double perMilli;
  private final double burst;
  private double tokens;
  private long lastRefill;
  private long windowStart;
  private int rejectedInWindow;

  RequestRateLimiter(Clock clock, int perSecond, int burst) {
    this.clock = clock;
    this.perMilli = perSecond / 1000.0;
    this.burst = burst;
    this.tokens = burst;
    this.lastRefill = clock.millis();
    this.windowStart = lastRefill;
  }

  /** Takes one token; false when the bucket is empty. */
  boolean tryAcquire() {
    long now = clock.millis();
    if (now > lastRefill) {
      tokens = Math.min(burst, tokens + (now - lastRefill) * perMilli);
      lastRefill = now;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    if (now - windowStart >= WINDOW_MILLIS) {
      windowStart = now;
      rejectedInWindow = 0;
    }
    rejectedInWindow++;
    return false;
  }

  /** Whether the session has been rejected so often it should be closed. */
  boolean isFlooding() {
    return rejectedInWindow >= FLOOD_REJECTIONS;
  }
}
