package dev.parley.chat.testkit.transport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Waits for a condition with Awaitility, failing with a description at the deadline. */
final class Poll {
  private static final Duration INTERVAL = Duration.ofMillis(5);

  private Poll() {}

  /** Returns as soon as {@code condition} holds; fails after {@code timeout}. */
  static void until(String description, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    try {
      Awaitility.await(description)
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(INTERVAL)
          .until(condition::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("timed out after " + timeout + " waiting until " + description, e);
    }
  }
}
