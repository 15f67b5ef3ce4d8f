package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatClientBuilder;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.PageResponse;
import dev.parley.chat.spi.ServerTls;
import dev.parley.chat.testkit.tls.TestCertificates;
import dev.parley.chat.testkit.tls.TestCertificates.Issued;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server serving {@code wss://} and {@code https://} on the default transport, and the Java
 * client verifying it: chat over TLS, refusals with a sentence that says what is wrong, and the
 * HTTP side over TLS with Strict-Transport-Security.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsChatIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final RoomId ROOM = RoomId.of("general");

  @TempDir static Path certificates;
  private static Issued loopback;
  private static Issued elsewhere;

  private ChatServer server;
  private final List<ChatClient> clients = new ArrayList<>();

  @BeforeAll
  static void issue() throws Exception {
    loopback =
        TestCertificates.issue(certificates, "loopback", "RSA", "ip:127.0.0.1", "dns:localhost");
    elsewhere = TestCertificates.issue(certificates, "elsewhere", "EC", "ip:127.0.0.2");
  }

  @AfterEach
  void stop() {
    for (ChatClient client : clients) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static final class Inbox implements ChatListener {
    final BlockingQueue<ChatMessage> messages = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(ChatSession session, MessageEvent event) {
      messages.add(event.message());
    }
  }

  private void start(Issued issued) throws Exception {
    server =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .httpPort(0)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .tls(ServerTls.fromPem(issued.certificatePem(), issued.keyPem()))
            .httpHandler("/page", request -> PageResponse.text(200, "a page"))
            .build()
            .start();
  }

  private ChatClient client(ChatClientBuilder builder) {
    ChatClient client = builder.build();
    clients.add(client);
    return client;
  }

  @Test
  void twoClientsThatTrustTheServerChatOverWss() throws Exception {
    start(loopback);
    assertThat(server.webSocketUri().getScheme()).isEqualTo("wss");
    Inbox bobInbox = new Inbox();
    ChatClient alice =
        client(
            ChatClient.builder()
                .endpoint(server.webSocketUri())
                .trustStore(TestCertificates.trustStore(loopback.certificate())));
    ChatClient bob =
        client(
            ChatClient.builder()
                .endpoint(server.webSocketUri())
                .trustStore(TestCertificates.trustStore(loopback.certificate())));
    RoomHandle aliceRoom =
        alice
            .connect("alice", new Inbox())
            .get(WAIT.toMillis(), TimeUnit.MILLISECONDS)
            .join(ROOM)
            .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    bob.connect("bob", bobInbox)
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .join(ROOM)
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(aliceRoom.send("over tls").get(WAIT.toMillis(), TimeUnit.MILLISECONDS).seq())
        .isEqualTo(1);
    ChatMessage received = bobInbox.messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(received).isNotNull();
    assertThat(received.text()).isEqualTo("over tls");
  }

  @Test
  void aClientWithTheDefaultTrustStoreIsToldTheCertificateIsNotTrusted() throws Exception {
    start(loopback);
    ChatClient client =
        client(
            ChatClient.builder()
                .endpoint(server.webSocketUri())
                .connectTimeout(Duration.ofSeconds(5)));
    assertThatThrownBy(
            () -> client.connect("carol", new Inbox()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ChatException.class)
        .hasMessageContaining("is not trusted")
        .hasMessageContaining("trustStore");
  }

  @Test
  void aClientIsToldWhenTheCertificateIsForAnotherHost() throws Exception {
    start(elsewhere);
    ChatClient client =
        client(
            ChatClient.builder()
                .endpoint(server.webSocketUri())
                .trustStore(TestCertificates.trustStore(elsewhere.certificate())));
    assertThatThrownBy(
            () -> client.connect("dave", new Inbox()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ChatException.class)
        .hasMessageContaining("is not for the host 127.0.0.1");
  }

  @Test
  void theHttpSideServesHttpsWithStrictTransportSecurity() throws Exception {
    start(loopback);
    URI base = server.httpUri().orElseThrow();
    assertThat(base.getScheme()).isEqualTo("https");
    HttpClient https =
        HttpClient.newBuilder()
            .sslContext(TestCertificates.clientContext(loopback.certificate()))
            .build();
    for (String path : List.of("healthz", "readyz", "page")) {
      HttpResponse<String> response =
          https.send(
              HttpRequest.newBuilder(base.resolve(path)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.headers().firstValue("Strict-Transport-Security"))
          .as(path)
          .hasValue("max-age=31536000");
    }
    HttpClient untrusting = HttpClient.newHttpClient();
    assertThatThrownBy(
            () ->
                untrusting.send(
                    HttpRequest.newBuilder(base.resolve("healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void trustStoreAndSslContextAreExclusive() throws Exception {
    ChatClientBuilder builder =
        ChatClient.builder()
            .endpoint(URI.create("wss://127.0.0.1:1/chat"))
            .trustStore(TestCertificates.trustStore(loopback.certificate()));
    assertThatThrownBy(
            () -> builder.sslContext(TestCertificates.clientContext(loopback.certificate())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("trustStore(...)");
  }
}
