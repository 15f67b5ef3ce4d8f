package dev.parley.chat.cluster.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A private {@code redis-server} on a free loopback port, without persistence, that a test can kill
 * ({@code SIGKILL}) and start again on the same port. {@link #close()} always kills it.
 *
 * <p>When {@code redis-server} is not on the {@code PATH}, tests fail if the environment variable
 * {@code CI} is {@code true} and are skipped otherwise. Not thread-safe.
 */
public final class RedisServerProcess implements AutoCloseable {
  private final int port;
  private final Path log;
  private Process process;

  private RedisServerProcess(int port, Path log) {
    this.port = port;
    this.log = log;
  }

  /** Starts a server on a free port, or fails (in CI) or skips (elsewhere) the calling test. */
  public static RedisServerProcess start() throws IOException, InterruptedException {
    if (!onPath("redis-server")) {
      String how =
          "redis-server is not on the PATH; install Redis (for example the redis-server package)"
              + " to run the Redis outage tests.";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("CI must run the Redis outage tests. " + how);
      }
      Assumptions.abort(how);
    }
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    RedisServerProcess server =
        new RedisServerProcess(port, Files.createTempFile("parley-redis-" + port, ".log"));
    server.restart();
    return server;
  }

  /** The URI of this server. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server again (empty) on the same port, and waits until it answers. */
  public void restart() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("redis-server is still running");
    }
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
                    "--daemonize",
                    "no"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    try {
      Awaitility.await("redis-server to answer PING on port " + port)
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException("redis-server exited");
                }
                return answersPing();
              });
    } catch (RuntimeException e) {
      kill();
      throw new IllegalStateException(
          "redis-server did not start on port " + port + ":\n" + Files.readString(log), e);
    }
  }

  /** Kills the server with {@code SIGKILL}, as a crash would, and waits until it is gone. */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    kill();
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      // a temporary file left behind is harmless
    }
  }

  private boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] answer = new byte[7];
      int read = in.readNBytes(answer, 0, answer.length);
      return new String(answer, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
