package dev.parley.chat.benchmarks.load;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.events.rabbitmq.RabbitMqEventSink;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.EventOptions;
import dev.parley.chat.spi.EventOutbox;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What turning events on costs a send: send-to-ack latency with the JDBC store, events off (the
 * baseline), events on with the RabbitMQ sink publishing to a real broker, and events on with the
 * broker down (the sink pointed at a port where nothing listens, so the outbox grows and the relay
 * keeps failing and retrying), all in one run; and the baseline a second time, as a control that
 * shows how far two runs of the same configuration differ on this machine.
 *
 * <p>Each configuration runs on a fresh server on loopback in this JVM with a fresh {@link
 * JdbcMessageStore} (a new PostgreSQL schema, a new H2 file), so no outbox backlog carries over.
 * Real {@link ChatClient} sessions, two in each of {@value #ROOMS} rooms, send at a fixed rate
 * whatever the server does (open loop; rooms and senders take turns); each send's latency is from
 * its intended send time to its {@code SendAck}, so a stalled server or a late sender shows up as
 * latency. The configurations take turns, in a rotated order each round (A B C D, B C D A...), and
 * the table shows each figure's median over the rounds, with every run listed below it. A first
 * run, not counted, warms the JVM up.
 *
 * <p>Each run ends by showing that the sink really worked or really was down: the events left in
 * the outbox, the events the sink confirmed, the failed publishes, and (broker up) the messages in
 * a durable queue bound to {@code message.stored.#}, against the sends acknowledged.
 *
 * <p>PostgreSQL: {@code PARLEY_BENCH_PG_URL}, {@code PARLEY_BENCH_PG_USER}, {@code
 * PARLEY_BENCH_PG_PASSWORD} (default {@code jdbc:postgresql://127.0.0.1:5432/test} as {@code
 * postgres}); RabbitMQ: {@code PARLEY_BENCH_AMQP_URI} (default {@code
 * amqp://guest:guest@127.0.0.1:5672/%2f}). What is not reachable is skipped, with the reason. Not
 * thread-safe: one run per process.
 */
final class EventsBenchmark {
  static final int ROOMS = 8;
  static final int SENDERS_PER_ROOM = 2;
  private static final String TEXT = "x".repeat(100);
  private static final String EXCHANGE = "parley.bench.events";
  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(1);
  private static final Duration DRAIN = Duration.ofSeconds(30);
  private static final Duration RELAY_DRAIN = Duration.ofSeconds(30);

  private static final String PG_URL =
      System.getenv().getOrDefault("PARLEY_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String PG_USER =
      System.getenv().getOrDefault("PARLEY_BENCH_PG_USER", "postgres");
  private static final String PG_PASSWORD =
      System.getenv().getOrDefault("PARLEY_BENCH_PG_PASSWORD", "");
  private static final String AMQP_URI =
      System.getenv()
          .getOrDefault("PARLEY_BENCH_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/%2f");

  /**
   * The configurations. {@link #OFF_AGAIN} is the baseline measured a second time each round, an
   * A/A control: how far two runs of the very same thing differ here is the noise any other
   * comparison is read against.
   */
  enum Config {
    OFF("events off (baseline)"),
    OFF_AGAIN("events off again (A/A control)"),
    BROKER_UP("events on, RabbitMQ up"),
    BROKER_DOWN("events on, broker down");

    final String label;

    Config(String label) {
      this.label = label;
    }
  }

  /** A database the store runs on: opens a fresh store for run {@code n}, cleans up after it. */
  private record Database(
      String name,
      BiFunction<Integer, MeterRegistry, MessageStore> open,
      IntFunction<Void> cleanup) {}

  /** What one run measured. */
  record Run(
      String database,
      Config config,
      int round,
      Histogram latencyMicros,
      long acked,
      long errors,
      long maxLagMicros,
      long outboxLeft,
      long relayed,
      long relayedBatches,
      long failedPublishes,
      long atBroker,
      Cpu cpu,
      Commits commits) {
    double millis(double percentile) {
      return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    double maxMillis() {
      return latencyMicros.getMaxValue() / 1000.0;
    }
  }

  /**
   * Where the CPU went during a run's sends, in cores (1.0 = one core busy the whole time; -1 when
   * unknown): this JVM (server, relay, sink and clients), PostgreSQL's processes, RabbitMQ's, the
   * whole machine, and this JVM per thread group.
   */
  record Cpu(
      double jvm, double postgres, double rabbitMq, double machine, Map<String, Double> threads) {
    static Cpu between(MachineCpu before, MachineCpu after) {
      return new Cpu(
          after.processCoresSince(before, MachineCpu.THIS_JVM),
          after.processCoresSince(before, MachineCpu.POSTGRES),
          after.processCoresSince(before, MachineCpu.RABBITMQ),
          after.machineCoresSince(before, Runtime.getRuntime().availableProcessors()),
          after.threadCoresSince(before));
    }

    /** What the rest of the machine used: everything but this JVM, PostgreSQL and RabbitMQ. */
    double others() {
      if (machine < 0 || jvm < 0) {
        return -1;
      }
      return Math.max(0, machine - jvm - Math.max(0, postgres) - Math.max(0, rabbitMq));
    }
  }

  /**
   * The store's group-commit transactions while sending (its {@code parley.store.jdbc.commit} timer
   * and {@code parley.store.jdbc.batch.size}): how long the append transaction took, which with
   * events on holds the outbox INSERT too.
   */
  record Commits(long count, double totalMillis, double appends) {
    static Commits of(MeterRegistry registry) {
      Timer t = registry.find("parley.store.jdbc.commit").tag("outcome", "committed").timer();
      var sizes = registry.find("parley.store.jdbc.batch.size").summary();
      return new Commits(
          t == null ? 0 : t.count(),
          t == null ? 0 : t.totalTime(TimeUnit.NANOSECONDS) / 1e6,
          sizes == null ? 0 : sizes.totalAmount());
    }

    Commits since(Commits earlier) {
      return new Commits(
          count - earlier.count, totalMillis - earlier.totalMillis, appends - earlier.appends);
    }

    double meanMillis() {
      return count == 0 ? Double.NaN : totalMillis / count;
    }

    double appendsPerCommit() {
      return count == 0 ? Double.NaN : appends / count;
    }
  }

  private final boolean longMode;
  private final PrintStream out;
  private final double rate;
  private final int rounds;
  private final List<String> databases;
  private final List<Run> runs = new ArrayList<>();
  private int runNumber;

  /**
   * @param rate sends per second over all rooms; 0 for the default (300)
   * @param rounds how often each configuration is measured; 0 for the default (3)
   * @param databases among {@code pg} and {@code h2}; empty for both
   */
  EventsBenchmark(
      boolean longMode, PrintStream out, double rate, int rounds, List<String> databases) {
    this.longMode = longMode;
    this.out = out;
    this.rate = rate > 0 ? rate : 300;
    this.rounds = rounds > 0 ? rounds : 3;
    this.databases = databases.isEmpty() ? List.of("pg", "h2") : List.copyOf(databases);
    for (String d : this.databases) {
      if (!d.equals("pg") && !d.equals("h2")) {
        throw new IllegalArgumentException("databases are pg and h2, not '" + d + "'");
      }
    }
  }

  void run() throws Exception {
    Duration warmUp = Duration.ofSeconds(longMode ? 5 : 3);
    Duration measure = Duration.ofSeconds(longMode ? 20 : 8);
    Path dir = Files.createTempDirectory("parley-events-bench");
    String loadBefore = loadAverage();
    long started = System.nanoTime();
    try {
      List<Database> dbs = new ArrayList<>();
      List<String> skipped = new ArrayList<>();
      if (databases.contains("pg")) {
        String problem = postgresProblem();
        if (problem == null) {
          dbs.add(postgres());
        } else {
          skipped.add("PostgreSQL skipped: " + problem);
        }
      }
      if (databases.contains("h2")) {
        dbs.add(
            new Database(
                "H2 file",
                (n, registry) ->
                    JdbcMessageStore.builder()
                        .h2File(dir.resolve("h2-" + n))
                        .meterRegistry(registry)
                        .build(),
                n -> null));
      }
      String brokerProblem = brokerProblem();
      List<Config> configs = new ArrayList<>(List.of(Config.values()));
      if (brokerProblem != null) {
        configs.remove(Config.BROKER_UP);
        skipped.add("'" + Config.BROKER_UP.label + "' skipped: " + brokerProblem);
      }
      out.printf(
          Locale.ROOT,
          "Parley events benchmark (%s mode): send-to-ack latency, open loop at %.0f sends/s over"
              + " %d rooms x %d sessions, %d-byte texts; warm-up %d s, measured %d s per run, %d"
              + " rounds; %d cores, Java %s; load average before: %s%n",
          longMode ? "long" : "short",
          rate,
          ROOMS,
          SENDERS_PER_ROOM,
          TEXT.length(),
          warmUp.toSeconds(),
          measure.toSeconds(),
          rounds,
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"),
          loadBefore);
      skipped.forEach(out::println);
      if (dbs.isEmpty()) {
        return;
      }
      MachineCpu quietBefore = MachineCpu.sample();
      Thread.sleep(3_000);
      Cpu idle = Cpu.between(quietBefore, MachineCpu.sample());
      out.printf(
          Locale.ROOT,
          "  before the runs, for 3 s: the machine busy %s cores of %d, PostgreSQL %s, RabbitMQ"
              + " %s%n",
          cores(idle.machine()),
          Runtime.getRuntime().availableProcessors(),
          cores(idle.postgres()),
          cores(idle.rabbitMq()));
      // the JVM's warm-up: the send path, the store and the relay compiled before anything counts
      Config warm = configs.contains(Config.BROKER_UP) ? Config.BROKER_UP : Config.BROKER_DOWN;
      for (Database db : dbs) {
        out.printf(Locale.ROOT, "  warming up (%s, %s, not counted)...%n", db.name(), warm.label);
        measure(db, warm, 0, Duration.ofSeconds(3), Duration.ofSeconds(3));
        for (int round = 1; round <= rounds; round++) {
          for (Config config : rotated(configs, round - 1)) {
            out.printf(Locale.ROOT, "  %s, round %d: %s...%n", db.name(), round, config.label);
            runs.add(measure(db, config, round, warmUp, measure));
          }
        }
      }
      print(configs);
      out.printf(
          Locale.ROOT,
          "%ntook %d s; load average after: %s%n",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
          loadAverage());
    } finally {
      deleteExchange();
      deleteTree(dir);
    }
  }

  /** {@code configs} started at position {@code shift}: A B C D, then B C D A, then C D A B... */
  static <T> List<T> rotated(List<T> configs, int shift) {
    List<T> r = new ArrayList<>(configs.size());
    for (int i = 0; i < configs.size(); i++) {
      r.add(configs.get((i + shift) % configs.size()));
    }
    return r;
  }

  private Database postgres() {
    Map<Integer, String> schemas = new java.util.concurrent.ConcurrentHashMap<>();
    return new Database(
        "PostgreSQL",
        (n, registry) -> {
          String schema = "parley_bench_ev_" + UUID.randomUUID().toString().replace("-", "");
          schemas.put(n, schema);
          return JdbcMessageStore.builder()
              .jdbcUrl(PG_URL, PG_USER, PG_PASSWORD)
              .schema(schema)
              .meterRegistry(registry)
              .build();
        },
        n -> {
          String schema = schemas.remove(n);
          if (schema != null) {
            dropSchema(schema);
          }
          return null;
        });
  }

  private Run measure(Database db, Config config, int round, Duration warmUp, Duration measure)
      throws Exception {
    int n = ++runNumber;
    String queue = null;
    CountingEventSink sink = null;
    if (config == Config.BROKER_UP) {
      queue = declareQueue();
      sink =
          new CountingEventSink(
              RabbitMqEventSink.builder().uri(AMQP_URI).exchange(EXCHANGE).build());
    } else if (config == Config.BROKER_DOWN) {
      sink =
          new CountingEventSink(
              RabbitMqEventSink.builder()
                  .uri("amqp://guest:guest@127.0.0.1:" + deadPort() + "/%2f")
                  .exchange(EXCHANGE)
                  .build());
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (MessageStore store = db.open().apply(n, registry);
        ChatServer server = server(store, sink).start();
        ChatClient client = ChatClient.builder().endpoint(server.webSocketUri()).build()) {
      List<RoomHandle> handles = new ArrayList<>();
      for (int s = 0; s < SENDERS_PER_ROOM; s++) {
        for (int r = 0; r < ROOMS; r++) {
          ChatSession session =
              client
                  .connect("user-" + r + "-" + s, new ChatListener() {})
                  .get(30, TimeUnit.SECONDS);
          handles.add(session.join(RoomId.of("bench-" + r)).get(30, TimeUnit.SECONDS));
        }
      }
      Thread.sleep(500); // the joins' events on their way
      Loop loop = new Loop(handles, rate);
      Commits commitsBefore = Commits.of(registry);
      MachineCpu before = MachineCpu.sample();
      loop.run(warmUp, measure);
      MachineCpu after = MachineCpu.sample();
      Commits commits = Commits.of(registry).since(commitsBefore);
      loop.drain(DRAIN);
      EventOutbox outbox = store.outbox().orElseThrow();
      long left = outbox.backlog().get(10, TimeUnit.SECONDS).events();
      if (config == Config.BROKER_UP) {
        long deadline = System.nanoTime() + RELAY_DRAIN.toNanos();
        while (left > 0 && System.nanoTime() < deadline) {
          Thread.sleep(100);
          left = outbox.backlog().get(10, TimeUnit.SECONDS).events();
        }
      }
      long atBroker = queue == null ? -1 : queueDepth(queue);
      return new Run(
          db.name(),
          config,
          round,
          loop.latency(),
          loop.acked(),
          loop.errors(),
          loop.maxLagMicros(),
          left,
          sink == null ? 0 : sink.confirmed(),
          sink == null ? 0 : sink.confirmedBatches(),
          sink == null ? 0 : sink.failedBatches(),
          atBroker,
          Cpu.between(before, after),
          commits);
    } finally {
      if (queue != null) {
        deleteQueue(queue);
      }
      db.cleanup().apply(n);
    }
  }

  private static ChatServer server(MessageStore store, CountingEventSink sink) {
    ChatServerBuilder b =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .disableHttp()
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .requestRate(1_000_000, 1_000_000)
            .userSendRate(1_000_000, 1_000_000)
            .messageStore(store);
    if (sink != null) {
      b.events(EventOptions.builder(sink).build());
    }
    return b.build();
  }

  /**
   * The open loop: send {@code i} is due at {@code start + i / rate}, goes to room {@code i %
   * rooms} from that room's senders in turn, and its latency runs from when it was due to its ack.
   * Sends on the caller's thread; acks are counted on the client's threads. Thread-safe counters.
   */
  private static final class Loop {
    private final List<RoomHandle> handles;
    private final double periodNanos;
    private final Recorder recorder = new Recorder(MAX_MICROS, 3);
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private long maxLagNanos;

    Loop(List<RoomHandle> handles, double rate) {
      this.handles = handles;
      this.periodNanos = 1e9 / rate;
    }

    void run(Duration warmUp, Duration measure) {
      long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
      long measureStart = start + warmUp.toNanos();
      long end = measureStart + measure.toNanos();
      for (long i = 0; ; i++) {
        long intended = start + (long) (i * periodNanos);
        if (intended >= end) {
          break;
        }
        long now = System.nanoTime();
        while (intended > now) {
          LockSupport.parkNanos(intended - now);
          now = System.nanoTime();
        }
        boolean counted = intended >= measureStart;
        if (counted) {
          maxLagNanos = Math.max(maxLagNanos, now - intended);
        }
        int room = (int) (i % ROOMS);
        int sender = (int) ((i / ROOMS) % SENDERS_PER_ROOM);
        RoomHandle handle = handles.get(sender * ROOMS + room);
        inFlight.incrementAndGet();
        handle
            .send(TEXT)
            .whenComplete(
                (receipt, failure) -> {
                  long took = System.nanoTime() - intended;
                  if (failure != null) {
                    errors.incrementAndGet();
                  } else {
                    acked.incrementAndGet();
                    if (counted) {
                      recorder.recordValue(
                          Math.min(MAX_MICROS, TimeUnit.NANOSECONDS.toMicros(took)));
                    }
                  }
                  inFlight.decrementAndGet();
                });
      }
    }

    void drain(Duration patience) throws InterruptedException {
      long deadline = System.nanoTime() + patience.toNanos();
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }

    Histogram latency() {
      return recorder.getIntervalHistogram();
    }

    long acked() {
      return acked.get();
    }

    long errors() {
      return errors.get() + inFlight.get();
    }

    long maxLagMicros() {
      return TimeUnit.NANOSECONDS.toMicros(maxLagNanos);
    }
  }

  // --- the tables ---

  private void print(List<Config> configs) {
    out.println();
    out.println(
        "| database | configuration | sends measured | p50 ms | p90 ms | p99 ms | max ms"
            + " | p50 / off | p99 / off | other load, cores |");
    out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    List<String> verdicts = new ArrayList<>();
    for (String database : runs.stream().map(Run::database).distinct().toList()) {
      List<Run> off = of(database, Config.OFF);
      double offP50 = median(off, r -> r.millis(50));
      double offP99 = median(off, r -> r.millis(99));
      for (Config config : configs) {
        List<Run> rs = of(database, config);
        double p50 = median(rs, r -> r.millis(50));
        double p99 = median(rs, r -> r.millis(99));
        out.printf(
            Locale.ROOT,
            "| %s | %s | %,d | %.2f | %.2f | %.2f | %.1f | %s | %s | %s |%n",
            database,
            config.label,
            rs.stream().mapToLong(r -> r.latencyMicros().getTotalCount()).sum(),
            p50,
            median(rs, r -> r.millis(90)),
            p99,
            rs.stream().mapToDouble(Run::maxMillis).max().orElse(0),
            config == Config.OFF ? "1.00x" : String.format(Locale.ROOT, "%.2fx", p50 / offP50),
            config == Config.OFF ? "1.00x" : String.format(Locale.ROOT, "%.2fx", p99 / offP99),
            cores(median(rs, r -> r.cpu().others())));
        if (config == Config.OFF_AGAIN) {
          verdicts.add(
              String.format(
                  Locale.ROOT,
                  "%s, %s: p50 %s, p99 %s against events off: what two runs of the same thing"
                      + " differ by on this machine",
                  database,
                  config.label,
                  change(p50 / offP50),
                  change(p99 / offP99)));
        } else if (config != Config.OFF) {
          verdicts.add(
              String.format(
                  Locale.ROOT,
                  "%s, %s: p50 %s, p99 %s against events off: %s",
                  database,
                  config.label,
                  change(p50 / offP50),
                  change(p99 / offP99),
                  within(p50 / offP50, 1.10) && within(p99 / offP99, 1.10)
                      ? "within 10%"
                      : "NOT within 10%"));
        }
      }
    }
    out.println();
    out.println(
        "Medians over the rounds; max: the highest of any round. other load: what every process"
            + " but this JVM, PostgreSQL and RabbitMQ used of the machine's "
            + Runtime.getRuntime().availableProcessors()
            + " cores while sending (median).");
    out.println();
    verdicts.forEach(out::println);
    double others = median(runs, r -> r.cpu().others());
    if (others > 0.25 * Runtime.getRuntime().availableProcessors()) {
      out.printf(
          Locale.ROOT,
          "CAUTION: other processes kept %.2f of the machine's %d cores busy (median over every"
              + " run): the latencies measure that contention as much as Parley, and differences"
              + " of 10%% are within its noise (see every run below).%n",
          others,
          Runtime.getRuntime().availableProcessors());
    }
    printCosts(configs);
    printThreads(configs);
    out.println();
    out.println("Every run (in the order they ran, per database):");
    out.println();
    out.println(
        "| database | round | configuration | sends measured | p50 ms | p99 ms | max ms"
            + " | sender lag max ms | acked in all | errors | outbox left | sink confirmed"
            + " | failed publishes | at the broker | CPU: JVM | PG | RabbitMQ | the rest |");
    out.println(
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Run r : runs) {
      out.printf(
          Locale.ROOT,
          "| %s | %d | %s | %,d | %.2f | %.2f | %.1f | %.1f | %,d | %d | %,d | %s | %,d | %s | %s |"
              + " %s | %s | %s |%n",
          r.database(),
          r.round(),
          r.config().label,
          r.latencyMicros().getTotalCount(),
          r.millis(50),
          r.millis(99),
          r.maxMillis(),
          r.maxLagMicros() / 1000.0,
          r.acked(),
          r.errors(),
          r.outboxLeft(),
          r.relayed() == 0
              ? "0"
              : String.format(Locale.ROOT, "%,d in %,d batches", r.relayed(), r.relayedBatches()),
          r.failedPublishes(),
          r.atBroker() < 0 ? "-" : String.format(Locale.ROOT, "%,d", r.atBroker()),
          cores(r.cpu().jvm()),
          cores(r.cpu().postgres()),
          cores(r.cpu().rabbitMq()),
          cores(r.cpu().others()));
    }
    out.println();
    out.println(
        "outbox left: events still in parley_event_outbox at the end of the run (broker up: after"
            + " waiting for the relay); sink confirmed: events in batches the sink confirmed (the"
            + " joins' room, member and user events included); at the broker: messages in a queue"
            + " bound to message.stored.#, one per message acked in all when nothing repeated.");
  }

  /** What a send cost per configuration: its transaction, and CPU time where it was spent. */
  private void printCosts(List<Config> configs) {
    out.println();
    out.println(
        "Where the time and the CPU went (medians over the rounds; CPU per send: CPU time while"
            + " sending / sends)");
    out.println();
    out.println(
        "| database | configuration | commit mean ms | appends per commit | CPU µs per send: this"
            + " JVM | PostgreSQL | RabbitMQ | the three |");
    out.println("|---|---|---:|---:|---:|---:|---:|---:|");
    for (String database : runs.stream().map(Run::database).distinct().toList()) {
      for (Config config : configs) {
        List<Run> rs = of(database, config);
        double jvm = median(rs, r -> r.cpu().jvm());
        double pg = median(rs, r -> r.cpu().postgres());
        double mq = median(rs, r -> r.cpu().rabbitMq());
        double all = median(rs, r -> r.cpu().jvm() + r.cpu().postgres() + r.cpu().rabbitMq());
        out.printf(
            Locale.ROOT,
            "| %s | %s | %.2f | %.1f | %s | %s | %s | %s |%n",
            database,
            config.label,
            median(rs, r -> r.commits().meanMillis()),
            median(rs, r -> r.commits().appendsPerCommit()),
            perSend(jvm),
            perSend(pg),
            perSend(mq),
            perSend(all));
      }
    }
  }

  private String perSend(double cores) {
    return cores < 0 ? "-" : String.format(Locale.ROOT, "%.0f", cores * 1e6 / rate);
  }

  /** This JVM's busiest thread groups, per configuration: where the JVM's CPU went. */
  private void printThreads(List<Config> configs) {
    final int shown = 10;
    for (String database : runs.stream().map(Run::database).distinct().toList()) {
      Map<String, Map<Config, Double>> byGroup = new java.util.TreeMap<>();
      for (Config config : configs) {
        List<Run> rs = of(database, config);
        rs.stream()
            .flatMap(r -> r.cpu().threads().keySet().stream())
            .distinct()
            .forEach(
                g ->
                    byGroup
                        .computeIfAbsent(g, k -> new java.util.EnumMap<>(Config.class))
                        .put(config, median(rs, r -> r.cpu().threads().getOrDefault(g, 0.0))));
      }
      List<String> busiest =
          byGroup.entrySet().stream()
              .sorted(
                  Comparator.comparingDouble(
                      (Map.Entry<String, Map<Config, Double>> e) ->
                          -e.getValue().values().stream()
                              .mapToDouble(Double::doubleValue)
                              .max()
                              .orElse(0)))
              .limit(shown)
              .map(Map.Entry::getKey)
              .toList();
      out.println();
      out.printf(
          Locale.ROOT,
          "%s: this JVM's %d busiest thread groups, cores (medians over the rounds)%n%n",
          database,
          busiest.size());
      StringBuilder header = new StringBuilder("| thread group |");
      StringBuilder rule = new StringBuilder("|---|");
      for (Config c : configs) {
        header.append(' ').append(c.label).append(" |");
        rule.append("---:|");
      }
      out.println(header);
      out.println(rule);
      for (String g : busiest) {
        StringBuilder line = new StringBuilder("| ").append(g).append(" |");
        for (Config c : configs) {
          line.append(' ').append(cores(byGroup.get(g).getOrDefault(c, 0.0))).append(" |");
        }
        out.println(line);
      }
    }
  }

  private List<Run> of(String database, Config config) {
    return runs.stream()
        .filter(r -> r.database().equals(database) && r.config() == config)
        .toList();
  }

  private static double median(List<Run> rs, ToDoubleFunction<Run> f) {
    return median(rs.stream().mapToDouble(f).toArray());
  }

  /** The median of {@code values} (the mean of the middle two for an even count); NaN if none. */
  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** {@code ratio} as a signed change: 1.07 is "+7.0%". */
  static String change(double ratio) {
    return String.format(Locale.ROOT, "%+.1f%%", (ratio - 1) * 100);
  }

  private static boolean within(double ratio, double limit) {
    return ratio <= limit;
  }

  private static String cores(double c) {
    return c < 0 ? "-" : String.format(Locale.ROOT, "%.2f", c);
  }

  // --- the services ---

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** A loopback port where nothing listens (bound and let go at once). */
  private static int deadPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Connection broker() throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(AMQP_URI);
    f.setConnectionTimeout(5_000);
    return f.newConnection("parley-events-benchmark");
  }

  private static String brokerProblem() {
    try (Connection c = broker()) {
      return c.isOpen() ? null : "the connection closed at once";
    } catch (Exception e) {
      return "cannot connect to RabbitMQ at " + AMQP_URI + ": " + e;
    }
  }

  /** A durable queue bound to every stored message's event; its name. */
  private static String declareQueue() throws Exception {
    String queue = "parley.bench.events." + UUID.randomUUID();
    try (Connection c = broker();
        Channel ch = c.createChannel()) {
      ch.exchangeDeclare(EXCHANGE, BuiltinExchangeType.TOPIC, true);
      ch.queueDeclare(queue, true, false, false, Map.of());
      ch.queueBind(queue, EXCHANGE, "message.stored.#");
    }
    return queue;
  }

  private static long queueDepth(String queue) throws Exception {
    try (Connection c = broker();
        Channel ch = c.createChannel()) {
      return ch.queueDeclarePassive(queue).getMessageCount();
    }
  }

  private void deleteQueue(String queue) {
    try (Connection c = broker();
        Channel ch = c.createChannel()) {
      ch.queueDelete(queue);
    } catch (Exception e) {
      out.println("could not delete queue " + queue + ": " + e);
    }
  }

  private static void deleteExchange() {
    try (Connection c = broker();
        Channel ch = c.createChannel()) {
      ch.exchangeDelete(EXCHANGE);
    } catch (Exception e) {
      // no broker: nothing was declared
    }
  }

  private static String postgresProblem() {
    try (java.sql.Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD)) {
      return c.isValid(5) ? null : "the connection is not valid";
    } catch (SQLException e) {
      return "cannot connect to " + PG_URL + " as " + PG_USER + ": " + e.getMessage();
    }
  }

  private void dropSchema(String schema) {
    try (java.sql.Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      out.println("could not drop schema " + schema + ": " + e.getMessage());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
