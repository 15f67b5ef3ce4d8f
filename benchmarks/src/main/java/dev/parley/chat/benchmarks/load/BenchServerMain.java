package dev.parley.chat.benchmarks.load;

import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.DevelopmentAuthenticator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The server side of the load benchmark, run as its own JVM so that its open files, heap and RSS
 * are its own: {@code <kind> <port>} where kind is {@code b1} (bare Java-WebSocket broadcast),
 * {@code b2} (bare Netty broadcast) or {@code parley[:<transport>][+metrics]} (an embedded Parley
 * server with its in-memory store, on its default transport (Netty) or the named one: {@code jws}
 * or {@code java-websocket} for Java-WebSocket, {@code netty} for Netty; with {@code +metrics} it
 * records its meters in a Prometheus registry, without it it records none).
 *
 * <p>Prints {@code READY <port>}, then answers commands on stdin, one per line: {@code heap}
 * (prints {@code HEAP <bytes used after a full GC>}), {@code quit}. Not thread-safe: one command at
 * a time.
 */
public final class BenchServerMain {
  private BenchServerMain() {}

  /**
   * Runs one server until {@code quit} or end of input.
   *
   * @param args kind and port
   */
  public static void main(String[] args) throws Exception {
    String kind = args[0];
    int port = Integer.parseInt(args[1]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    InetSocketAddress bind = new InetSocketAddress("127.0.0.1", port);
    int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
    AutoCloseable server;
    int bound;
    if (kind.equals("b1") || kind.equals("b2")) {
      BaselineServer baseline =
          kind.equals("b1")
              ? new JwsBroadcastServer(bind, workers)
              : new NettyBroadcastServer(bind, workers);
      bound = baseline.startAndAwait();
      server = baseline;
    } else if (kind.startsWith("parley")) {
      boolean metrics = kind.endsWith(Systems.METRICS);
      var builder =
          ChatServer.builder()
              .host("127.0.0.1")
              .port(port)
              .disableHttp()
              .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
              .maxConnections(19_000)
              // the load comes from 8 loopback addresses, as its users' sends go: no less than
              // the per-connection limits allow, so that the measurement stays what it was
              .maxConnectionsPerAddress(19_000)
              .userSendRate(
                  ChatServerBuilder.DEFAULT_REQUESTS_PER_SECOND,
                  ChatServerBuilder.DEFAULT_REQUEST_BURST);
      String transport = Systems.transportOf(kind);
      if (transport != null) {
        builder.transport(transport);
      }
      // Metrics on: a Prometheus registry, as an application that exposes /metrics has one.
      // Off: no registry at all (not even the global one), the server records nothing.
      builder.meterRegistry(metrics ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null);
      ChatServer chat = builder.build().start();
      bound = chat.address().getPort();
      server = chat;
    } else {
      throw new IllegalArgumentException("unknown server kind " + kind);
    }
    out.println("READY " + bound);
    try (server;
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals("heap")) {
          out.println("HEAP " + heapAfterGc());
        } else if (line.equals("quit")) {
          break;
        }
      }
    }
    System.exit(0);
  }

  private static long heapAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
