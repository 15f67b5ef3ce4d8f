package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.PageResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Content coding of the HTTP side's answers, asked over real HTTP with the JDK's client. */
class HttpCompressionIT {
  private static final byte[] PAGE = page(20_000);
  private static final byte[] PNG = pseudoRandom(8_000);

  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** One server for every test: its handlers keep no state. */
  private static ChatServer server;

  @BeforeAll
  static void start() throws IOException {
    server =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .httpPort(0)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .httpHandler("/page", request -> PageResponse.of(200, "text/html; charset=utf-8", PAGE))
            .httpHandler("/image", request -> PageResponse.of(200, "image/png", PNG))
            .httpHandler(
                "/precompressed",
                request ->
                    PageResponse.of(200, "application/javascript", gzip(PAGE))
                        .withHeader("Content-Encoding", "gzip"))
            .build()
            .start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void withoutAcceptEncodingTheBodyGoesOutAsItIs() throws Exception {
    HttpResponse<byte[]> response = get("/page", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-encoding")).isEmpty();
    assertThat(response.headers().firstValue("vary")).contains("Accept-Encoding");
    assertThat(response.headers().firstValueAsLong("content-length")).hasValue(PAGE.length);
    assertThat(response.body()).isEqualTo(PAGE);
  }

  @Test
  void gzipIsSentWhenAskedForAndDecodesToTheOriginal() throws Exception {
    HttpResponse<byte[]> response = get("/page", "gzip, deflate");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-encoding")).contains("gzip");
    assertThat(response.headers().firstValue("vary")).contains("Accept-Encoding");
    assertThat(response.headers().firstValueAsLong("content-length"))
        .hasValue(response.body().length);
    assertThat(response.body().length).isLessThan(PAGE.length / 2);
    assertThat(gunzip(response.body())).isEqualTo(PAGE);
  }

  @Test
  void brotliIsPreferredWhenOnTheClassPathAndDecodesToTheOriginal() throws Exception {
    HttpResponse<byte[]> response = get("/page", "gzip, deflate, br, zstd");

    assertThat(response.headers().firstValue("content-encoding")).contains("br");
    assertThat(response.body().length).isLessThan(PAGE.length / 2);
    DirectDecompress decoded = Decoder.decompress(response.body());
    assertThat(decoded.getResultStatus()).isEqualTo(DecoderJNI.Status.DONE);
    assertThat(decoded.getDecompressedData()).isEqualTo(PAGE);
  }

  @Test
  void qZeroAndIdentityAreHonoured() throws Exception {
    HttpResponse<byte[]> noGzip = get("/page", "gzip;q=0, br;q=0");
    HttpResponse<byte[]> identityFirst = get("/page", "gzip;q=0.5, identity");

    assertThat(noGzip.headers().firstValue("content-encoding")).isEmpty();
    assertThat(noGzip.body()).isEqualTo(PAGE);
    assertThat(identityFirst.headers().firstValue("content-encoding")).isEmpty();
    assertThat(identityFirst.body()).isEqualTo(PAGE);
  }

  @ParameterizedTest
  @ValueSource(strings = {";;;", "gzip;q=", "gzip;q=banana", "\"gzip\"", "*;q=2", ",,", "br;q"})
  void malformedHeadersAreAnsweredAsIfAbsent(String header) throws Exception {
    HttpResponse<byte[]> response = get("/page", header);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-encoding")).isEmpty();
    assertThat(response.body()).isEqualTo(PAGE);
  }

  @Test
  void headGetsTheSameHeadersWithoutABody() throws Exception {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(uri("/page"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept-Encoding", "gzip")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-encoding")).contains("gzip");
    assertThat(response.headers().firstValue("vary")).contains("Accept-Encoding");
    assertThat(response.body()).isEmpty();
  }

  @Test
  void compressedImagesAndTheApplicationsOwnCodingAreLeftAlone() throws Exception {
    HttpResponse<byte[]> image = get("/image", "gzip");
    HttpResponse<byte[]> own = get("/precompressed", "gzip, br");

    assertThat(image.headers().firstValue("content-encoding")).isEmpty();
    assertThat(image.headers().firstValue("vary")).isEmpty();
    assertThat(image.body()).isEqualTo(PNG);
    assertThat(own.headers().allValues("content-encoding")).containsExactly("gzip");
    assertThat(gunzip(own.body())).isEqualTo(PAGE);
  }

  @Test
  void theServersOwnSmallAnswersAreNotCompressed() throws Exception {
    HttpResponse<byte[]> health = get("/healthz", "gzip");

    assertThat(health.headers().firstValue("content-encoding")).isEmpty();
    assertThat(new String(health.body(), StandardCharsets.UTF_8)).isEqualTo("ok\n");
  }

  private static HttpResponse<byte[]> get(String path, String acceptEncoding) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
    if (acceptEncoding != null) {
      request.header("Accept-Encoding", acceptEncoding);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static URI uri(String path) {
    return server.httpUri().orElseThrow().resolve(path);
  }

  private static byte[] gunzip(byte[] bytes) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return in.readAllBytes();
    }
  }

  private static byte[] gzip(byte[] bytes) {
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out)) {
        gzip.write(bytes);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** An HTML page of English-like words, seeded. */
  private static byte[] page(int length) {
    String[] words = {
      "message", "room", "member", "history", "the", "a", "reply", "typing", "online", "later"
    };
    Random random = new Random(42);
    StringBuilder html = new StringBuilder("<!doctype html><html><body>\n");
    while (html.length() < length) {
      html.append("<p>");
      for (int i = 0, n = 3 + random.nextInt(12); i < n; i++) {
        html.append(words[random.nextInt(words.length)]).append(' ');
      }
      html.append("</p>\n");
    }
    return html.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] pseudoRandom(int length) {
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    return bytes;
  }
}
