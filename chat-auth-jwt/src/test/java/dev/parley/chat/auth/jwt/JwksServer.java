package dev.parley.chat.auth.jwt;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A JWKS endpoint on 127.0.0.1 (the JDK's HTTP server): serves the public parts of the keys it is
 * given, counts the fetches, and can answer 503 as an identity provider that is down does.
 */
final class JwksServer implements AutoCloseable {
  private final HttpServer server;
  private final AtomicReference<String> document = new AtomicReference<>("{\"keys\":[]}");
  private final AtomicInteger fetches = new AtomicInteger();
  private final AtomicBoolean down = new AtomicBoolean();

  JwksServer(List<? extends JWK> keys) throws IOException {
    serve(keys);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/jwks.json",
        exchange -> {
          fetches.incrementAndGet();
          byte[] body =
              down.get()
                  ? "down".getBytes(StandardCharsets.UTF_8)
                  : document.get().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(down.get() ? 503 : 200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  /** Serves the public parts of {@code keys} from now on. */
  void serve(List<? extends JWK> keys) {
    document.set(new JWKSet(List.copyOf(keys)).toPublicJWKSet().toString());
  }

  /** Answers 503 ({@code true}) or the keys ({@code false}). */
  void down(boolean down) {
    this.down.set(down);
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
  }

  int fetches() {
    return fetches.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
