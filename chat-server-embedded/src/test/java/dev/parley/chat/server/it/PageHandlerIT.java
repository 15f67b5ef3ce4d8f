package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.PageRequest;
import dev.parley.chat.server.PageResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The application's page handlers on a real server's HTTP side, asked over real HTTP. */
class PageHandlerIT {
  private final List<PageRequest> requests = new CopyOnWriteArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private ChatServer server;

  @BeforeEach
  void start() throws IOException {
    server =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .httpPort(0)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .httpHandler(
                "/hello",
                request -> {
                  requests.add(request);
                  return PageResponse.text(200, "hello " + request.relativePath().orElse("?"))
                      .withHeader("Cache-Control", "no-store");
                })
            .httpHandler(
                "/broken",
                request -> {
                  throw new IOException("the page cannot be read");
                })
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aHandlerGetsTheRequestAndItsResponseIsSent() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri("/hello/world?lang=en"))
                .header("X-Probe", "1")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("hello world");
    assertThat(response.headers().firstValue("content-type")).contains("text/plain; charset=utf-8");
    assertThat(response.headers().firstValue("cache-control")).contains("no-store");
    PageRequest request = requests.get(0);
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.mountPath()).isEqualTo("/hello");
    assertThat(request.path()).isEqualTo("/hello/world");
    assertThat(request.query()).isEqualTo("lang=en");
    assertThat(request.header("x-PROBE")).contains("1");
  }

  @Test
  void headGetsTheHeadersWithoutTheBody() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri("/hello/world"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().firstValue("cache-control")).contains("no-store");
  }

  @Test
  void aFailingHandlerIsAnsweredWith500AndTheServerGoesOn() throws Exception {
    HttpResponse<String> broken =
        http.send(
            HttpRequest.newBuilder(uri("/broken")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(uri("/healthz")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(broken.statusCode()).isEqualTo(500);
    assertThat(broken.body()).isEqualTo("internal error\n");
    assertThat(health.statusCode()).isEqualTo(200);
  }

  private URI uri(String pathAndQuery) {
    return server.httpUri().orElseThrow().resolve(pathAndQuery);
  }
}
