package dev.parley.chat.cluster.redis.internal;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * What the Redis bus records: the one place Micrometer is reached from, so that a bus without
 * Micrometer on its class path loads no Micrometer class. {@link #NONE} records nothing.
 * Thread-safe and non-blocking (called on Lettuce's I/O threads). The meters are listed in {@code
 * docs/metrics.md}.
 */
public interface BusMetrics {
  /** Records nothing. */
  BusMetrics NONE = new BusMetrics() {};

  /** Stands for {@code Metrics.globalRegistry}, without naming a Micrometer type. */
  Object GLOBAL_REGISTRY =
      new Object() {
        @Override
        public String toString() {
          return "Metrics.globalRegistry (when Micrometer is on the class path)";
        }
      };

  /**
   * The metrics of one bus.
   *
   * @param registry a Micrometer {@code MeterRegistry}, {@link #GLOBAL_REGISTRY}, or {@code null}
   */
  static BusMetrics create(Object registry) {
    if (registry == null) {
      return NONE;
    }
    if (registry == GLOBAL_REGISTRY) {
      return micrometerPresent() ? MicrometerBusMetrics.global() : NONE;
    }
    return MicrometerBusMetrics.of(registry);
  }

  private static boolean micrometerPresent() {
    try {
      Class.forName(
          "io.micrometer.core.instrument.MeterRegistry", false, BusMetrics.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** A start time from the registry's monotonic clock; 0 without metrics. */
  default long start() {
    return 0;
  }

  /** A publish begun at {@code start} was answered by Redis, or failed. */
  default void published(long start, boolean ok) {}

  /** Starts reading the gauges, until {@link #close()}; a second call does nothing. */
  default void bind(IntSupplier pendingEvents, BooleanSupplier leaseCurrent) {}

  default void close() {}
}
