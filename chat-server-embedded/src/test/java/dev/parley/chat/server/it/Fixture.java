package dev.parley.chat.server.it;

import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatClientBuilder;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.DevelopmentAuthenticator;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A real server on a loopback port and the clients a test opens against it; closes them all. */
final class Fixture implements AutoCloseable {
  final ChatServer server;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  Fixture() throws IOException {
    this(b -> {});
  }

  Fixture(Consumer<ChatServerBuilder> configure) throws IOException {
    ChatServerBuilder builder =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .httpPort(0)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME);
    configure.accept(builder);
    server = builder.build().start();
  }

  ChatClient client() {
    return client(server.webSocketUri(), b -> {});
  }

  ChatClient client(URI endpoint, Consumer<ChatClientBuilder> configure) {
    ChatClientBuilder builder =
        ChatClient.builder()
            .endpoint(endpoint)
            .random(new Random(1))
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(500));
    configure.accept(builder);
    ChatClient client = builder.build();
    toClose.add(0, client);
    return client;
  }

  /** The server's Server-Sent Events endpoint (its HTTP side + {@code /chat/sse}). */
  URI sseUri() {
    return server.httpUri().orElseThrow().resolve("/chat/sse");
  }

  /** The endpoint of {@code transport}: {@code "websocket"} or {@code "sse"}. */
  URI endpoint(String transport) {
    return switch (transport) {
      case "websocket" -> server.webSocketUri();
      case "sse" -> sseUri();
      default -> throw new IllegalArgumentException("no transport " + transport);
    };
  }

  /** Connects a new session as {@code user} on its own client over {@code transport}. */
  ChatSession connect(String user, RecordingListener listener, String transport) throws Exception {
    return client(endpoint(transport), b -> {}).connect(user, listener).get(10, TimeUnit.SECONDS);
  }

  /** Connects a new session as {@code user} on its own client. */
  ChatSession connect(String user, RecordingListener listener) throws Exception {
    return client().connect(user, listener).get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing " + c, e);
      }
    }
    server.close();
  }
}
