package dev.parley.chat.testkit.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock a test sets and moves by hand, to give to the builders' {@code clock(...)}: time stands
 * still until the test calls {@link #set} or {@link #advance}. In UTC; {@link #withZone} gives a
 * clock in another zone that shares this one's time. Thread-safe: the code under test may read it
 * on any thread while the test moves it.
 */
public final class MutableClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  /** A clock standing at {@code start}, in UTC. */
  public MutableClock(Instant start) {
    this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /** Moves the clock to {@code instant}, backwards too. */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  /** Moves the clock on by {@code duration} (back, if negative). */
  public void advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    now.updateAndGet(instant -> instant.plus(duration));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new MutableClock(now, Objects.requireNonNull(zone, "zone"));
  }
}
