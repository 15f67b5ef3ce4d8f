package dev.parley.chat.store.jdbc;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How much history each room keeps. Trimming removes only a room's oldest messages; seqs are never
 * reused, and a client that asks for trimmed messages learns that they are gone.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxMessagesPerRoom keep at most this many of each room's newest messages; 0 for no limit
 * @param maxAge drop messages older than this (checked periodically: each room loses its messages
 *     up to its newest expired one); {@code null} for no limit
 */
public record Retention(long maxMessagesPerRoom, Duration maxAge) {
  /** Keeps everything. */
  public static final Retention KEEP_ALL = new Retention(0, null);

  /** Checks the limits. */
  public Retention {
    if (maxMessagesPerRoom < 0) {
      throw new IllegalArgumentException(
          "maxMessagesPerRoom must not be negative, was " + maxMessagesPerRoom);
    }
    if (maxAge != null && (maxAge.isZero() || maxAge.isNegative())) {
      throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
    }
  }

  /** Keeps the newest {@code count} messages of each room. */
  public static Retention keepLatest(long count) {
    if (count <= 0) {
      throw new IllegalArgumentException("count must be positive, was " + count);
    }
    return new Retention(count, null);
  }

  /** Keeps messages younger than {@code age}. */
  public static Retention keepFor(Duration age) {
    return new Retention(0, Objects.requireNonNull(age, "age"));
  }

  /** This retention, also limited to {@code age}. */
  public Retention andKeepFor(Duration age) {
    return new Retention(maxMessagesPerRoom, Objects.requireNonNull(age, "age"));
  }

  /** The age limit, if any. */
  public Optional<Duration> age() {
    return Optional.ofNullable(maxAge);
  }
}
