package dev.parley.chat.examples.demo;

import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The demo's chat web page, served from a server's HTTP side: the page itself at {@code /} and, at
 * {@code /config.json}, where the page finds the chat endpoint. Shared by the demo server and the
 * cluster example's nodes.
 *
 * <p>Thread-safe: it has no state. The page's handlers run on the server's HTTP threads.
 */
public final class WebPage {
  private WebPage() {}

  /**
   * Adds the page to {@code builder} and builds the server. The page is told the endpoint {@code
   * advertised} returns for the built server, asked again each time the page loads (the port is
   * known only once the server has started; tests put a proxy there).
   *
   * @param builder a server builder with everything else set; its handlers for {@code /} and {@code
   *     /config.json} are set here
   * @param advertised the WebSocket endpoint the page should connect to, such as {@link
   *     ChatServer#webSocketUri()}
   * @return the built server, not started
   */
  public static ChatServer build(ChatServerBuilder builder, Function<ChatServer, URI> advertised) {
    Objects.requireNonNull(advertised, "advertised");
    AtomicReference<ChatServer> self = new AtomicReference<>();
    ChatServer server =
        builder
            .httpHandler("/", new StaticResourceHandler(WebPage.class.getClassLoader(), "web"))
            .httpHandler("/config.json", new PageConfigHandler(() -> advertised.apply(self.get())))
            .build();
    self.set(server);
    return server;
  }
}
