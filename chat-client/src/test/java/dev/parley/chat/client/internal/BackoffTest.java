package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Full-jitter exponential backoff, checked with seeded generators (property style). */
class BackoffTest {
  static LongStream seeds() {
    return LongStream.rangeClosed(1, 50);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyDelayLiesBetweenZeroAndTheCappedExponentialCeiling(long seed) {
    Random random = new Random(seed);
    Duration initial = Duration.ofMillis(1 + random.nextInt(1_000));
    Duration max = initial.multipliedBy(1 + random.nextInt(1_000));
    Backoff backoff = new Backoff(initial, max, new Random(seed));
    for (int attempt = 0; attempt < 80; attempt++) {
      long expected =
          BigInteger.valueOf(initial.toNanos())
              .shiftLeft(attempt)
              .min(BigInteger.valueOf(max.toNanos()))
              .longValueExact();
      assertThat(backoff.ceilingNanos(attempt)).isEqualTo(expected);
      Duration delay = backoff.delay(attempt);
      assertThat(delay).isBetween(Duration.ZERO, Duration.ofNanos(backoff.ceilingNanos(attempt)));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void theSameSeedGivesTheSameDelays(long seed) {
    Backoff a = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), new Random(seed));
    Backoff b = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), new Random(seed));
    for (int attempt = 0; attempt < 20; attempt++) {
      assertThat(a.delay(attempt)).isEqualTo(b.delay(attempt));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void jitterSpreadsOverTheWholeRange(long seed) {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), new Random(seed));
    long ceiling = backoff.ceilingNanos(4);
    long lowest = Long.MAX_VALUE;
    long highest = 0;
    for (int i = 0; i < 500; i++) {
      long nanos = backoff.delay(4).toNanos();
      lowest = Math.min(lowest, nanos);
      highest = Math.max(highest, nanos);
    }
    assertThat(lowest).isLessThan(ceiling / 10);
    assertThat(highest).isGreaterThan(ceiling - ceiling / 10);
  }

  @Test
  void ceilingsDoubleFromTheInitialDelayUntilTheMaximum() {
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), new Random(1));
    assertThat(LongStream.range(0, 10).map(n -> backoff.ceilingNanos((int) n) / 1_000_000))
        .containsExactly(
            200L, 400L, 800L, 1_600L, 3_200L, 6_400L, 12_800L, 25_600L, 30_000L, 30_000L);
  }

  @Test
  void hugeAttemptsAndDurationsDoNotOverflow() {
    Backoff backoff =
        new Backoff(Duration.ofDays(365 * 100), Duration.ofDays(365 * 200), new Random(1));
    assertThat(backoff.ceilingNanos(1_000_000)).isEqualTo(Duration.ofDays(365 * 200).toNanos());
    assertThat(backoff.delay(Integer.MAX_VALUE))
        .isBetween(Duration.ZERO, Duration.ofDays(365 * 200));
    Backoff forever =
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(Long.MAX_VALUE), new Random(1));
    assertThat(forever.ceilingNanos(100)).isEqualTo(Long.MAX_VALUE);
    assertThat(forever.delay(100)).isGreaterThanOrEqualTo(Duration.ZERO);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(
            () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new Random()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initial=PT2S");
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), new Random());
    assertThatThrownBy(() -> backoff.delay(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
