package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.spi.ServerTls;
import dev.parley.chat.testkit.tls.TestCertificates;
import dev.parley.chat.testkit.tls.TestCertificates.Issued;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's SSE transport over {@code https://}: the client's trust store verifies the server's
 * chain, as for {@code wss://}, and a client that does not trust it cannot connect.
 */
class SseTlsIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir static Path certificates;
  private static Issued loopback;
  private static Issued other;
  private ChatServer server;
  private final List<ChatClient> clients = new ArrayList<>();

  @BeforeAll
  static void issue() throws Exception {
    loopback =
        TestCertificates.issue(certificates, "loopback", "RSA", "ip:127.0.0.1", "dns:localhost");
    other = TestCertificates.issue(certificates, "other", "EC", "ip:127.0.0.1");
  }

  @BeforeEach
  void start() throws Exception {
    server =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .httpPort(0)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .tls(ServerTls.fromPem(loopback.certificatePem(), loopback.keyPem()))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    clients.forEach(ChatClient::close);
    server.close();
  }

  private URI sse() {
    return server.httpUri().orElseThrow().resolve("/chat/sse");
  }

  @Test
  void aClientThatTrustsTheServerChatsOverHttps() throws Exception {
    assertThat(sse().getScheme()).isEqualTo("https");
    ChatClient client =
        ChatClient.builder()
            .endpoint(sse())
            .trustStore(TestCertificates.trustStore(loopback.certificate()))
            .build();
    clients.add(client);

    ChatSession session =
        client.connect("alice", new RecordingListener()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    long seq =
        session
            .join(RoomId.of("tls"))
            .get(WAIT.toSeconds(), TimeUnit.SECONDS)
            .send("over https")
            .get(WAIT.toSeconds(), TimeUnit.SECONDS)
            .seq();

    assertThat(seq).isEqualTo(1);
    assertThat(session.endpoint()).contains(sse());
  }

  @Test
  void aClientThatDoesNotTrustTheServerCannotConnect() throws Exception {
    ChatClient client =
        ChatClient.builder()
            .endpoint(sse())
            .connectTimeout(Duration.ofSeconds(3))
            .trustStore(TestCertificates.trustStore(other.certificate()))
            .build();
    clients.add(client);

    assertThatThrownBy(
            () ->
                client
                    .connect("alice", new RecordingListener())
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("certificate");
  }
}
