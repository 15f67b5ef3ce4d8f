package dev.parley.chat.client.internal;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback answering {@code /readyz} the way a Parley node's HTTP side does,
 * with a status and load headers the test sets; or holding every request (to time probes out).
 * Thread-safe.
 */
final class ProbeServer implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile int status = 200;
  private volatile boolean hold;
  private volatile Map<String, String> headers = Map.of();

  ProbeServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext(
        "/readyz",
        exchange -> {
          requests.incrementAndGet();
          try (exchange) {
            if (hold) {
              release.await();
            }
            headers.forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(status, -1);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/readyz");
  }

  ProbeServer answer(int status, Map<String, String> headers) {
    this.status = status;
    this.headers = Map.copyOf(headers);
    return this;
  }

  ProbeServer hold() {
    this.hold = true;
    return this;
  }

  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    ((ExecutorService) server.getExecutor()).shutdownNow();
  }
}
