package dev.parley.chat.examples.configuration;

import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ProximityPolicy;
import dev.parley.chat.examples.auth.SignedTokenAuthenticator;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.ServerTls;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import dev.parley.chat.store.jdbc.Retention;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The configuration examples of docs/configuration.md, compiled. {@code DocSnippetsTest} keeps the
 * page equal to the code between the {@code snippet} markers.
 */
public final class ConfigurationSample {
  private ConfigurationSample() {}

  /** A server configured beyond the defaults; not started. */
  static ChatServer server(String secretFromEnvironment) {
    // snippet:start server
    byte[] secret = secretFromEnvironment.getBytes(StandardCharsets.UTF_8);
    ChatServer server =
        ChatServer.builder()
            .host("0.0.0.0") // every interface; TLS is terminated by the proxy in front
            .port(7450)
            .httpPort(7451) // /healthz and /readyz for the load balancer
            .authenticator(new SignedTokenAuthenticator(secret, Clock.systemUTC()))
            .roomPolicy((user, room) -> !room.isDirect() || room.isDirectMember(user))
            .messageStore(new InMemoryMessageStore(50_000)) // newest 50,000 per room
            .maxTextBytes(4 * 1024)
            .requestRate(50, 100) // per session: 50 a second, bursts of 100
            .build();
    // snippet:end server
    return server;
  }

  /** Durable stores on H2 and on PostgreSQL; built (tables created), not yet given to a server. */
  static JdbcMessageStore[] stores(Path dataDir, String pgPassword) {
    // snippet:start store
    // Embedded: one H2 file, nothing to install.
    JdbcMessageStore h2 = JdbcMessageStore.builder().h2File(dataDir.resolve("chat")).build();

    // PostgreSQL, with retention: each room keeps its newest 100,000 messages, none over 90 days.
    JdbcMessageStore postgres =
        JdbcMessageStore.builder()
            .jdbcUrl("jdbc:postgresql://db.internal:5432/app", "parley", pgPassword)
            .schema("parley")
            .retention(Retention.keepLatest(100_000).andKeepFor(Duration.ofDays(90)))
            .build();
    // snippet:end store
    return new JdbcMessageStore[] {h2, postgres};
  }

  /** A server serving wss:// and https:// itself, renewing its certificate as the files change. */
  static ChatServer tlsServer(Authenticator authenticator, ScheduledExecutorService scheduler) {
    // snippet:start tls
    ServerTls tls =
        ServerTls.fromPem(Path.of("/etc/parley/chain.pem"), Path.of("/etc/parley/key.pem"));
    ChatServer server = ChatServer.builder().authenticator(authenticator).tls(tls).build();
    // new handshakes get renewed files; open connections carry on
    scheduler.scheduleWithFixedDelay(tls::reloadIfChanged, 1, 1, TimeUnit.MINUTES);
    // snippet:end tls
    return server;
  }

  /** A client that trusts a private certificate authority; not connected. */
  static ChatClient privateCaClient(KeyStore companyCa) {
    // snippet:start trust
    ChatClient client =
        ChatClient.builder()
            .endpoint(URI.create("wss://chat.internal:7450/chat"))
            .trustStore(companyCa) // instead of the JDK's default trust store
            .build();
    // snippet:end trust
    return client;
  }

  /** A client configured beyond the defaults; not connected. */
  static ChatClient client(Executor uiThread) {
    // snippet:start client
    ChatClient client =
        ChatClient.builder()
            .endpoint(URI.create("wss://chat-1.example.com/chat"))
            .endpoint(URI.create("wss://chat-2.example.com/chat")) // tried when the first fails
            .clientInfo("my-app", "2.3.0")
            .reconnectBackoff(Duration.ofMillis(500), Duration.ofSeconds(20))
            .callbackExecutor(uiThread) // listener calls arrive on the UI thread
            .build();
    // snippet:end client
    return client;
  }

  /** A client given two regions' endpoints, nearest first; not connected. */
  static ChatClient regionalClient() {
    // snippet:start proximity
    URI eu = URI.create("wss://eu.chat.example.com/chat");
    URI us = URI.create("wss://us.chat.example.com/chat");
    ChatClient client =
        ChatClient.builder()
            .endpoint(eu)
            .endpoint(us)
            .proximity(
                ProximityPolicy.byRoundTrip() // each region's balancer passes /readyz through
                    .probe(eu, URI.create("https://eu.chat.example.com/readyz"))
                    .probe(us, URI.create("https://us.chat.example.com/readyz")))
            .build();
    // snippet:end proximity
    return client;
  }
}
