package dev.parley.chat.client.internal;

import dev.parley.chat.api.ClientMessageId;
import java.util.Random;

/**
 * Chooses client message ids for sends that did not bring their own: a random prefix per session
 * (12 characters from the injected {@link Random}, about 71 bits) and a counter, such as {@code
 * k3Fh0aZq81Lx-1b}. Every character is valid in a {@link ClientMessageId}. Not thread-safe: guarded
 * by the session's lock.
 */
final class ClientMessageIds {
  private static final String ALPHABET =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  static final int PREFIX_LENGTH = 12;

  private final String prefix;
  private long counter;

  ClientMessageIds(Random random) {
    StringBuilder text = new StringBuilder(PREFIX_LENGTH);
    for (int i = 0; i < PREFIX_LENGTH; i++) {
      text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    this.prefix = text.toString();
  }

  ClientMessageId next() {
    counter++;
    return ClientMessageId.of(prefix + "-" + Long.toString(counter, Character.MAX_RADIX));
  }
}
