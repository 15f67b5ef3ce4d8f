package dev.parley.chat.client.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Reconnect delays: exponential growth with full jitter. The delay after the n-th consecutive
 * failure (n counted from 0) is uniformly random in {@code [0, min(max, initial * 2^n)]}, drawn
 * from the injected {@link Random}. Thread-safe (as {@link Random} is); holds no state of its own.
 */
final class Backoff {
  private final long initialNanos;
  private final long maxNanos;
  private final Random random;

  Backoff(Duration initial, Duration max, Random random) {
    this.initialNanos = saturatedNanos(Objects.requireNonNull(initial, "initial"));
    this.maxNanos = saturatedNanos(Objects.requireNonNull(max, "max"));
    this.random = Objects.requireNonNull(random, "random");
    if (initialNanos <= 0 || maxNanos < initialNanos) {
      throw new IllegalArgumentException(
          "need 0 < initial <= max, got initial=" + initial + ", max=" + max);
    }
  }

  /** The upper bound of the delay after failure {@code attempt}, before jitter. */
  long ceilingNanos(int attempt) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must be 0 or more, was " + attempt);
    }
    if (attempt >= Long.SIZE - 1 || initialNanos > (maxNanos >> attempt)) {
      return maxNanos;
    }
    return Math.min(maxNanos, initialNanos << attempt);
  }

  /** A random delay for failure {@code attempt}: between 0 and {@link #ceilingNanos} inclusive. */
  Duration delay(int attempt) {
    long ceiling = ceilingNanos(attempt);
    long nanos =
        ceiling == Long.MAX_VALUE ? random.nextLong(ceiling) : random.nextLong(ceiling + 1);
    return Duration.ofNanos(nanos);
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }
}
