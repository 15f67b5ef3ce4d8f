package dev.parley.chat.testkit.transport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling it, failing with a description at the deadline. */
final class Poll {
  private static final long INTERVAL_MILLIS = 5;

  private Poll() {}

  /** Returns as soon as {@code condition} holds; fails after {@code timeout}. */
  static void until(String description, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + description);
      }
      Thread.sleep(INTERVAL_MILLIS);
    }
  }
}
