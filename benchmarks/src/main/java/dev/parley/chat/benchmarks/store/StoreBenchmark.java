package dev.parley.chat.benchmarks.store;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Durable sends per second and send-to-ack latency, for the in-memory store (the baseline) and the
 * JDBC store on H2 and PostgreSQL, each with group commit on and off, all in one run.
 *
 * <p>Every configuration runs the same two loads against a real server over real WebSockets, with
 * sessions spread over {@value #ROOMS} rooms: light (4 sessions, one send outstanding each: the
 * latency of one durable send) and heavy (32 sessions, 4 outstanding each: throughput). Both are
 * closed loops: a send goes out as soon as one of the session's is acknowledged. Latency is
 * measured from the call to {@code send} to the completion of its future, after a warm-up.
 *
 * <p>Run it with {@code ./mvnw -q -pl benchmarks -am -Pbench-store package -DskipTests}; add {@code
 * -Dexec.args=long} for longer measurements. PostgreSQL is taken from {@code PARLEY_BENCH_PG_URL},
 * {@code PARLEY_BENCH_PG_USER} and {@code PARLEY_BENCH_PG_PASSWORD} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test} as {@code postgres}); its rows are skipped, with the
 * reason, when it is not reachable. Not thread-safe: one run per process.
 */
public final class StoreBenchmark {
  static final int ROOMS = 4;

  /** How hard a run pushes: sessions, each keeping {@code window} sends outstanding. */
  private record Load(String name, int sessions, int window) {}

  private static final List<Load> LOADS =
      List.of(new Load("light", 4, 1), new Load("heavy", 32, 4));
  private static final String TEXT = "x".repeat(100);

  private static final String PG_URL =
      System.getenv().getOrDefault("PARLEY_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String PG_USER =
      System.getenv().getOrDefault("PARLEY_BENCH_PG_USER", "postgres");
  private static final String PG_PASSWORD =
      System.getenv().getOrDefault("PARLEY_BENCH_PG_PASSWORD", "");

  private StoreBenchmark() {}

  /** One store configuration. */
  private record Config(
      String name, String database, boolean groupCommit, Supplier<MessageStore> store) {}

  /** What one configuration measured. */
  private record Result(
      Config config, Load load, double sendsPerSecond, Histogram latency, long errors) {}

  /** Runs every configuration and prints the table. */
  public static void main(String[] args) throws Exception {
    boolean longRun = Stream.of(args).anyMatch("long"::equals);
    Duration warmUp = Duration.ofSeconds(longRun ? 5 : 2);
    Duration measure = Duration.ofSeconds(longRun ? 20 : 5);
    PrintStream out = System.out;
    Path dir = Files.createTempDirectory("parley-store-bench");
    List<String> schemas = new ArrayList<>();
    try {
      List<Config> configs = new ArrayList<>();
      configs.add(new Config("in-memory", "memory", true, InMemoryMessageStore::new));
      for (boolean group : new boolean[] {true, false}) {
        configs.add(
            new Config(
                "H2 file",
                "H2",
                group,
                () ->
                    JdbcMessageStore.builder()
                        .h2File(dir.resolve("h2-" + group))
                        .groupCommit(group)
                        .build()));
      }
      String pgProblem = postgresProblem();
      if (pgProblem == null) {
        for (boolean group : new boolean[] {true, false}) {
          String schema = "parley_bench_" + UUID.randomUUID().toString().replace("-", "");
          schemas.add(schema);
          configs.add(
              new Config(
                  "PostgreSQL",
                  "PostgreSQL",
                  group,
                  () ->
                      JdbcMessageStore.builder()
                          .jdbcUrl(PG_URL, PG_USER, PG_PASSWORD)
                          .schema(schema)
                          .groupCommit(group)
                          .build()));
        }
      }
      out.printf(
          Locale.ROOT,
          "Parley store benchmark: closed loops over %d rooms, %s; %d-byte texts; warm-up %d s,"
              + " measured %d s per row; %d cores, %s%n",
          ROOMS,
          LOADS.stream()
              .map(
                  l ->
                      l.name()
                          + " = "
                          + l.sessions()
                          + " sessions x "
                          + l.window()
                          + " outstanding")
              .collect(java.util.stream.Collectors.joining(", ")),
          TEXT.length(),
          warmUp.toSeconds(),
          measure.toSeconds(),
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
      for (Load load : LOADS) {
        List<Result> results = new ArrayList<>();
        for (Config config : configs) {
          out.printf(
              Locale.ROOT, "  %s load: %s, %s...%n", load.name(), config.name(), mode(config));
          results.add(run(config, load, warmUp, measure));
        }
        printTable(out, results);
      }
      if (pgProblem != null) {
        out.println("PostgreSQL rows skipped: " + pgProblem);
      }
    } finally {
      dropSchemas(schemas);
      deleteTree(dir);
    }
  }

  private static String mode(Config config) {
    if (config.database().equals("memory")) {
      return "baseline";
    }
    return config.groupCommit() ? "group commit" : "one transaction per send";
  }

  private static Result run(Config config, Load shape, Duration warmUp, Duration measure)
      throws Exception {
    try (MessageStore store = config.store().get();
        ChatServer server =
            ChatServer.builder()
                .host("127.0.0.1")
                .port(0)
                .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                .requestRate(1_000_000, 1_000_000)
                .userSendRate(1_000_000, 1_000_000)
                .messageStore(store)
                .build()
                .start();
        ChatClient client = ChatClient.builder().endpoint(server.webSocketUri()).build()) {
      List<RoomHandle> rooms = new ArrayList<>();
      for (int i = 0; i < shape.sessions(); i++) {
        ChatSession session =
            client.connect("user" + i, new ChatListener() {}).get(30, TimeUnit.SECONDS);
        rooms.add(session.join(RoomId.of("bench-" + (i % ROOMS))).get(30, TimeUnit.SECONDS));
      }
      Loop load = new Loop(rooms, shape.window());
      load.start();
      Thread.sleep(warmUp.toMillis());
      load.measuring(true);
      long began = System.nanoTime();
      Thread.sleep(measure.toMillis());
      load.measuring(false);
      double seconds = (System.nanoTime() - began) / 1e9;
      load.stopAndDrain(Duration.ofSeconds(30));
      return new Result(config, shape, load.measured() / seconds, load.latency(), load.errors());
    }
  }

  /** The closed loop: each room handle keeps {@code window} sends outstanding. Thread-safe. */
  private static final class Loop {
    private final List<RoomHandle> rooms;
    private final int window;
    private final Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
    private final AtomicBoolean measuring = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicLong measured = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private Histogram latency;

    Loop(List<RoomHandle> rooms, int window) {
      this.rooms = rooms;
      this.window = window;
    }

    void start() {
      for (RoomHandle room : rooms) {
        for (int i = 0; i < window; i++) {
          sendNext(room);
        }
      }
    }

    private void sendNext(RoomHandle room) {
      if (stopped.get()) {
        return;
      }
      inFlight.incrementAndGet();
      long sent = System.nanoTime();
      room.send(TEXT)
          .whenComplete(
              (receipt, failure) -> {
                long took = System.nanoTime() - sent;
                if (failure != null) {
                  errors.incrementAndGet();
                } else if (measuring.get()) {
                  recorder.recordValue(Math.min(took, TimeUnit.SECONDS.toNanos(60)));
                  measured.incrementAndGet();
                }
                inFlight.decrementAndGet();
                sendNext(room);
              });
    }

    void measuring(boolean on) {
      if (on) {
        recorder.reset();
      } else {
        latency = recorder.getIntervalHistogram();
      }
      measuring.set(on);
    }

    void stopAndDrain(Duration patience) throws InterruptedException {
      stopped.set(true);
      long deadline = System.nanoTime() + patience.toNanos();
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }

    long measured() {
      return measured.get();
    }

    long errors() {
      return errors.get();
    }

    Histogram latency() {
      return latency;
    }
  }

  private static void printTable(PrintStream out, List<Result> results) {
    double baseline = results.get(0).sendsPerSecond();
    Load load = results.get(0).load();
    out.println();
    out.printf(
        Locale.ROOT,
        "%s load: %d sessions x %d sends outstanding%n",
        load.name(),
        load.sessions(),
        load.window());
    out.printf(
        Locale.ROOT,
        "%-12s %-26s %10s %9s %9s %9s %10s %12s %7s%n",
        "store",
        "mode",
        "sends/s",
        "p50 ms",
        "p99 ms",
        "p999 ms",
        "x memory",
        "x group/one",
        "errors");
    for (Result r : results) {
      String groupRatio = "";
      if (!r.config().database().equals("memory") && r.config().groupCommit()) {
        groupRatio =
            results.stream()
                .filter(o -> o.config().database().equals(r.config().database()))
                .filter(o -> !o.config().groupCommit())
                .findFirst()
                .map(
                    o ->
                        String.format(Locale.ROOT, "%.1f", r.sendsPerSecond() / o.sendsPerSecond()))
                .orElse("");
      }
      out.printf(
          Locale.ROOT,
          "%-12s %-26s %10.0f %9.2f %9.2f %9.2f %10.2f %12s %7d%n",
          r.config().name(),
          mode(r.config()),
          r.sendsPerSecond(),
          millis(r.latency(), 50),
          millis(r.latency(), 99),
          millis(r.latency(), 99.9),
          r.sendsPerSecond() / baseline,
          groupRatio,
          r.errors());
    }
    out.println();
  }

  private static double millis(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1e6;
  }

  /** Why PostgreSQL cannot be used, or {@code null} when it can. */
  private static String postgresProblem() {
    try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD)) {
      return c.isValid(5) ? null : "the connection is not valid";
    } catch (SQLException e) {
      return "cannot connect to " + PG_URL + " as " + PG_USER + ": " + e.getMessage();
    }
  }

  private static void dropSchemas(List<String> schemas) {
    if (schemas.isEmpty()) {
      return;
    }
    try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
        Statement s = c.createStatement()) {
      for (String schema : schemas) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    } catch (SQLException e) {
      System.err.println("could not drop benchmark schemas " + schemas + ": " + e.getMessage());
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
