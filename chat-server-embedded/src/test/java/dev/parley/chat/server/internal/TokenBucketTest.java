package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link TokenBucket}'s arithmetic: exact retry-afters, refills, and no overflow at any rate. */
class TokenBucketTest {
  @Test
  void aFullBucketGivesItsBurstThenSaysWhenTheNextTokenComes() {
    TokenBucket bucket = new TokenBucket(3, 5, 0);
    for (int i = 0; i < 5; i++) {
      assertThat(bucket.tryTake(0)).isZero();
    }
    assertThat(bucket.tryTake(0)).as("1000/3 ms, rounded up").isEqualTo(334);
    assertThat(bucket.tryTake(333)).isEqualTo(1);
    assertThat(bucket.tryTake(334)).isZero();
    assertThat(bucket.isFull(334)).isFalse();
    assertThat(bucket.isFull(334 + 5 * 334)).isTrue();
  }

  @Test
  void refillsNeverPassTheBurst() {
    TokenBucket bucket = new TokenBucket(10, 10, 0);
    assertThat(bucket.tryTake(0)).isZero();
    assertThat(bucket.isFull(1_000_000)).isTrue();
    for (int i = 0; i < 10; i++) {
      assertThat(bucket.tryTake(1_000_000)).isZero();
    }
    assertThat(bucket.tryTake(1_000_000)).isEqualTo(100);
  }

  @Test
  void theLargestRatesAndLongestPausesDoNotOverflow() {
    TokenBucket bucket = new TokenBucket(Integer.MAX_VALUE, Integer.MAX_VALUE, 0);
    assertThat(bucket.tryTake(0)).isZero();
    assertThat(bucket.isFull(Long.MAX_VALUE / 2)).isTrue();
    assertThat(bucket.tryTake(Long.MAX_VALUE / 2)).isZero();
  }

  @Test
  void aBurstBelowTheRateIsRefused() {
    assertThatThrownBy(() -> new TokenBucket(5, 4, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a bucket needs perSecond >= 1 and burst >= perSecond, was 5, 4");
  }
}
