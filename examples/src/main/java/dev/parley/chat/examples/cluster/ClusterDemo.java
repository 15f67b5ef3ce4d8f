package dev.parley.chat.examples.cluster;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs a three-node Parley cluster on this machine with one command: each node a {@link
 * ClusterNode} in a JVM of its own, all sharing one Redis and one PostgreSQL. It waits until every
 * node's {@code /readyz} answers 200, prints the endpoints, and runs until Ctrl-C or SIGTERM, which
 * it passes on to the nodes (each drains) before it exits.
 *
 * <p>Run it from the repository root with {@code ./mvnw -q -pl examples -am -Pcluster package
 * -DskipTests}. The nodes read Redis's and PostgreSQL's addresses from the environment they inherit
 * ({@code PARLEY_REDIS}, {@code PARLEY_JDBC_URL}, {@code PARLEY_DB_USER}, {@code
 * PARLEY_DB_PASSWORD}; see {@link ClusterNode}).
 *
 * <p>Not thread-safe (a command object, used once by {@link #main}); it prints the nodes' output
 * from one thread per node.
 */
@Command(
    name = "parley-cluster-demo",
    mixinStandardHelpOptions = true,
    description = "Runs three Parley nodes on this machine until Ctrl-C, which drains them.")
public final class ClusterDemo implements Callable<Integer> {
  /** How many nodes the demo runs. */
  public static final int NODES = 3;

  /** What is added to a node's WebSocket port to give its HTTP port. */
  public static final int HTTP_PORT_OFFSET = 1000;

  /** How long the nodes have to become ready. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  /** How long the nodes have to drain and exit once stopped, before they are killed. */
  static final Duration EXIT_TIMEOUT = ClusterNode.DRAIN_TIMEOUT.plusSeconds(10);

  @Option(
      names = "--base-port",
      defaultValue = "7451",
      description =
          "WebSocket port of the first node; the others take the next ones, and each node's"
              + " HTTP port is its WebSocket port + "
              + HTTP_PORT_OFFSET
              + " (default: ${DEFAULT-VALUE}).")
  int basePort;

  private final PrintStream out = System.out;

  /** One running node. */
  private record Node(String id, int port, int httpPort, Process process) {
    URI webSocketUri() {
      return URI.create("ws://127.0.0.1:" + port + "/chat");
    }

    URI httpUri() {
      return URI.create("http://127.0.0.1:" + httpPort + "/");
    }
  }

  @Override
  public Integer call() throws Exception {
    if (basePort < 1 || basePort + NODES - 1 + HTTP_PORT_OFFSET > 65_535) {
      out.println(
          "--base-port must leave room for "
              + NODES
              + " WebSocket ports and their HTTP ports (+"
              + HTTP_PORT_OFFSET
              + ") below 65536, was "
              + basePort);
      return 2;
    }
    List<Node> nodes = new ArrayList<>();
    Thread stopper = new Thread(() -> stopAll(nodes), "parley-cluster-demo-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    for (int i = 0; i < NODES; i++) {
      nodes.add(launch("node" + (i + 1), basePort + i, basePort + i + HTTP_PORT_OFFSET));
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (Node node : nodes) {
      String problem = awaitReady(http, node);
      if (problem != null) {
        out.println();
        out.println("The cluster did not start: " + problem + ".");
        out.println(
            "The nodes need Redis (PARLEY_REDIS, default "
                + ClusterNode.DEFAULT_REDIS
                + ") and PostgreSQL (PARLEY_JDBC_URL, default "
                + ClusterNode.DEFAULT_JDBC_URL
                + ", with PARLEY_DB_USER and PARLEY_DB_PASSWORD); their output above says more.");
        Runtime.getRuntime().removeShutdownHook(stopper);
        stopAll(nodes);
        return 1;
      }
    }
    printWelcome(nodes);
    for (Node node : nodes) {
      int code = node.process().waitFor();
      out.println("[" + node.id() + "] exited with code " + code);
    }
    return 0;
  }

  private Node launch(String id, int port, int httpPort) throws IOException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            classPath(),
            ClusterNode.class.getName(),
            "--node-id",
            id,
            "--port",
            Integer.toString(port),
            "--http-port",
            Integer.toString(httpPort));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    Thread printer =
        new Thread(() -> printLines(id, process), "parley-cluster-demo-" + id + "-output");
    printer.setDaemon(true);
    printer.start();
    return new Node(id, port, httpPort, process);
  }

  private void printLines(String id, Process process) {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        out.println("[" + id + "] " + line);
      }
    } catch (IOException e) {
      // The node's output closed with it.
    }
  }

  /** Waits until the node answers {@code /readyz} with 200; what went wrong otherwise. */
  private static String awaitReady(HttpClient http, Node node) throws InterruptedException {
    HttpRequest readyz =
        HttpRequest.newBuilder(node.httpUri().resolve("/readyz"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!node.process().isAlive()) {
        return node.id() + " exited with code " + node.process().exitValue();
      }
      try {
        if (http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return null;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      Thread.sleep(250);
    }
    return node.id() + " was not ready within " + READY_TIMEOUT.toSeconds() + " seconds";
  }

  private void printWelcome(List<Node> nodes) {
    out.println();
    out.println("Parley cluster of " + nodes.size() + " nodes is running.");
    for (Node node : nodes) {
      out.println(
          "  "
              + node.id()
              + "  chat "
              + node.webSocketUri()
              + "   web page "
              + node.httpUri()
              + "   pid "
              + node.process().pid());
    }
    String urls =
        nodes.stream().map(n -> "--url " + n.webSocketUri()).collect(Collectors.joining(" "));
    out.println("Chat from a terminal through all three (it moves on when one stops):");
    out.println("  java -jar examples/target/parley-cli.jar --user bob " + urls);
    out.println("Stop one node with `kill <pid>`: it drains, and its clients move to the others.");
    out.println("Press Ctrl-C to stop all of them.");
    out.println();
  }

  /** Asks every node still running to stop (SIGTERM: they drain), waits, then kills stragglers. */
  private void stopAll(List<Node> nodes) {
    List<Node> running = nodes.stream().filter(n -> n.process().isAlive()).toList();
    if (running.isEmpty()) {
      return;
    }
    out.println("Stopping " + running.size() + " nodes; each drains first...");
    running.forEach(n -> n.process().destroy());
    long deadline = System.nanoTime() + EXIT_TIMEOUT.toNanos();
    for (Node node : running) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!node.process().waitFor(left, TimeUnit.NANOSECONDS)) {
          out.println("[" + node.id() + "] did not stop in time; killing it");
          node.process().destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        node.process().destroyForcibly();
      }
    }
  }

  /**
   * The class path to start the nodes with: the one this class was loaded from. Run by Maven's exec
   * plugin, that is the plugin's class loader, not {@code java.class.path}.
   */
  static String classPath() {
    if (ClusterDemo.class.getClassLoader() instanceof URLClassLoader loader
        && loader != ClassLoader.getSystemClassLoader()) {
      List<String> entries = new ArrayList<>();
      for (URL url : loader.getURLs()) {
        try {
          entries.add(Path.of(url.toURI()).toString());
        } catch (URISyntaxException | IllegalArgumentException e) {
          throw new IllegalStateException("cannot use class path entry " + url, e);
        }
      }
      return String.join(File.pathSeparator, entries);
    }
    return System.getProperty("java.class.path");
  }

  /** Runs the demo cluster; see the type's description. */
  public static void main(String[] args) {
    int exitCode = new CommandLine(new ClusterDemo()).execute(args);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }
}
