package dev.parley.chat.benchmarks.load;

import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.PageResponse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The server side of the load benchmark, run as its own JVM so that its open files, heap and RSS
 * are its own: {@code <kind> <port>} where kind is {@code b1} (bare Java-WebSocket broadcast),
 * {@code b2} (bare Netty broadcast) or {@code parley[:<transport>][+metrics]} (an embedded Parley
 * server with its in-memory store, on its default transport (Netty) or the named one: {@code jws}
 * or {@code java-websocket} for Java-WebSocket, {@code netty} for Netty; with {@code +metrics} it
 * records its meters in a Prometheus registry, without it it records none). The compression
 * benchmark adds flags to a Parley kind: {@value #HTTP} (the HTTP side on, with a transcript page),
 * {@value #DEFLATE} and {@value #DEFLATE_ALL} (WebSocket {@code permessage-deflate}).
 *
 * <p>Prints {@code READY <port>}, then answers commands on stdin, one per line: {@code heap}
 * (prints {@code HEAP <bytes used after a full GC>}), {@code http} (prints {@code HTTP <the HTTP
 * side's port>}, -1 without one), {@code quit}. Not thread-safe: one command at a time.
 */
public final class BenchServerMain {
  /**
   * Flag of a Parley kind: the HTTP side on, serving a chat transcript at {@value
   * #TRANSCRIPT_PATH}.
   */
  static final String HTTP = "+http";

  /** Flag of a Parley kind: {@code permessage-deflate} with its defaults. */
  static final String DEFLATE = "+deflate";

  /** Flag of a Parley kind: {@code permessage-deflate} for messages of every size. */
  static final String DEFLATE_ALL = "+deflateall";

  /** Where a {@value #HTTP} server serves its transcript page. */
  static final String TRANSCRIPT_PATH = "/transcript";

  /** Messages on the transcript page. */
  static final int TRANSCRIPT_MESSAGES = 200;

  private BenchServerMain() {}

  /** An HTML page of {@value #TRANSCRIPT_MESSAGES} chat messages, the same in every run. */
  static byte[] transcript() {
    ChatText text = new ChatText(7);
    StringBuilder html =
        new StringBuilder(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Transcript</title></head>\n<body>\n<ol class=\"messages\">\n");
    for (int i = 1; i <= TRANSCRIPT_MESSAGES; i++) {
      html.append("<li class=\"message\" data-seq=\"")
          .append(i)
          .append("\"><span class=\"sender\">user")
          .append(i % 17)
          .append("</span> <time>2026-12-06T10:")
          .append(String.format("%02d:%02d", i / 60 % 60, i % 60))
          .append("Z</time> <p>")
          .append(text.next().replace("&", "&amp;").replace("<", "&lt;"))
          .append("</p></li>\n");
    }
    return html.append("</ol>\n</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
  }

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
    int httpPort = -1;
    if (kind.equals("b1") || kind.equals("b2")) {
      BaselineServer baseline =
          kind.equals("b1")
              ? new JwsBroadcastServer(bind, workers)
              : new NettyBroadcastServer(bind, workers);
      bound = baseline.startAndAwait();
      server = baseline;
    } else if (kind.startsWith("parley")) {
      // the compression benchmark's flags; what is left is a system name as the others know it
      boolean http = kind.contains(HTTP);
      String compression =
          kind.contains(DEFLATE_ALL) ? DEFLATE_ALL : kind.contains(DEFLATE) ? DEFLATE : null;
      kind = kind.replace(HTTP, "").replace(DEFLATE_ALL, "").replace(DEFLATE, "");
      boolean metrics = kind.endsWith(Systems.METRICS);
      var builder =
          ChatServer.builder()
              .host("127.0.0.1")
              .port(port)
              .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
              .maxConnections(19_000)
              // the load comes from 8 loopback addresses, as its users' sends go: no less than
              // the per-connection limits allow, so that the measurement stays what it was
              .maxConnectionsPerAddress(19_000)
              .userSendRate(
                  ChatServerBuilder.DEFAULT_REQUESTS_PER_SECOND,
                  ChatServerBuilder.DEFAULT_REQUEST_BURST);
      if (http) {
        byte[] page = transcript();
        builder
            .httpPort(0)
            .httpHandler(
                TRANSCRIPT_PATH, request -> PageResponse.of(200, "text/html; charset=utf-8", page));
      } else {
        builder.disableHttp();
      }
      CompressionSettings.apply(builder, compression);
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
      httpPort = chat.httpUri().map(URI::getPort).orElse(-1);
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
        } else if (line.equals("http")) {
          out.println("HTTP " + httpPort);
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
