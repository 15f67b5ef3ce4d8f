package dev.parley.chat.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A Redis primary, one replica and three sentinels (quorum 2) of the test's own, on free loopback
 * ports, without persistence, in a temporary folder. The sentinels declare the primary down after
 * one second without an answer. {@link #killPrimary()} kills it with {@code SIGKILL}; the sentinels
 * then promote the replica. {@link #close()} kills every process, even after a failure, and deletes
 * the folder; a shutdown hook does the same if the JVM exits first.
 *
 * <p>Needs {@code redis-server} and {@code redis-sentinel} (Debian's packages of those names) on
 * the {@code PATH}. When either is missing, tests fail if the environment variable {@code CI} is
 * {@code true} and are skipped otherwise. Not thread-safe.
 */
public final class RedisSentinelGroup implements AutoCloseable {
  /** The name the sentinels know the primary by. */
  public static final String MASTER = "parleymaster";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Path dir;
  private final int primaryPort;
  private final int replicaPort;
  private final List<Integer> sentinelPorts;
  private final List<Process> processes = new ArrayList<>();
  private final Thread cleanup;
  private Process primary;

  private RedisSentinelGroup(Path dir, int primaryPort, int replicaPort, List<Integer> sentinels) {
    this.dir = dir;
    this.primaryPort = primaryPort;
    this.replicaPort = replicaPort;
    this.sentinelPorts = sentinels;
    this.cleanup = new Thread(this::killAllAndDelete, "redis-sentinel-group-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  /**
   * Starts the group and waits until every sentinel knows the replica and the other sentinels; or
   * fails (in CI) or skips (elsewhere) the calling test when the programs are missing.
   */
  public static RedisSentinelGroup start(List<Integer> freePorts) throws IOException {
    for (String program : List.of("redis-server", "redis-sentinel")) {
      if (!onPath(program)) {
        String how =
            program
                + " is not on the PATH; install Redis and Redis Sentinel (the redis-server and"
                + " redis-sentinel packages) to run the Sentinel failover test.";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
          throw new AssertionError("CI must run the Sentinel failover test. " + how);
        }
        Assumptions.abort(how);
      }
    }
    RedisSentinelGroup group =
        new RedisSentinelGroup(
            Files.createTempDirectory("parley-redis-sentinel"),
            freePorts.get(0),
            freePorts.get(1),
            freePorts.subList(2, 5));
    try {
      group.startAll();
      return group;
    } catch (IOException | RuntimeException | Error e) {
      group.close();
      throw e;
    }
  }

  private void startAll() throws IOException {
    primary = server(primaryPort);
    server(replicaPort, "--replicaof", "127.0.0.1", Integer.toString(primaryPort));
    for (int port : sentinelPorts) {
      Path conf = dir.resolve("sentinel-" + port + ".conf");
      Files.write(
          conf,
          List.of(
              "port " + port,
              "bind 127.0.0.1",
              "daemonize no",
              "dir " + dir,
              "sentinel monitor " + MASTER + " 127.0.0.1 " + primaryPort + " 2",
              "sentinel down-after-milliseconds " + MASTER + " 1000",
              "sentinel failover-timeout " + MASTER + " 10000",
              "sentinel parallel-syncs " + MASTER + " 1"));
      start("sentinel-" + port, List.of("redis-sentinel", conf.toString()));
    }
    Awaitility.await("every sentinel to know the replica and the other sentinels")
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(this::sentinelsReady);
  }

  private boolean sentinelsReady() {
    for (int port : sentinelPorts) {
      RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + port));
      try (StatefulRedisSentinelConnection<String, String> c = client.connectSentinel()) {
        List<Map<String, String>> replicas = c.sync().replicas(MASTER);
        boolean replicaUp =
            replicas.stream()
                .anyMatch(
                    r ->
                        Integer.toString(replicaPort).equals(r.get("port"))
                            && !r.get("flags").contains("down")
                            && "ok".equals(r.get("master-link-status")));
        String others = c.sync().master(MASTER).get("num-other-sentinels");
        if (!replicaUp || Integer.parseInt(others) < sentinelPorts.size() - 1) {
          return false;
        }
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
    return true;
  }

  private Process server(int port, String... more) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                dir.toString()));
    command.addAll(List.of(more));
    return start("redis-" + port, command);
  }

  private Process start(String name, List<String> command) throws IOException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()))
            .start();
    processes.add(p);
    return p;
  }

  /** A Sentinel URI naming all three sentinels. */
  public String sentinelUri() {
    return "redis-sentinel://"
        + sentinelPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","))
        + "/0#"
        + MASTER;
  }

  /** The replica's port. */
  public int replicaPort() {
    return replicaPort;
  }

  /** The port of the primary the first sentinel names now. */
  public int currentPrimaryPort() {
    RedisClient client =
        RedisClient.create(RedisURI.create("redis://127.0.0.1:" + sentinelPorts.get(0)));
    try (StatefulRedisSentinelConnection<String, String> c = client.connectSentinel()) {
      SocketAddress address = c.sync().getMasterAddrByName(MASTER);
      return ((InetSocketAddress) address).getPort();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /** Kills the primary with {@code SIGKILL} and waits until it is gone. */
  public void killPrimary() throws InterruptedException {
    primary.destroyForcibly();
    primary.waitFor(10, TimeUnit.SECONDS);
  }

  private void killAllAndDelete() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      } catch (IOException e) {
        // a temporary folder left behind is harmless
      }
    }
  }

  /** Kills every process of the group and deletes its folder. */
  @Override
  public void close() {
    killAllAndDelete();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down and runs the hook itself
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }
}
