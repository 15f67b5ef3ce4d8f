package dev.parley.chat.server.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.parley.chat.server.PageHandler;
import dev.parley.chat.server.PageRequest;
import dev.parley.chat.server.PageResponse;
import dev.parley.chat.spi.ServerTls;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's plain-HTTP side on the JDK's {@code com.sun.net.httpserver}: {@code /healthz}
 * (alive), {@code /readyz} (taking traffic) and the application's own handlers. Runs on its own
 * small executor so a slow page never delays chat traffic. Thread-safe.
 *
 * <p>Every answer carries {@link #SECURITY_HEADERS} (no MIME sniffing, no referrer, not to be
 * framed); an application's handler may replace any of them with its own value. The server's own
 * answers (health, 404, a failed handler's 500) are also {@code Cache-Control: no-store} and have a
 * content security policy that allows nothing.
 *
 * <p>{@code /readyz} also reports the node's load, for clients that rank nodes by round trip (the
 * client's {@code ProximityPolicy}): {@value #CONNECTIONS_HEADER} (open sessions), {@value
 * #MAX_CONNECTIONS_HEADER} (the limit) and {@value #SATURATED_HEADER} ({@code true} from {@value
 * #SATURATED_PERCENT}% of the limit on). A saturated node still answers 200: it still takes
 * sessions, clients that can choose just prefer another.
 *
 * <p>The server's own endpoints (attachment uploads and downloads) are {@link HttpHandler}s by
 * path, registered like the SSE endpoint; each hands its requests at once to its own bounded pool.
 *
 * <p>With an {@link SseEndpoint} it also serves the protocol over Server-Sent Events and POSTs,
 * whose requests are handed at once to the endpoint's own bounded pools.
 *
 * <p>An application's answers are compressed (gzip, or Brotli when Brotli4j is on the class path)
 * when the client's {@code Accept-Encoding} allows and the body is large and compressible enough;
 * see {@link HttpCompression}.
 *
 * <p>With {@link ServerTls} it is HTTPS ({@code HttpsServer}, TLS 1.3 and 1.2, the same reloadable
 * certificate as the WebSocket endpoint) and every response carries {@value #HSTS}.
 */
final class HttpSide {
  private static final Logger log = LoggerFactory.getLogger(HttpSide.class);
  private static final int THREADS = 2;
  static final String HSTS = "Strict-Transport-Security: max-age=31536000";
  static final String HSTS_VALUE = "max-age=31536000";

  /** Headers on every answer, unless an application's handler sets its own value. */
  static final Map<String, String> SECURITY_HEADERS =
      Map.of(
          "X-Content-Type-Options", "nosniff",
          "Referrer-Policy", "no-referrer",
          "X-Frame-Options", "DENY");

  /** More headers on the server's own plain-text answers. */
  static final Map<String, String> OWN_ANSWER_HEADERS =
      Map.of(
          "Cache-Control", "no-store",
          "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");

  static final String CONNECTIONS_HEADER = "Parley-Connections";
  static final String MAX_CONNECTIONS_HEADER = "Parley-Max-Connections";
  static final String SATURATED_HEADER = "Parley-Saturated";
  static final int SATURATED_PERCENT = 90;

  private final HttpServer server;
  private final ExecutorService executor;
  private final SseEndpoint sse;

  HttpSide(
      InetSocketAddress bind,
      BooleanSupplier ready,
      IntSupplier connections,
      int maxConnections,
      Map<String, PageHandler> handlers,
      ServerTls tls,
      SseEndpoint sse,
      Map<String, HttpHandler> endpoints)
      throws IOException {
    if (sse != null && handlers.containsKey(sse.basePath())) {
      throw new IllegalStateException(
          sse.basePath()
              + " is the Server-Sent Events endpoint; serve the page handler under another path, or"
              + " turn the endpoint off with serverSentEvents(false)");
    }
    for (String path : endpoints.keySet()) {
      if (handlers.containsKey(path)) {
        throw new IllegalStateException(
            path
                + " is one of the server's own endpoints; serve the page handler under another path");
      }
    }
    this.sse = sse;
    this.server = bind(bind, tls);
    this.executor = Executors.newFixedThreadPool(THREADS, threads("parley-http-"));
    server.setExecutor(executor);
    boolean secure = tls != null;
    server.createContext("/healthz", exchange -> respond(exchange, 200, "ok\n", secure));
    server.createContext(
        "/readyz",
        exchange -> {
          boolean isReady = ready.getAsBoolean();
          int open = connections.getAsInt();
          exchange.getResponseHeaders().set(CONNECTIONS_HEADER, Integer.toString(open));
          exchange
              .getResponseHeaders()
              .set(MAX_CONNECTIONS_HEADER, Integer.toString(maxConnections));
          exchange
              .getResponseHeaders()
              .set(SATURATED_HEADER, Boolean.toString(saturated(open, maxConnections)));
          respond(exchange, isReady ? 200 : 503, isReady ? "ready\n" : "not ready\n", secure);
        });
    if (sse != null) {
      server.createContext(sse.basePath(), sse);
    }
    endpoints.forEach(server::createContext);
    handlers.forEach(
        (path, handler) ->
            server.createContext(path, exchange -> serve(exchange, path, handler, secure)));
    if (!handlers.containsKey("/")) {
      // the JDK's own 404 would go out without the headers
      server.createContext("/", exchange -> respond(exchange, 404, "not found\n", secure));
    }
  }

  /** Whether {@code open} sessions are {@value #SATURATED_PERCENT}% of {@code max} or more. */
  static boolean saturated(int open, int max) {
    return (long) open * 100 >= (long) max * SATURATED_PERCENT;
  }

  /** Runs an application's handler on one exchange and writes what it returns. */
  private static void serve(
      HttpExchange exchange, String mountPath, PageHandler handler, boolean secure)
      throws IOException {
    try (exchange) {
      PageRequest request =
          new PageRequest(
              exchange.getRequestMethod(),
              mountPath,
              exchange.getRequestURI().getPath(),
              exchange.getRequestURI().getRawQuery() == null
                  ? ""
                  : exchange.getRequestURI().getRawQuery(),
              exchange.getRequestHeaders());
      PageResponse response;
      try {
        response = handler.handle(request);
        if (response == null) {
          throw new IllegalStateException("the handler returned null");
        }
      } catch (IOException | RuntimeException e) {
        log.warn(
            "HTTP handler for {} failed on {} {}", mountPath, request.method(), request.path(), e);
        response = PageResponse.text(500, "internal error\n");
        OWN_ANSWER_HEADERS.forEach(exchange.getResponseHeaders()::set);
      }
      SECURITY_HEADERS.forEach(exchange.getResponseHeaders()::set);
      response.headers().forEach(exchange.getResponseHeaders()::set); // the handler's win
      if (secure) {
        exchange.getResponseHeaders().set("Strict-Transport-Security", HSTS_VALUE);
      }
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      boolean head = "HEAD".equals(request.method());
      byte[] body =
          HttpCompression.encode(
              exchange.getRequestHeaders(),
              exchange.getResponseHeaders(),
              response.status(),
              response.contentType(),
              response.body());
      if (head || body.length == 0) {
        exchange.sendResponseHeaders(response.status(), -1);
        return;
      }
      exchange.sendResponseHeaders(response.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Binds the HTTP server; a failure names the address and port, which the JDK's does not. */
  private static HttpServer bind(InetSocketAddress address, ServerTls tls) throws IOException {
    try {
      if (tls == null) {
        return HttpServer.create(address, 64);
      }
      HttpsServer https = HttpsServer.create(address, 64);
      https.setHttpsConfigurator(
          new HttpsConfigurator(tls.sslContext()) {
            @Override
            public void configure(HttpsParameters parameters) {
              parameters.setSSLParameters(tls.serverParameters());
            }
          });
      return https;
    } catch (IOException e) {
      String host =
          address.getAddress() == null
              ? address.getHostString()
              : address.getAddress().getHostAddress();
      String message =
          "cannot listen on "
              + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
              + ":"
              + address.getPort()
              + " for the HTTP side (/healthz, /readyz): "
              + e.getMessage();
      IOException named =
          e instanceof BindException ? new BindException(message) : new IOException(message);
      named.initCause(e);
      throw named;
    }
  }

  void start() {
    server.start();
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  void stop() {
    if (sse != null) {
      sse.stop(); // closing events first, while the sockets are still open
    }
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void respond(HttpExchange exchange, int status, String body, boolean secure)
      throws IOException {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      if (secure) {
        exchange.getResponseHeaders().set("Strict-Transport-Security", HSTS_VALUE);
      }
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      SECURITY_HEADERS.forEach(exchange.getResponseHeaders()::set);
      OWN_ANSWER_HEADERS.forEach(exchange.getResponseHeaders()::set);
      if ("HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  static ThreadFactory threads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
