package dev.parley.chat.store.jdbc.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A server in a child JVM on a fixed port (by default a {@link CrashTestServer}; any main class
 * that prints {@link #READY} and its port once it listens will do), which can be started, killed
 * with SIGKILL, started again on the same port and database, and stopped with SIGTERM. Everything
 * the child prints is appended to one log file, each run after a line saying when and how it
 * started and followed by one saying how it ended, so a failed run can be diagnosed. {@link
 * #close()} kills a child that is still running.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class ServerProcess implements AutoCloseable {
  /** The line a child prints once it listens, followed by a space and the port. */
  public static final String READY = "READY";

  private final String mainClass;
  private final int port;
  private final List<String> serverArgs;
  private final Path log;
  private Process process;
  private int starts;

  /**
   * @param serverArgs the arguments of {@link CrashTestServer} after the mode and the port
   */
  static ServerProcess crashTestServer(String mode, int port, List<String> serverArgs, Path log)
      throws IOException {
    return new ServerProcess(
        CrashTestServer.class.getName(), port, withModeAndPort(mode, port, serverArgs), log);
  }

  /**
   * A child running {@code mainClass} with {@code args}, on this JVM's class path, which listens on
   * {@code port}.
   */
  public ServerProcess(String mainClass, int port, List<String> args, Path log) throws IOException {
    this.mainClass = mainClass;
    this.port = port;
    this.serverArgs = List.copyOf(args);
    this.log = log;
    Files.createDirectories(log.getParent());
    Files.write(log, new byte[0]);
  }

  private static List<String> withModeAndPort(String mode, int port, List<String> rest) {
    List<String> args = new ArrayList<>();
    args.add(mode);
    args.add(Integer.toString(port));
    args.addAll(rest);
    return args;
  }

  /** How many times the child was started. */
  public int starts() {
    return starts;
  }

  /** Whether a child is running. */
  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Starts a child and waits until it printed {@code READY <port>}.
   *
   * @throws IllegalStateException if a child is still running, or the child exits or stays silent
   *     for {@code timeout} before it is ready (it is then killed)
   */
  public void start(Duration timeout) throws IOException, InterruptedException {
    if (isRunning()) {
      throw new IllegalStateException("the server is already running");
    }
    int run = ++starts;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    command.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(serverArgs);
    note("start " + run + ": " + String.join(" ", serverArgs));
    long from = Files.size(log);
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    String readyLine = READY + " " + port;
    try {
      Awaitility.await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !process.isAlive() || printed(from, readyLine));
    } catch (ConditionTimeoutException e) {
      // reported below, with the process still alive
    }
    if (!process.isAlive() || !printed(from, readyLine)) {
      String how =
          process.isAlive()
              ? "did not print '" + readyLine + "' within " + timeout
              : "exited with code " + process.exitValue() + " before it was ready";
      kill();
      throw new IllegalStateException("server start " + run + " " + how + "; see " + log);
    }
    note("start " + run + " is ready (pid " + process.pid() + ")");
  }

  private boolean printed(long from, String line) throws IOException {
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size <= from) {
        return false;
      }
      ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(size - from, 1 << 20));
      channel.read(bytes, from);
      String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
      return text.lines().anyMatch(line::equals);
    }
  }

  /** Kills the child with SIGKILL, as {@code kill -9} does, and waits until it is gone. */
  public void kill() throws InterruptedException {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    p.waitFor();
    note("start " + starts + " killed (SIGKILL), exit code " + p.exitValue());
    process = null;
  }

  /**
   * Asks the child to stop with SIGTERM (its shutdown hook closes the server and the store) and
   * waits for it to exit.
   *
   * @return whether it exited within {@code timeout}; if not, it is killed
   */
  public boolean stop(Duration timeout) throws InterruptedException {
    Process p = process;
    if (p == null) {
      return true;
    }
    p.destroy();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      note("start " + starts + " did not stop within " + timeout + "; killing it");
      kill();
      return false;
    }
    note("start " + starts + " stopped (SIGTERM), exit code " + p.exitValue());
    process = null;
    return true;
  }

  private void note(String text) {
    String line = "--- " + LocalTime.now() + " " + text + System.lineSeparator();
    try {
      Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // the log is for diagnosis only; a note that cannot be written is dropped
    }
  }

  /** Kills a child still running. */
  @Override
  public void close() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      note("start " + starts + " killed on close");
      process = null;
    }
  }
}
