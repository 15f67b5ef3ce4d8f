package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import dev.parley.chat.server.internal.HttpCompression.Coding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HttpCompressionTest {
  private static final List<Coding> ALL = List.of(Coding.BROTLI, Coding.GZIP, Coding.IDENTITY);
  private static final List<Coding> GZIP_ONLY = List.of(Coding.GZIP, Coding.IDENTITY);

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "gzip | GZIP",
        "GZip | GZIP",
        "x-gzip | GZIP",
        "gzip, deflate, br, zstd | BROTLI",
        "gzip;q=1.0, br;q=0.5 | GZIP",
        "br;q=0 , gzip | GZIP",
        "gzip;q=0 | IDENTITY",
        "gzip;q=0.5 | GZIP",
        "gzip;q=0.5, identity | IDENTITY",
        "identity | IDENTITY",
        "identity;q=0, gzip;q=0.1 | GZIP",
        "* | BROTLI",
        "*;q=0.2, br;q=0.1 | GZIP",
        "*;q=0, identity;q=0.3 | IDENTITY",
        "*;q=0 | IDENTITY",
        "deflate | IDENTITY",
        "gzip;q=2 | IDENTITY",
        "gzip;q=0.1234 | IDENTITY",
        "gzip;q=abc, br | BROTLI",
        "gzip;level | IDENTITY",
        "gzip;foo=bar | GZIP",
        "'' | IDENTITY",
        "',,,;;' | IDENTITY",
        "'  ,gzip ,  ' | GZIP",
        "g\u00e9zip, gzip;q=0.7 | GZIP",
      })
  void choosesByQValueThenByTheServersPreference(String header, Coding expected) {
    assertThat(HttpCompression.choose(List.of(header), ALL)).isEqualTo(expected);
  }

  @Test
  void brotliIsNotChosenWhenNotOffered() {
    assertThat(HttpCompression.choose(List.of("br, gzip;q=0.1"), GZIP_ONLY)).isEqualTo(Coding.GZIP);
    assertThat(HttpCompression.choose(List.of("br"), GZIP_ONLY)).isEqualTo(Coding.IDENTITY);
  }

  @Test
  void noHeaderMeansIdentityAndSeveralHeaderLinesAreOneList() {
    assertThat(HttpCompression.choose(null, ALL)).isEqualTo(Coding.IDENTITY);
    assertThat(HttpCompression.choose(List.of(), ALL)).isEqualTo(Coding.IDENTITY);
    assertThat(HttpCompression.choose(List.of("identity;q=0.1", "gzip"), ALL))
        .isEqualTo(Coding.GZIP);
  }

  @Test
  void arbitraryHeadersNeverThrow() {
    Random random = new Random(20261206L);
    String alphabet = "gzipbr*identy;q=,.0123456789 \t\"\\\u00ff\u2603";
    for (int i = 0; i < 20_000; i++) {
      char[] chars = new char[random.nextInt(40)];
      for (int j = 0; j < chars.length; j++) {
        chars[j] = alphabet.charAt(random.nextInt(alphabet.length()));
      }
      Coding coding = HttpCompression.choose(List.of(new String(chars)), ALL);
      assertThat(coding).isNotNull();
    }
    String huge = "x;q=0.5,".repeat(100_000) + "gzip";
    assertThat(HttpCompression.choose(List.of(huge), ALL)).isEqualTo(Coding.IDENTITY);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "text/html; charset=utf-8",
        "TEXT/CSS",
        "text/plain",
        "application/json",
        "application/javascript; charset=utf-8",
        "image/svg+xml",
        "application/manifest+json",
        "application/atom+xml"
      })
  void textLikeTypesAreCompressible(String type) {
    assertThat(HttpCompression.compressible(type)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "image/png",
        "image/jpeg",
        "image/webp",
        "font/woff2",
        "application/zip",
        "application/octet-stream",
        "video/mp4",
        ""
      })
  void compressedOrBinaryTypesAreNot(String type) {
    assertThat(HttpCompression.compressible(type)).isFalse();
  }

  @Test
  void encodeSetsVaryAndContentEncodingAndTheBodyDecodes() throws IOException {
    byte[] body = text(5_000);
    Headers request = new Headers();
    request.add("Accept-Encoding", "gzip");
    Headers response = new Headers();

    byte[] coded = HttpCompression.encode(request, response, 200, "text/html", body);

    assertThat(response.getFirst("Content-Encoding")).isEqualTo("gzip");
    assertThat(response.getFirst("Vary")).isEqualTo("Accept-Encoding");
    assertThat(coded.length).isLessThan(body.length);
    assertThat(new GZIPInputStream(new java.io.ByteArrayInputStream(coded)).readAllBytes())
        .isEqualTo(body);
  }

  @Test
  void smallOrIncompressibleOrPartialOrAlreadyCodedAnswersAreLeftAlone() {
    Headers request = new Headers();
    request.add("Accept-Encoding", "gzip");
    byte[] small = text(HttpCompression.MIN_BYTES - 1);
    byte[] large = text(10_000);

    Headers smallResponse = new Headers();
    assertThat(HttpCompression.encode(request, smallResponse, 200, "text/plain", small))
        .isSameAs(small);
    assertThat(smallResponse).isEmpty();

    Headers png = new Headers();
    assertThat(HttpCompression.encode(request, png, 200, "image/png", large)).isSameAs(large);
    assertThat(png).isEmpty();

    Headers partial = new Headers();
    assertThat(HttpCompression.encode(request, partial, 206, "text/plain", large)).isSameAs(large);
    assertThat(partial).isEmpty();

    Headers own = new Headers();
    own.set("Content-Encoding", "gzip");
    assertThat(HttpCompression.encode(request, own, 200, "text/plain", large)).isSameAs(large);
    assertThat(own.get("Content-Encoding")).containsExactly("gzip");
    assertThat(own.containsKey("Vary")).isFalse();
  }

  @Test
  void aBodyThatDoesNotShrinkGoesOutAsItIsWithVary() {
    Headers request = new Headers();
    request.add("Accept-Encoding", "gzip");
    Headers response = new Headers();
    byte[] noise = new byte[4_000];
    new Random(11).nextBytes(noise);

    assertThat(HttpCompression.encode(request, response, 200, "text/plain", noise)).isSameAs(noise);
    assertThat(response.containsKey("Content-Encoding")).isFalse();
    assertThat(response.getFirst("Vary")).isEqualTo("Accept-Encoding");
  }

  @Test
  void varyKeepsTheApplicationsNames() {
    Headers response = new Headers();
    response.set("Vary", "Origin");
    HttpCompression.addVary(response);
    assertThat(response.getFirst("Vary")).isEqualTo("Origin, Accept-Encoding");
    HttpCompression.addVary(response);
    assertThat(response.getFirst("Vary")).isEqualTo("Origin, Accept-Encoding");

    Headers star = new Headers();
    star.set("Vary", "*");
    HttpCompression.addVary(star);
    assertThat(star.getFirst("Vary")).isEqualTo("*");
  }

  @Test
  void streamingGzipMakesEveryFlushDecodable() throws IOException, DataFormatException {
    Headers request = new Headers();
    request.add("Accept-Encoding", "br, gzip");
    Headers response = new Headers();
    Coding coding = HttpCompression.negotiateStreaming(request, response);
    assertThat(coding).isEqualTo(Coding.GZIP);
    assertThat(response.getFirst("Content-Encoding")).isEqualTo("gzip");
    assertThat(response.getFirst("Vary")).isEqualTo("Accept-Encoding");

    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    OutputStream events = HttpCompression.streamingBody(wire, coding);
    GzipReader reader = new GzipReader();
    StringBuilder sent = new StringBuilder();
    Random random = new Random(7);
    for (int i = 0; i < 50; i++) {
      String event = "id: " + i + "\ndata: " + words(random, 1 + random.nextInt(30)) + "\n\n";
      events.write(event.getBytes(StandardCharsets.UTF_8));
      events.flush();
      sent.append(event);
      // all that was written so far can be read from the bytes on the wire so far
      assertThat(reader.readAll(wire.toByteArray())).isEqualTo(sent.toString());
    }
    events.close();
    assertThat(
            new String(
                new GZIPInputStream(new java.io.ByteArrayInputStream(wire.toByteArray()))
                    .readAllBytes(),
                StandardCharsets.UTF_8))
        .isEqualTo(sent.toString());
  }

  @Test
  void streamingWithoutGzipIsTheStreamItself() {
    Headers request = new Headers();
    request.add("Accept-Encoding", "gzip;q=0, br");
    Headers response = new Headers();
    Coding coding = HttpCompression.negotiateStreaming(request, response);
    OutputStream out = new ByteArrayOutputStream();

    assertThat(coding).isEqualTo(Coding.IDENTITY);
    assertThat(response.containsKey("Content-Encoding")).isFalse();
    assertThat(response.getFirst("Vary")).isEqualTo("Accept-Encoding");
    assertThat(HttpCompression.streamingBody(out, coding)).isSameAs(out);
  }

  /** Inflates a gzip stream that is still being written: header skipped, then raw deflate. */
  private static final class GzipReader {
    private static final int HEADER = 10; // GZIPOutputStream writes no name, comment or extra
    private final Inflater inflater = new Inflater(true);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int consumed = HEADER;

    String readAll(byte[] wire) throws DataFormatException {
      inflater.setInput(Arrays.copyOfRange(wire, consumed, wire.length));
      consumed = wire.length;
      byte[] buffer = new byte[4096];
      int n;
      while ((n = inflater.inflate(buffer)) > 0) {
        out.write(buffer, 0, n);
      }
      assertThat(inflater.needsInput()).isTrue();
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  private static String words(Random random, int count) {
    String[] words = {"the", "chat", "room", "is", "quiet", "tonight", "hello", "again", "later"};
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      text.append(i == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
    }
    return text.toString();
  }

  static byte[] text(int length) {
    Random random = new Random(length);
    StringBuilder text = new StringBuilder(length + 16);
    while (text.length() < length) {
      text.append(words(random, 1)).append(' ');
    }
    return text.substring(0, length).getBytes(StandardCharsets.UTF_8);
  }
}
