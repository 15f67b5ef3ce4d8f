package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.PageResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The security headers of the HTTP side, read by a real HTTP client: every answer forbids MIME
 * sniffing, referrers and framing; the server's own answers are never cached and allow no content;
 * an application's page may set its own values.
 */
class HttpSecurityHeadersIT {
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
            .httpHandler("/plain", request -> PageResponse.text(200, "plain\n"))
            .httpHandler(
                "/framable",
                request ->
                    PageResponse.text(200, "embed me\n")
                        .withHeader("X-Frame-Options", "SAMEORIGIN")
                        .withHeader("Content-Security-Policy", "frame-ancestors 'self'"))
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
  void healthEndpointsAndTheServersOwnAnswersCarryEveryHeader() throws Exception {
    for (String path : java.util.List.of("/healthz", "/readyz", "/nothing-here", "/broken")) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isIn(200, 404, 500);
      assertThat(header(response, "X-Content-Type-Options")).as(path).isEqualTo("nosniff");
      assertThat(header(response, "Referrer-Policy")).as(path).isEqualTo("no-referrer");
      assertThat(header(response, "X-Frame-Options")).as(path).isEqualTo("DENY");
      assertThat(header(response, "Cache-Control")).as(path).isEqualTo("no-store");
      assertThat(header(response, "Content-Security-Policy"))
          .as(path)
          .isEqualTo("default-src 'none'; frame-ancestors 'none'");
    }
    assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
    assertThat(get("/broken").statusCode()).isEqualTo(500);
  }

  @Test
  void applicationPagesGetTheSafetyHeadersAndMayReplaceThem() throws Exception {
    HttpResponse<String> plain = get("/plain");
    assertThat(plain.body()).isEqualTo("plain\n");
    assertThat(header(plain, "X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(header(plain, "Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(header(plain, "X-Frame-Options")).isEqualTo("DENY");
    assertThat(plain.headers().firstValue("Cache-Control"))
        .as("caching is the page's business")
        .isEmpty();

    HttpResponse<String> framable = get("/framable");
    assertThat(framable.headers().allValues("X-Frame-Options")).containsExactly("SAMEORIGIN");
    assertThat(header(framable, "Content-Security-Policy")).isEqualTo("frame-ancestors 'self'");
    assertThat(header(framable, "X-Content-Type-Options")).isEqualTo("nosniff");
  }

  private HttpResponse<String> get(String path) throws Exception {
    URI uri = server.httpUri().orElseThrow().resolve(path);
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String header(HttpResponse<String> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }
}
