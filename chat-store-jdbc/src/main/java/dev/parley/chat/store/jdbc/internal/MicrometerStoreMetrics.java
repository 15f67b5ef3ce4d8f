package dev.parley.chat.store.jdbc.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * {@link StoreMetrics} on a Micrometer registry; loaded only when Micrometer is present and asked
 * for. Thread-safe. Stores sharing a registry share the counters and timers; the queue-depth gauge
 * sums over them.
 */
final class MicrometerStoreMetrics implements StoreMetrics {
  /** Each registry's queue-depth gauge and the stores it reads; guarded by itself. */
  private static final Map<MeterRegistry, Depths> DEPTHS = new IdentityHashMap<>();

  private final MeterRegistry registry;
  private final Timer committed;
  private final Timer failed;
  private final DistributionSummary batchSize;
  private final Map<Failure, Counter> failures = new EnumMap<>(Failure.class);
  private final Counter cacheReads;
  private final Counter databaseReads;
  private IntSupplier bound;

  private MicrometerStoreMetrics(MeterRegistry registry) {
    this.registry = registry;
    committed = commitTimer("committed");
    failed = commitTimer("failed");
    batchSize =
        DistributionSummary.builder("parley.store.jdbc.batch.size")
            .description("Appends committed together in one transaction")
            .publishPercentileHistogram()
            .minimumExpectedValue(1.0)
            .maximumExpectedValue(10_000.0)
            .register(registry);
    for (Failure f : Failure.values()) {
      failures.put(
          f,
          Counter.builder("parley.store.jdbc.append.failures")
              .description("Appends that failed, by reason")
              .tag("reason", f.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
    cacheReads = reads("cache");
    databaseReads = reads("database");
  }

  static Object globalRegistry() {
    return Metrics.globalRegistry;
  }

  static StoreMetrics global() {
    return new MicrometerStoreMetrics(Metrics.globalRegistry);
  }

  static StoreMetrics of(Object registry) {
    if (!(registry instanceof MeterRegistry meterRegistry)) {
      throw new IllegalArgumentException(
          "meterRegistry must be an io.micrometer.core.instrument.MeterRegistry, not "
              + registry.getClass().getName());
    }
    return new MicrometerStoreMetrics(meterRegistry);
  }

  private Timer commitTimer(String outcome) {
    return Timer.builder("parley.store.jdbc.commit")
        .description("One group-commit transaction of the append writer")
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  private Counter reads(String source) {
    return Counter.builder("parley.store.jdbc.reads")
        .description("History and position reads, by where they were answered")
        .tag("source", source)
        .register(registry);
  }

  @Override
  public long start() {
    return registry.config().clock().monotonicTime();
  }

  @Override
  public void transaction(int size, long start, boolean ok) {
    long nanos = registry.config().clock().monotonicTime() - start;
    (ok ? committed : failed).record(nanos, TimeUnit.NANOSECONDS);
    if (ok) {
      batchSize.record(size);
    }
  }

  @Override
  public void appendFailed(Failure reason) {
    failures.get(reason).increment();
  }

  @Override
  public void read(boolean fromCache) {
    (fromCache ? cacheReads : databaseReads).increment();
  }

  @Override
  public void bindQueueDepth(IntSupplier waiting) {
    synchronized (DEPTHS) {
      bound = waiting;
      DEPTHS.computeIfAbsent(registry, Depths::new).stores.add(waiting);
    }
  }

  @Override
  public void close() {
    synchronized (DEPTHS) {
      Depths depths = DEPTHS.get(registry);
      if (depths == null || bound == null) {
        return;
      }
      depths.stores.remove(bound);
      bound = null;
      if (depths.stores.isEmpty()) {
        registry.remove(depths.gauge);
        DEPTHS.remove(registry);
      }
    }
  }

  /** One registry's queue-depth gauge, summing over the stores bound to it. */
  private static final class Depths {
    final List<IntSupplier> stores = new CopyOnWriteArrayList<>();
    final Gauge gauge;

    Depths(MeterRegistry registry) {
      gauge =
          Gauge.builder(
                  "parley.store.jdbc.queue.depth",
                  stores,
                  list -> list.stream().mapToInt(IntSupplier::getAsInt).sum())
              .description("Appends waiting for a writer, over all writer queues")
              .strongReference(true)
              .register(registry);
    }
  }
}
