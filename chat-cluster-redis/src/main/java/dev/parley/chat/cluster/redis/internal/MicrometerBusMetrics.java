package dev.parley.chat.cluster.redis.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * {@link BusMetrics} on a Micrometer registry; loaded only when Micrometer is present and asked
 * for. Thread-safe. Buses sharing a registry (two nodes in one process) share the timers; each
 * gauge sums over them.
 */
final class MicrometerBusMetrics implements BusMetrics {
  /** Each registry's gauges and the buses they read; guarded by itself. */
  private static final Map<MeterRegistry, Shared> SHARED = new IdentityHashMap<>();

  private final MeterRegistry registry;
  private final Timer ok;
  private final Timer failed;
  private Bound bound;

  private MicrometerBusMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.ok = publishTimer("ok");
    this.failed = publishTimer("failed");
  }

  static BusMetrics global() {
    return new MicrometerBusMetrics(Metrics.globalRegistry);
  }

  static BusMetrics of(Object registry) {
    if (!(registry instanceof MeterRegistry meterRegistry)) {
      throw new IllegalArgumentException(
          "meterRegistry must be an io.micrometer.core.instrument.MeterRegistry, not "
              + registry.getClass().getName());
    }
    return new MicrometerBusMetrics(meterRegistry);
  }

  private Timer publishTimer(String outcome) {
    return Timer.builder("parley.bus.publish")
        .description("From publishing an event to Redis's reply")
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  @Override
  public long start() {
    return registry.config().clock().monotonicTime();
  }

  @Override
  public void published(long start, boolean succeeded) {
    long nanos = registry.config().clock().monotonicTime() - start;
    (succeeded ? ok : failed).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void bind(IntSupplier pendingEvents, BooleanSupplier leaseCurrent) {
    synchronized (SHARED) {
      if (bound != null) {
        return; // a start retried after Redis was down
      }
      bound = new Bound(pendingEvents, leaseCurrent);
      SHARED.computeIfAbsent(registry, Shared::new).buses.add(bound);
    }
  }

  @Override
  public void close() {
    synchronized (SHARED) {
      Shared shared = SHARED.get(registry);
      if (shared == null || bound == null) {
        return;
      }
      shared.buses.remove(bound);
      bound = null;
      if (shared.buses.isEmpty()) {
        shared.meters.forEach(registry::remove);
        SHARED.remove(registry);
      }
    }
  }

  private record Bound(IntSupplier pendingEvents, BooleanSupplier leaseCurrent) {}

  /** One registry's gauges, summing over the buses bound to it. */
  private static final class Shared {
    final List<Bound> buses = new CopyOnWriteArrayList<>();
    final List<Meter> meters;

    Shared(MeterRegistry registry) {
      meters =
          List.of(
              Gauge.builder(
                      "parley.bus.pending.events",
                      buses,
                      list -> list.stream().mapToInt(b -> b.pendingEvents().getAsInt()).sum())
                  .description("Events received from Redis and not yet handled")
                  .strongReference(true)
                  .register(registry),
              Gauge.builder(
                      "parley.bus.lease.current",
                      buses,
                      list -> list.stream().filter(b -> b.leaseCurrent().getAsBoolean()).count())
                  .description("Buses holding a current lease in Redis (1 per node)")
                  .strongReference(true)
                  .register(registry));
    }
  }
}
