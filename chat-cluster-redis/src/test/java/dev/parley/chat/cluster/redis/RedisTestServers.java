package dev.parley.chat.cluster.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The Redis servers the tests use: the shared local one ({@code PARLEY_TEST_REDIS_URI}, default
 * {@code redis://127.0.0.1:6379}), or a private {@code redis-server} process a test may kill and
 * restart. When neither can be had, tests fail if the environment variable {@code CI} is {@code
 * true} (CI must run them) and are skipped otherwise, with a message saying how to run them.
 */
public final class RedisTestServers {
  /** The shared Redis's address. */
  public static final URI SHARED =
      URI.create(System.getenv().getOrDefault("PARLEY_TEST_REDIS_URI", "redis://127.0.0.1:6379"));

  private RedisTestServers() {}

  /** The shared Redis, after checking it answers PING; fails (CI) or skips the caller if not. */
  public static URI requireShared() {
    String host = SHARED.getHost();
    int port = SHARED.getPort() < 0 ? 6379 : SHARED.getPort();
    if (!answersPing(host, port)) {
      unavailable(
          "Redis is not reachable at "
              + SHARED
              + ". Start a local Redis (redis-server) or point PARLEY_TEST_REDIS_URI at one to"
              + " run these tests.");
    }
    return SHARED;
  }

  /**
   * Starts a private {@code redis-server} on a free loopback port, without persistence; fails (CI)
   * or skips the caller if {@code redis-server} is not installed.
   */
  public static PrivateRedis startPrivate() throws IOException, InterruptedException {
    PrivateRedis redis = new PrivateRedis(freePort());
    redis.start();
    return redis;
  }

  /** Whether a Redis answers PING at host:port within a second. */
  static boolean answersPing(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1_000);
      socket.setSoTimeout(1_000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[7];
      int read = in.readNBytes(reply, 0, reply.length);
      return new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  private static void unavailable(String how) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("CI must run the Redis tests. " + how);
    }
    Assumptions.abort(how);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * A {@code redis-server} child process on a fixed loopback port, which can be killed (SIGKILL)
   * and started again, empty. Not thread-safe; {@link #close()} kills it.
   */
  public static final class PrivateRedis implements AutoCloseable {
    private final int port;
    private Process process;

    private PrivateRedis(int port) {
      this.port = port;
    }

    /** Where it listens. */
    public URI uri() {
      return URI.create("redis://127.0.0.1:" + port);
    }

    /** Starts the server and waits until it answers PING. */
    public void start() throws IOException, InterruptedException {
      if (process != null && process.isAlive()) {
        throw new IllegalStateException("redis-server is already running");
      }
      Path dir = Files.createTempDirectory("parley-redis-");
      try {
        process =
            new ProcessBuilder(
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
                        "--dir",
                        dir.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
      } catch (IOException e) {
        unavailable(
            "redis-server could not be started ("
                + e.getMessage()
                + "). Install Redis (the redis-server command) to run this test.");
        return;
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!answersPing("127.0.0.1", port)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          close();
          throw new IllegalStateException("redis-server did not start on port " + port);
        }
        Thread.sleep(20);
      }
    }

    /** Kills the server with SIGKILL and waits until it is gone. */
    public void kill() throws InterruptedException {
      Process p = process;
      if (p != null) {
        p.destroyForcibly();
        p.waitFor();
        process = null;
      }
    }

    @Override
    public void close() {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
