package dev.parley.chat.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.spi.ServerTls;
import dev.parley.chat.testkit.tls.TestCertificates;
import dev.parley.chat.testkit.tls.TestCertificates.Issued;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo with {@code --tls}: the page over https, the chat over wss. */
class DemoTlsIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path certificates;

  @Test
  void servesThePageOverHttpsAndTheChatOverWss() throws Exception {
    Issued issued = TestCertificates.issue(certificates, "demo", "EC", "ip:127.0.0.1");
    DemoLogin login = DemoLogin.generate(Clock.systemUTC());
    ChatServer server =
        DemoServer.start(
            "127.0.0.1",
            0,
            0,
            new InMemoryMessageStore(),
            ChatServer::webSocketUri,
            login,
            ServerTls.fromPem(issued.certificatePem(), issued.keyPem()));
    try (ChatClient client =
        ChatClient.builder()
            .endpoint(server.webSocketUri())
            .trustStore(TestCertificates.trustStore(issued.certificate()))
            .build()) {
      URI page = server.httpUri().orElseThrow();
      assertThat(page.getScheme()).isEqualTo("https");
      HttpClient https =
          HttpClient.newBuilder()
              .sslContext(TestCertificates.clientContext(issued.certificate()))
              .build();
      HttpResponse<String> index =
          https.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(index.statusCode()).isEqualTo(200);
      assertThat(index.headers().firstValue("Strict-Transport-Security")).isPresent();
      // the page logs in over https too
      HttpResponse<String> loggedIn =
          https.send(
              HttpRequest.newBuilder(page.resolve("/login?name=alice"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(loggedIn.statusCode()).isEqualTo(200);
      assertThat(loggedIn.body()).contains("\"token\":\"");

      assertThat(server.webSocketUri().getScheme()).isEqualTo("wss");
      client
          .connect(login.issue(UserId.of("alice")), new ChatListener() {})
          .get(WAIT.toMillis(), TimeUnit.MILLISECONDS)
          .join(dev.parley.chat.api.RoomId.of("lobby"))
          .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      server.close();
    }
  }
}
