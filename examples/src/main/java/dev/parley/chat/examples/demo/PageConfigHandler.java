package dev.parley.chat.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Answers {@code GET /config.json} with where the page finds the chat endpoint: {@code
 * {"webSocketPort":8080,"webSocketPath":"/chat"}}. The page combines them with the host it was
 * loaded from, so it works whatever name the browser used for the server. Thread-safe.
 */
final class PageConfigHandler implements HttpHandler {
  private final Supplier<URI> webSocketUri;

  /**
   * A handler that reports the given endpoint.
   *
   * @param webSocketUri the server's WebSocket endpoint, read on each request (the port is known
   *     only once the server has started)
   */
  PageConfigHandler(Supplier<URI> webSocketUri) {
    this.webSocketUri = Objects.requireNonNull(webSocketUri, "webSocketUri");
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      URI uri = webSocketUri.get();
      byte[] body =
          ("{\"webSocketPort\":"
                  + uri.getPort()
                  + ",\"webSocketPath\":\""
                  + jsonEscape(uri.getRawPath())
                  + "\"}")
              .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static String jsonEscape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
