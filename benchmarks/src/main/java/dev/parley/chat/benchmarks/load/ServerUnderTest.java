package dev.parley.chat.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server under test running in its own JVM ({@link BenchServerMain}): started with the same class
 * path and JVM options whatever its kind, asked for its heap over stdin, its RSS read from {@code
 * /proc}. Not thread-safe: the runner drives it from one thread.
 */
final class ServerUnderTest implements AutoCloseable {
  /** JVM options every server gets, so that memory figures compare. */
  static final List<String> JVM_OPTIONS = List.of("-Xmx4g", "-XX:+UseG1GC");

  private final Process process;
  private final BufferedReader out;
  private final Writer in;
  private final int port;

  ServerUnderTest(String kind, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    String extra = System.getProperty("parley.bench.serverJvmOptions", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BenchServerMain.class.getName());
    command.add(kind);
    command.add("0");
    Files.createDirectories(log.getParent());
    process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    String line = out.readLine();
    while (line != null && !line.startsWith("READY ")) {
      line = out.readLine(); // JVM options such as flight recording may print first
    }
    if (line == null) {
      process.destroyForcibly();
      throw new IOException(kind + " server did not start (see " + log + "): " + line);
    }
    port = Integer.parseInt(line.substring("READY ".length()).trim());
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /** Heap in use after a full collection, in bytes. */
  long heapAfterGc() throws IOException {
    in.write("heap\n");
    in.flush();
    String line = out.readLine();
    if (line == null || !line.startsWith("HEAP ")) {
      throw new IOException("server answered " + line);
    }
    return Long.parseLong(line.substring("HEAP ".length()).trim());
  }

  /** The HTTP side's port of a server started with the HTTP side on. */
  int httpPort() throws IOException {
    in.write("http\n");
    in.flush();
    String line = out.readLine();
    if (line == null || !line.startsWith("HTTP ")) {
      throw new IOException("server answered " + line);
    }
    int port = Integer.parseInt(line.substring("HTTP ".length()).trim());
    if (port <= 0) {
      throw new IOException("the server has no HTTP side");
    }
    return port;
  }

  /** CPU time the server process has used so far, user and system, all threads, in nanoseconds. */
  long cpuNanos() throws IOException {
    return process
        .toHandle()
        .info()
        .totalCpuDuration()
        .orElseThrow(() -> new IOException("no CPU time for process " + process.pid()))
        .toNanos();
  }

  /** Resident set size, in bytes. */
  long rss() throws IOException {
    for (String line :
        Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        String kb = line.substring("VmRSS:".length()).replace("kB", "").trim();
        return Long.parseLong(kb) * 1024;
      }
    }
    throw new IOException("no VmRSS for process " + process.pid());
  }

  @Override
  public void close() {
    try {
      in.write("quit\n");
      in.flush();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
