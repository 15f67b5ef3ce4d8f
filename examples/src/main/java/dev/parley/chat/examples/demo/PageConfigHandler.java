package dev.parley.chat.examples.demo;

import dev.parley.chat.server.PageHandler;
import dev.parley.chat.server.PageRequest;
import dev.parley.chat.server.PageResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Answers {@code GET /config.json} with where the page finds the chat endpoint: {@code
 * {"webSocketPort":7450,"webSocketPath":"/chat"}}. The page combines them with the host it was
 * loaded from, so it works whatever name the browser used for the server. Thread-safe.
 */
final class PageConfigHandler implements PageHandler {
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
  public PageResponse handle(PageRequest request) {
    if (!"GET".equals(request.method()) && !"HEAD".equals(request.method())) {
      return PageResponse.of(405, "text/plain; charset=utf-8", new byte[0])
          .withHeader("Allow", "GET, HEAD");
    }
    URI uri = webSocketUri.get();
    byte[] body =
        ("{\"webSocketPort\":"
                + uri.getPort()
                + ",\"webSocketPath\":\""
                + jsonEscape(uri.getRawPath())
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    return PageResponse.of(200, "application/json", body)
        .withHeader("Cache-Control", "no-store")
        .withHeader("X-Content-Type-Options", "nosniff");
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
