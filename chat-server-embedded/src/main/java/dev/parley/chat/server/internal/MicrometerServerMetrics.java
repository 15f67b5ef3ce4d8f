package dev.parley.chat.server.internal;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.server.DependencyStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * {@link ServerMetrics} on a Micrometer {@link MeterRegistry}. Only loaded when Micrometer is on
 * the class path and recording was asked for. Thread-safe; meters are created up front (apart from
 * the close-code counters, one per named close code at most), so recording is a lookup-free
 * increment on the stages' threads.
 *
 * <p>Several servers may share a registry (the global one, or two nodes in one process): counters
 * and timers are then shared, and each gauge reports the sum over the servers bound to it, apart
 * from the circuit breakers' state, which reports the worst state of the breakers of that name.
 *
 * <p>The breakers' state is named as Resilience4j's own Micrometer binding names it ({@code
 * resilience4j.circuitbreaker.state}, tags {@code name} and {@code state}), so that dashboards and
 * alerts written for Resilience4j read it; Parley registers it itself, so that it stays one gauge
 * per breaker name however many servers share the registry.
 */
final class MicrometerServerMetrics implements ServerMetrics {
  private static final Duration MIN_EXPECTED = Duration.ofMillis(1);
  private static final Duration MAX_EXPECTED = Duration.ofSeconds(30);

  /** The servers whose gauges each registry reads; guarded by itself. */
  private static final Map<MeterRegistry, SharedGauges> SHARED = new IdentityHashMap<>();

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<Handshake, Counter> handshakes = new EnumMap<>(Handshake.class);
  private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
  private final Map<Append, Timer> appends = new EnumMap<>(Append.class);
  private final Map<HookKind, Map<HookOutcome, Timer>> hooks = new EnumMap<>(HookKind.class);
  private final Map<Integer, Counter> closes = new ConcurrentHashMap<>();
  private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
  private final Counter framesInBinary;
  private final Counter framesInJson;
  private final Counter bytesInBinary;
  private final Counter bytesInJson;
  private final Counter framesOutBinary;
  private final Counter framesOutJson;
  private final Counter bytesOutBinary;
  private final Counter bytesOutJson;
  private final Timer sendAck;
  private final Timer sendDelivery;
  private final DistributionSummary fanOut;
  private final Counter slowConsumers;
  private final Counter rateRefused;
  private final Counter rateClosed;
  private final Counter reconnects;
  private final Counter rejoined;
  private final Counter rejected;
  private final Timer historyOk;
  private final Timer historyError;
  private final Timer busLag;
  private final Counter busResyncs;
  private final Counter catchUpReads;
  private final Counter eventsRelayed;
  private final Counter eventPublishFailures;
  private final Counter eventsDropped;
  private Gauges bound;

  private MicrometerServerMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    for (Handshake h : Handshake.values()) {
      handshakes.put(
          h, counter("parley.handshakes", "Connect handshakes by outcome", "outcome", h));
    }
    for (ErrorCode c : ErrorCode.values()) {
      errors.put(
          c,
          Counter.builder("parley.errors")
              .description("Error frames sent to clients")
              .tag("code", c.name())
              .register(registry));
    }
    for (Append a : Append.values()) {
      appends.put(a, timer("parley.store.append", "The message store's append", "outcome", a));
    }
    for (HookKind k : HookKind.values()) {
      Map<HookOutcome, Timer> byOutcome = new EnumMap<>(HookOutcome.class);
      for (HookOutcome o : HookOutcome.values()) {
        byOutcome.put(
            o,
            Timer.builder("parley.hook.duration")
                .description("Application hook calls")
                .tag("kind", lower(k))
                .tag("outcome", lower(o))
                .publishPercentileHistogram()
                .minimumExpectedValue(MIN_EXPECTED)
                .maximumExpectedValue(MAX_EXPECTED)
                .register(registry));
      }
      hooks.put(k, byOutcome);
    }
    framesInBinary = formatCounter("parley.frames.in", null, "Client frames received", "binary");
    framesInJson = formatCounter("parley.frames.in", null, "Client frames received", "json");
    bytesInBinary =
        formatCounter("parley.frames.in.bytes", "bytes", "Client frame bytes", "binary");
    bytesInJson = formatCounter("parley.frames.in.bytes", "bytes", "Client frame bytes", "json");
    framesOutBinary = formatCounter("parley.frames.out", null, "Frames queued", "binary");
    framesOutJson = formatCounter("parley.frames.out", null, "Frames queued", "json");
    bytesOutBinary = formatCounter("parley.frames.out.bytes", "bytes", "Frame bytes", "binary");
    bytesOutJson = formatCounter("parley.frames.out.bytes", "bytes", "Frame bytes", "json");
    sendAck = timer("parley.send.ack", "From a Send being handled to its SendAck", null, null);
    sendDelivery =
        timer("parley.send.delivery", "From a message's stamp to its fan-out here", null, null);
    fanOut =
        DistributionSummary.builder("parley.fanout.size")
            .description("Members a delivered message was queued for on this node")
            .publishPercentileHistogram()
            .minimumExpectedValue(1.0)
            .maximumExpectedValue(100_000.0)
            .register(registry);
    slowConsumers =
        Counter.builder("parley.slow.consumer.closes")
            .description("Connections closed as slow consumers")
            .register(registry);
    rateRefused =
        counter("parley.rate.limit.refusals", "Requests over the rate limit", "action", "refused");
    rateClosed =
        counter("parley.rate.limit.refusals", "Requests over the rate limit", "action", "closed");
    reconnects =
        Counter.builder("parley.reconnects")
            .description("Accepted Connects that resumed rooms")
            .register(registry);
    rejoined = counter("parley.resumes", "Rooms a Connect resumed", "outcome", "rejoined");
    rejected = counter("parley.resumes", "Rooms a Connect resumed", "outcome", "rejected");
    historyOk = timer("parley.history.reads", "History requests", "outcome", "ok");
    historyError = timer("parley.history.reads", "History requests", "outcome", "error");
    busLag =
        timer("parley.bus.receive.lag", "From a remote message's stamp to its arrival", null, null);
    busResyncs =
        Counter.builder("parley.bus.resyncs")
            .description("Times the bus said events may have been missed")
            .register(registry);
    catchUpReads =
        Counter.builder("parley.catch.up.reads")
            .description("Store reads that fill a gap in a room's seqs")
            .register(registry);
    eventsRelayed =
        Counter.builder("parley.events.relayed")
            .description("Events the relay published and the sink confirmed")
            .register(registry);
    eventPublishFailures =
        Counter.builder("parley.events.publish.failures")
            .description("Batches of events the sink did not confirm (published again)")
            .register(registry);
    eventsDropped =
        Counter.builder("parley.events.dropped")
            .description("Events not written because the outbox was full or unwritable")
            .register(registry);
  }

  /** Metrics on {@code Metrics.globalRegistry}. */
  static ServerMetrics global(Clock clock) {
    return new MicrometerServerMetrics(Metrics.globalRegistry, clock);
  }

  /**
   * Metrics on {@code registry}.
   *
   * @throws IllegalArgumentException if it is not a Micrometer {@code MeterRegistry}
   */
  static ServerMetrics of(Object registry, Clock clock) {
    if (!(registry instanceof MeterRegistry meterRegistry)) {
      throw new IllegalArgumentException(
          "meterRegistry must be an io.micrometer.core.instrument.MeterRegistry, not "
              + registry.getClass().getName());
    }
    return new MicrometerServerMetrics(meterRegistry, clock);
  }

  private Counter counter(String name, String description, String tag, Object value) {
    return Counter.builder(name)
        .description(description)
        .tag(tag, value instanceof Enum<?> e ? lower(e) : value.toString())
        .register(registry);
  }

  private Counter formatCounter(String name, String unit, String description, String format) {
    return Counter.builder(name)
        .description(description)
        .baseUnit(unit)
        .tag("format", format)
        .register(registry);
  }

  private Timer timer(String name, String description, String tag, Object value) {
    Timer.Builder builder =
        Timer.builder(name)
            .description(description)
            .publishPercentileHistogram()
            .minimumExpectedValue(MIN_EXPECTED)
            .maximumExpectedValue(MAX_EXPECTED);
    if (tag != null) {
      builder.tag(tag, value instanceof Enum<?> e ? lower(e) : value.toString());
    }
    return builder.register(registry);
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public long start() {
    return registry.config().clock().monotonicTime();
  }

  private long since(long start) {
    return registry.config().clock().monotonicTime() - start;
  }

  @Override
  public void bind(Gauges gauges) {
    synchronized (SHARED) {
      bound = gauges;
      SharedGauges shared = SHARED.computeIfAbsent(registry, SharedGauges::new);
      shared.servers.add(gauges);
      for (DependencyStatus breaker : gauges.breakers()) {
        shared.breakerState(registry, breaker.name());
      }
    }
  }

  @Override
  public void close() {
    synchronized (SHARED) {
      SharedGauges shared = SHARED.get(registry);
      if (shared == null || bound == null) {
        return;
      }
      shared.servers.remove(bound);
      bound = null;
      if (shared.servers.isEmpty()) {
        shared.meters.forEach(registry::remove);
        SHARED.remove(registry);
      }
    }
  }

  @Override
  public void handshake(Handshake outcome) {
    handshakes.get(outcome).increment();
  }

  @Override
  public void connectionClosed(int code) {
    closes
        .computeIfAbsent(
            code,
            c -> {
              String name = CloseCodes.name(c);
              return Counter.builder("parley.connections.closed")
                  .description("Connections closed, by close code")
                  .tag("code", name.startsWith("CODE_") ? "OTHER" : name)
                  .register(registry);
            })
        .increment();
  }

  @Override
  public void frameIn(boolean json, long bytes) {
    (json ? framesInJson : framesInBinary).increment();
    (json ? bytesInJson : bytesInBinary).increment(bytes);
  }

  @Override
  public void framesOut(boolean json, long frames, long bytes) {
    (json ? framesOutJson : framesOutBinary).increment(frames);
    (json ? bytesOutJson : bytesOutBinary).increment(bytes);
  }

  @Override
  public void sendAcked(long start) {
    sendAck.record(since(start), TimeUnit.NANOSECONDS);
  }

  @Override
  public void delivered(Instant stamped, int recipients) {
    sendDelivery.record(elapsedSince(stamped));
    fanOut.record(recipients);
  }

  private Duration elapsedSince(Instant stamped) {
    Duration elapsed = Duration.between(stamped, clock.instant());
    return elapsed.isNegative() ? Duration.ZERO : elapsed; // another node's clock ahead of ours
  }

  @Override
  public void slowConsumerClosed() {
    slowConsumers.increment();
  }

  @Override
  public void errorSent(ErrorCode code) {
    errors.get(code).increment();
  }

  @Override
  public void rateLimited(boolean closed) {
    (closed ? rateClosed : rateRefused).increment();
  }

  @Override
  public void resumed(int rejoinedRooms, int rejectedRooms) {
    reconnects.increment();
    rejoined.increment(rejoinedRooms);
    rejected.increment(rejectedRooms);
  }

  @Override
  public void historyRead(long start, boolean ok) {
    (ok ? historyOk : historyError).record(since(start), TimeUnit.NANOSECONDS);
  }

  @Override
  public void storeAppend(long start, Append outcome) {
    appends.get(outcome).record(since(start), TimeUnit.NANOSECONDS);
  }

  @Override
  public void busReceived(Instant stamped) {
    busLag.record(elapsedSince(stamped));
  }

  @Override
  public void eventsRelayed(int events) {
    eventsRelayed.increment(events);
  }

  @Override
  public void eventPublishFailed() {
    eventPublishFailures.increment();
  }

  @Override
  public void eventsDropped(int events) {
    eventsDropped.increment(events);
  }

  @Override
  public void busResync() {
    busResyncs.increment();
  }

  @Override
  public void catchUpRead() {
    catchUpReads.increment();
  }

  @Override
  public void breakerRefused(String dependency, Refusal reason) {
    refusals
        .computeIfAbsent(
            dependency + "/" + lower(reason),
            key ->
                Counter.builder("parley.breaker.refusals")
                    .description("Calls a circuit breaker refused without making them")
                    .tag("name", breakerName(dependency))
                    .tag("reason", lower(reason))
                    .register(registry))
        .increment();
  }

  /** A breaker's name in the meters: as Resilience4j knows it. */
  private static String breakerName(String dependency) {
    return "parley-" + dependency;
  }

  @Override
  public void hook(HookKind kind, HookOutcome outcome, long start) {
    hooks.get(kind).get(outcome).record(since(start), TimeUnit.NANOSECONDS);
  }

  /** The gauges of one registry, reading every server bound to it. */
  private static final class SharedGauges {
    /** Breaker states reported, worst first, as Resilience4j names them. */
    private static final List<DependencyStatus.State> BREAKER_STATES =
        List.of(
            DependencyStatus.State.OPEN,
            DependencyStatus.State.HALF_OPEN,
            DependencyStatus.State.CLOSED);

    final List<Gauges> servers = new CopyOnWriteArrayList<>();
    final List<Meter> meters = new ArrayList<>();
    private final Set<String> breakers = new HashSet<>();

    SharedGauges(MeterRegistry registry) {
      gauge(
          registry,
          "parley.connections.open",
          null,
          "Connections open",
          Gauges::connectionsOpen,
          false);
      gauge(
          registry,
          "parley.outbound.queue.bytes",
          "bytes",
          "Bytes queued for clients, all connections",
          Gauges::outboundQueuedBytes,
          false);
      gauge(
          registry,
          "parley.outbound.queue.max.bytes",
          "bytes",
          "The largest one connection's queued bytes",
          Gauges::largestOutboundQueuedBytes,
          true);
      gauge(registry, "parley.rooms.loaded", null, "Rooms loaded", Gauges::roomsLoaded, false);
      gauge(
          registry, "parley.draining", null, "1 while draining", g -> g.draining() ? 1 : 0, false);
      gauge(
          registry,
          "parley.drain.sessions.remaining",
          null,
          "Connections still open while draining",
          g -> g.draining() ? g.connectionsOpen() : 0,
          false);
      // every node over one store sees the same outbox: the largest reading is the outbox's
      gauge(
          registry,
          "parley.events.outbox.events",
          null,
          "Events waiting in the event outbox",
          Gauges::eventOutboxEvents,
          true);
      gauge(
          registry,
          "parley.events.outbox.max.events",
          null,
          "The event outbox's bound",
          Gauges::eventOutboxMaxEvents,
          true);
      gauge(
          registry,
          "parley.events.outbox.oldest.age",
          "seconds",
          "How long the oldest event in the outbox has waited",
          Gauges::eventOutboxOldestSeconds,
          true);
      gauge(
          registry,
          "parley.events.relay.leader",
          null,
          "1 while this node relays events",
          Gauges::eventRelayLeader,
          false);
    }

    private void gauge(
        MeterRegistry registry,
        String name,
        String unit,
        String description,
        ToDoubleFunction<Gauges> read,
        boolean largest) {
      meters.add(
          Gauge.builder(name, servers, list -> combine(list, read, largest))
              .description(description)
              .baseUnit(unit)
              .strongReference(true)
              .register(registry));
    }

    /**
     * Registers the state gauges of the breakers of dependency {@code dependency}, unless they are:
     * one per state, 1 for the worst state among the servers' breakers of that name, 0 for the
     * others (all 0 once no bound server has such a breaker). Called with the lock on {@link
     * #SHARED} held.
     */
    void breakerState(MeterRegistry registry, String dependency) {
      if (!breakers.add(dependency)) {
        return;
      }
      for (DependencyStatus.State state : BREAKER_STATES) {
        meters.add(
            Gauge.builder(
                    "resilience4j.circuitbreaker.state",
                    servers,
                    list -> worstState(list, dependency) == state ? 1 : 0)
                .description("The states of the circuit breaker")
                .tag("name", breakerName(dependency))
                .tag("state", lower(state))
                .strongReference(true)
                .register(registry));
      }
    }

    /** The worst state of the servers' breakers of {@code dependency}, or null if none has one. */
    private static DependencyStatus.State worstState(List<Gauges> servers, String dependency) {
      DependencyStatus.State worst = null;
      for (Gauges g : servers) {
        for (DependencyStatus breaker : g.breakers()) {
          if (breaker.name().equals(dependency)
              && (worst == null
                  || BREAKER_STATES.indexOf(breaker.state()) < BREAKER_STATES.indexOf(worst))) {
            worst = breaker.state();
          }
        }
      }
      return worst;
    }

    /** The sum over the servers, or with {@code largest} the largest value. */
    private static double combine(
        List<Gauges> servers, ToDoubleFunction<Gauges> read, boolean largest) {
      double result = 0;
      for (Gauges g : servers) {
        double value = read.applyAsDouble(g);
        result = largest ? Math.max(result, value) : result + value;
      }
      return result;
    }
  }
}
