package dev.parley.chat.server.internal;

/**
 * A token bucket: {@code perSecond} tokens a second, at most {@code burst} saved up, full at first.
 * Time is passed in (milliseconds of the server's clock), so the bucket is deterministic under a
 * manual clock; it counts in thousandths of a token, so that the arithmetic is exact. Not
 * thread-safe: the owner serialises calls.
 */
final class TokenBucket {
  private static final long TOKEN = 1000; // thousandths: a millisecond adds perSecond of them

  private final long gainPerMilli;
  private final long capacity;
  private long level;
  private long lastRefill;

  TokenBucket(int perSecond, int burst, long nowMillis) {
    if (perSecond < 1 || burst < perSecond) {
      throw new IllegalArgumentException(
          "a bucket needs perSecond >= 1 and burst >= perSecond, was " + perSecond + ", " + burst);
    }
    this.gainPerMilli = perSecond;
    this.capacity = burst * TOKEN;
    this.level = capacity;
    this.lastRefill = nowMillis;
  }

  /**
   * Takes one token.
   *
   * @return 0 when a token was taken; otherwise the milliseconds (at least 1) until one is there
   */
  long tryTake(long nowMillis) {
    refill(nowMillis);
    if (level >= TOKEN) {
      level -= TOKEN;
      return 0;
    }
    return (TOKEN - level + gainPerMilli - 1) / gainPerMilli; // at least 1: level < TOKEN
  }

  /** Whether the bucket is full at {@code nowMillis}: it has nothing to remember. */
  boolean isFull(long nowMillis) {
    refill(nowMillis);
    return level >= capacity;
  }

  private void refill(long nowMillis) {
    if (nowMillis > lastRefill) {
      long elapsed = nowMillis - lastRefill;
      long toFill = (capacity - level + gainPerMilli - 1) / gainPerMilli; // ms until full
      // compared first, so that the product cannot overflow for any rate or pause
      level = elapsed >= toFill ? capacity : level + elapsed * gainPerMilli;
      lastRefill = nowMillis;
    }
  }
}
