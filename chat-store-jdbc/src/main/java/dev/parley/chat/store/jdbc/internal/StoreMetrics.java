package dev.parley.chat.store.jdbc.internal;

import java.util.function.IntSupplier;

/**
 * What the JDBC store records: the one place Micrometer is reached from, so that a store without
 * Micrometer on its class path loads no Micrometer class. {@link #NONE} records nothing.
 * Thread-safe and non-blocking; called on the writer, reader and caller threads. The meters are
 * listed in {@code docs/metrics.md}.
 */
public interface StoreMetrics {
  /** Why an append failed. */
  enum Failure {
    /** The database refused it (or could not be reached). */
    DATABASE,
    /** An earlier append of the same sender to the room failed (decision 0014). */
    FENCED,
    /** The writer's queue was full. */
    QUEUE_FULL
  }

  /** Records nothing. */
  StoreMetrics NONE = new StoreMetrics() {};

  /** Stands for {@code Metrics.globalRegistry}, without naming a Micrometer type. */
  Object GLOBAL_REGISTRY =
      new Object() {
        @Override
        public String toString() {
          return "Metrics.globalRegistry (when Micrometer is on the class path)";
        }
      };

  /**
   * The metrics of one store.
   *
   * @param registry a Micrometer {@code MeterRegistry}, {@link #GLOBAL_REGISTRY}, or {@code null}
   */
  static StoreMetrics create(Object registry) {
    if (registry == null) {
      return NONE;
    }
    if (registry == GLOBAL_REGISTRY) {
      return micrometerPresent() ? MicrometerStoreMetrics.global() : NONE;
    }
    return MicrometerStoreMetrics.of(registry);
  }

  /**
   * The Micrometer {@code MeterRegistry} that {@code registry} stands for (resolving {@link
   * #GLOBAL_REGISTRY}), or null when nothing is recorded; typed {@code Object} so that this class
   * loads without Micrometer.
   */
  static Object resolve(Object registry) {
    if (registry == null) {
      return null;
    }
    if (registry == GLOBAL_REGISTRY) {
      return micrometerPresent() ? MicrometerStoreMetrics.globalRegistry() : null;
    }
    return registry;
  }

  private static boolean micrometerPresent() {
    try {
      Class.forName(
          "io.micrometer.core.instrument.MeterRegistry",
          false,
          StoreMetrics.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** A start time from the registry's monotonic clock; 0 without metrics. */
  default long start() {
    return 0;
  }

  /** A group-commit transaction of {@code size} appends, begun at {@code start}, ended. */
  default void transaction(int size, long start, boolean committed) {}

  default void appendFailed(Failure reason) {}

  /** A read or position answered from the cache, or from the database. */
  default void read(boolean fromCache) {}

  /** Starts reading the queue depth from {@code waiting}, until {@link #close()}. */
  default void bindQueueDepth(IntSupplier waiting) {}

  default void close() {}
}
