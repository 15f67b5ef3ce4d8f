package dev.parley.chat.server.internal;

import dev.parley.chat.api.MessageId;
import java.time.Clock;
import java.util.Random;

/**
 * Makes message ids that sort roughly by time: 10 characters of milliseconds and 16 of randomness,
 * in Crockford base 32 (26 characters, like a ULID). Thread-safe: {@link Random} is.
 */
final class MessageIdGenerator {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private final Clock clock;
  private final Random random;

  MessageIdGenerator(Clock clock, Random random) {
    this.clock = clock;
    this.random = random;
  }

  MessageId next() {
    char[] out = new char[26];
    long time = clock.millis();
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    long high = random.nextLong();
    long low = random.nextLong();
    for (int i = 10; i < 26; i++) {
      long source = i < 18 ? high : low;
      int shift = ((i - 10) % 8) * 5;
      out[i] = ALPHABET[(int) ((source >>> shift) & 31)];
    }
    return new MessageId(new String(out));
  }
}
