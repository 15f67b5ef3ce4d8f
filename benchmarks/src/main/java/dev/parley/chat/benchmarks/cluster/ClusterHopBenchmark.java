package dev.parley.chat.benchmarks.cluster;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.cluster.redis.RedisClusterBus;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.server.InProcessClusterBus;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.testkit.store.SharedMessageStore;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * What the cross-node hop adds to delivery: two server nodes in this JVM share one store and one
 * cluster bus; a sender on node A sends at a fixed rate into a room with one member on A (local
 * delivery) and one on B (delivery through the bus). Send-to-deliver latency is recorded for both
 * members from the intended send time (so a stall of the sender counts against it), after a warm-up
 * (and after one unreported run that warms up the shared path); the hop is the difference between
 * the two at each percentile.
 *
 * <p>Two buses run in the same run: the in-process bus (the hop's floor: no network) and the Redis
 * bus against {@code PARLEY_BENCH_REDIS_URI} (default {@code redis://127.0.0.1:6379}; its row is
 * skipped, with the reason, when Redis is not reachable).
 *
 * <p>Run it with {@code ./mvnw -q -pl benchmarks -am -Pbench-cluster package -DskipTests}; add
 * {@code -Dexec.args=long} to measure longer. Not thread-safe: one run per process.
 */
public final class ClusterHopBenchmark {
  private static final RoomId ROOM = RoomId.of("hop");
  private static final int RATE_PER_SECOND = 1_000;
  private static final String REDIS =
      System.getenv().getOrDefault("PARLEY_BENCH_REDIS_URI", "redis://127.0.0.1:6379");

  private ClusterHopBenchmark() {}

  private record Config(String name, Supplier<ClusterBus> bus) {}

  private record Result(String name, Histogram local, Histogram remote, long sent, String error) {}

  /** Runs both buses and prints the table. */
  public static void main(String[] args) throws Exception {
    boolean longRun = args.length > 0 && args[0].equals("long");
    Duration warmUp = Duration.ofSeconds(longRun ? 10 : 3);
    Duration measure = Duration.ofSeconds(longRun ? 60 : 10);
    PrintStream out = System.out;
    out.printf(
        Locale.ROOT,
        "Cross-node hop: %d messages/s, warm-up %d s, measured %d s, %d cores%n",
        RATE_PER_SECOND,
        warmUp.toSeconds(),
        measure.toSeconds(),
        Runtime.getRuntime().availableProcessors());
    InProcessClusterBus.Network network = new InProcessClusterBus.Network();
    String prefix = "parley-bench-" + UUID.randomUUID();
    List<Config> configs =
        List.of(
            new Config("in-process bus", () -> new InProcessClusterBus(network)),
            new Config(
                "Redis bus", () -> RedisClusterBus.builder().uri(REDIS).keyPrefix(prefix).build()));
    // A first, unreported run warms up the JIT for the path both buses share.
    run(configs.get(0), warmUp, warmUp);
    out.println("  done: warm-up");
    List<Result> results = new ArrayList<>();
    for (Config config : configs) {
      Result result;
      try {
        result = run(config, warmUp, measure);
      } catch (Exception e) {
        result = new Result(config.name(), null, null, 0, e.toString());
      }
      results.add(result);
      out.println("  done: " + config.name());
    }
    print(out, results);
  }

  private static Result run(Config config, Duration warmUp, Duration measure) throws Exception {
    SharedMessageStore store = new SharedMessageStore(new InMemoryMessageStore());
    ChatServer a = node("a", store, config.bus().get());
    ChatServer b = node("b", store, config.bus().get());
    Histogram local = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    Histogram remote = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    try (ChatClient clients = ChatClient.builder().endpoint(a.webSocketUri()).build();
        ChatClient remoteClient = ChatClient.builder().endpoint(b.webSocketUri()).build()) {
      ChatSession sender =
          clients.connect("sender", new ChatListener() {}).get(10, TimeUnit.SECONDS);
      clients
          .connect("local", recorder(local, measureFrom))
          .get(10, TimeUnit.SECONDS)
          .join(ROOM)
          .get(10, TimeUnit.SECONDS);
      remoteClient
          .connect("remote", recorder(remote, measureFrom))
          .get(10, TimeUnit.SECONDS)
          .join(ROOM)
          .get(10, TimeUnit.SECONDS);
      RoomHandle room = sender.join(ROOM).get(10, TimeUnit.SECONDS);
      long start = System.nanoTime();
      long interval = TimeUnit.SECONDS.toNanos(1) / RATE_PER_SECOND;
      AtomicLong sent = new AtomicLong();
      long total = (warmUp.toSeconds() + measure.toSeconds()) * RATE_PER_SECOND;
      measureFrom.set(start + warmUp.toNanos());
      CompletableFuture<Void> done = new CompletableFuture<>();
      ticker.scheduleAtFixedRate(
          () -> {
            // Catch up on sends the ticker fell behind on, each stamped with its intended time.
            long now = System.nanoTime();
            while (sent.get() < total && start + sent.get() * interval <= now) {
              long intended = start + sent.getAndIncrement() * interval;
              room.send(Long.toString(intended));
            }
            if (sent.get() >= total) {
              done.complete(null);
            }
          },
          0,
          interval,
          TimeUnit.NANOSECONDS);
      done.get(warmUp.plus(measure).toSeconds() + 60, TimeUnit.SECONDS);
      long expected = measure.toSeconds() * RATE_PER_SECOND;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while ((local.getTotalCount() < expected || remote.getTotalCount() < expected)
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      return new Result(config.name(), local.copy(), remote.copy(), sent.get(), null);
    } finally {
      ticker.shutdownNow();
      a.close();
      b.close();
    }
  }

  private static ChatListener recorder(Histogram histogram, AtomicLong measureFrom) {
    return new ChatListener() {
      @Override
      public void onMessage(ChatSession session, MessageEvent event) {
        long now = System.nanoTime();
        long intended = Long.parseLong(event.message().text());
        if (intended >= measureFrom.get()) {
          synchronized (histogram) {
            histogram.recordValue(Math.max(0, now - intended));
          }
        }
      }
    };
  }

  private static ChatServer node(String id, MessageStore store, ClusterBus bus) throws Exception {
    return ChatServer.builder()
        .serverId(id)
        .host("127.0.0.1")
        .port(0)
        .disableHttp()
        .requestRate(100_000, 100_000)
        .userSendRate(100_000, 100_000)
        .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
        .messageStore(store)
        .clusterBus(bus)
        .build()
        .start();
  }

  private static void print(PrintStream out, List<Result> results) {
    out.println();
    out.println(
        "| bus | member | deliveries | p50 ms | p99 ms | p99.9 ms | hop p50 ms | hop p99 ms |");
    out.println("|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      if (r.error() != null) {
        out.printf(Locale.ROOT, "| %s | skipped: %s | | | | | | |%n", r.name(), r.error());
        continue;
      }
      row(out, r.name(), "same node", r.local(), "", "");
      row(
          out,
          r.name(),
          "other node",
          r.remote(),
          ms(r.remote().getValueAtPercentile(50) - r.local().getValueAtPercentile(50)),
          ms(r.remote().getValueAtPercentile(99) - r.local().getValueAtPercentile(99)));
    }
    out.println();
    out.println(
        "Latency is from a message's intended send time to its delivery to the member's listener;"
            + " the hop is the other node's percentile minus the same node's.");
  }

  private static void row(
      PrintStream out, String bus, String member, Histogram h, String hop50, String hop99) {
    out.printf(
        Locale.ROOT,
        "| %s | %s | %d | %s | %s | %s | %s | %s |%n",
        bus,
        member,
        h.getTotalCount(),
        ms(h.getValueAtPercentile(50)),
        ms(h.getValueAtPercentile(99)),
        ms(h.getValueAtPercentile(99.9)),
        hop50,
        hop99);
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }
}
