package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad uploads on a real server: each gets a clear error (status, {@code Parley-Error}, JSON body)
 * and changes nothing else: the upload keeps its offset, nothing half-stored reaches the blob
 * store, refused bytes leave the staging directory.
 */
class UploadBadInputIT {
  @TempDir Path dir;
  private UploadFixture fixture;
  private TusWire tus;

  @BeforeEach
  void start() throws IOException {
    fixture =
        new UploadFixture(
            dir,
            options ->
                options
                    .maxFileBytes(1024 * 1024)
                    .userQuota(2 * 1024 * 1024, 6, Duration.ofHours(1))
                    .maxOpenUploads(3)
                    .uploadExpiry(Duration.ofMinutes(30)));
    tus = fixture.tus;
  }

  @AfterEach
  void stop() throws IOException {
    fixture.close();
  }

  @Test
  void withoutValidCredentialsEveryRequestIs401() throws Exception {
    HttpResponse<String> none = tus.create(null, 10, "a", null);
    assertError(none, 401, "AUTHENTICATION_FAILED", false);
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    HttpResponse<String> basic =
        tus.send(
            tus.request(tus.uploads(), null)
                .header("Authorization", "Basic YWxpY2U6cHc=")
                .header("Upload-Length", "10")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertError(basic, 401, "AUTHENTICATION_FAILED", false);
    // not a valid user id: the development authenticator refuses it
    assertError(tus.create("not a user id!", 10, "a", null), 401, "AUTHENTICATION_FAILED", false);
    URI upload = tus.location(tus.create("alice", 10, "a", null));
    assertError(tus.head(upload, null), 401, "AUTHENTICATION_FAILED", false);
    assertThat(fixture.staged()).hasSize(1);
  }

  @Test
  void someoneElsesUploadIsForbiddenAndUntouched() throws Exception {
    URI upload = tus.location(tus.create("alice", 10, "a.bin", null));
    tus.patch(upload, "alice", 0, new byte[3]);

    assertError(tus.head(upload, "mallory"), 403, "FORBIDDEN", false);
    assertError(tus.patch(upload, "mallory", 3, new byte[7]), 403, "FORBIDDEN", false);
    assertError(tus.get(upload, "mallory"), 403, "FORBIDDEN", false);
    assertError(tus.delete(upload, "mallory"), 403, "FORBIDDEN", false);

    assertThat(tus.offset(upload, "alice")).isEqualTo(3);
    assertThat(fixture.staged()).hasSize(1);
  }

  @Test
  void anUnknownOrMalformedUploadIdIs404() throws Exception {
    assertError(
        tus.head(tus.uploads().resolve("/chat/uploads/AAAAAAAAAAAAAAAAAAAAAA"), "alice"),
        404,
        "NOT_FOUND",
        false);
    assertError(
        tus.head(tus.uploads().resolve("/chat/uploads/..%2F..%2Fetc%2Fpasswd"), "alice"),
        404,
        "NOT_FOUND",
        false);
  }

  @Test
  void aWrongOffsetIs409AndTheUploadKeepsItsBytes() throws Exception {
    URI upload = tus.location(tus.create("alice", 10, "a.bin", null));
    tus.patch(upload, "alice", 0, new byte[4]);

    HttpResponse<String> behind = tus.patch(upload, "alice", 2, new byte[4]);
    assertError(behind, 409, "OFFSET_MISMATCH", false);
    assertThat(behind.headers().firstValue("Upload-Offset")).contains("4");
    assertError(tus.patch(upload, "alice", 6, new byte[4]), 409, "OFFSET_MISMATCH", false);

    assertThat(tus.offset(upload, "alice")).isEqualTo(4);
  }

  @Test
  void aBodyLargerThanDeclaredIs413AndChangesNothing() throws Exception {
    URI upload = tus.location(tus.create("alice", 10, "a.bin", null));
    tus.patch(upload, "alice", 0, new byte[4]);

    assertError(tus.patch(upload, "alice", 4, new byte[7]), 413, "TOO_LARGE", false);
    // chunked, so the server finds out only while reading
    assertError(
        tus.patchStream(upload, "alice", 4, () -> new ByteArrayInputStream(new byte[20])),
        413,
        "TOO_LARGE",
        false);

    assertThat(tus.offset(upload, "alice")).isEqualTo(4);
    assertThat(tus.patch(upload, "alice", 4, new byte[6]).statusCode()).isEqualTo(204);
  }

  @Test
  void aTruncatedUploadStaysIncompleteAndHasNoToken() throws Exception {
    URI upload = tus.location(tus.create("alice", 1000, "a.bin", null));

    HttpResponse<String> part = tus.patch(upload, "alice", 0, new byte[600]);

    assertThat(part.statusCode()).isEqualTo(204);
    assertThat(part.headers().firstValue("Upload-Offset")).contains("600");
    assertThat(part.headers().firstValue("Parley-Attachment-Token")).isEmpty();
    assertError(tus.get(upload, "alice"), 409, "UPLOAD_INCOMPLETE", false);
    assertThat(fixture.stored()).isEmpty();
  }

  @Test
  void aFileOverTheLimitIsRefusedAtCreation() throws Exception {
    assertError(tus.create("alice", 1024 * 1024 + 1, "big", null), 413, "TOO_LARGE", false);
    assertThat(fixture.staged()).isEmpty();
  }

  @Test
  void aPatchThatIsNotOffsetOctetStreamIs415() throws Exception {
    URI upload = tus.location(tus.create("alice", 10, "a.bin", null));
    HttpResponse<String> json =
        tus.send(
            tus.request(upload, "alice")
                .header("Content-Type", "application/json")
                .header("Upload-Offset", "0")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{}"))
                .build());
    assertError(json, 415, "UNSUPPORTED_MEDIA_TYPE", false);
    assertThat(tus.offset(upload, "alice")).isZero();
  }

  @Test
  void aRequestWithoutTusResumableIs412() throws Exception {
    HttpResponse<String> old =
        tus.send(
            HttpRequest.newBuilder(tus.uploads())
                .header("Authorization", "Bearer alice")
                .header("Upload-Length", "10")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertError(old, 412, "INVALID_ARGUMENT", false);
    assertThat(old.headers().firstValue("Tus-Version")).contains("1.0.0");
  }

  @Test
  void badHeadersAre400() throws Exception {
    HttpResponse<String> noLength =
        tus.send(
            tus.request(tus.uploads(), "alice").POST(HttpRequest.BodyPublishers.noBody()).build());
    assertError(noLength, 400, "INVALID_ARGUMENT", false);
    HttpResponse<String> badMetadata =
        tus.send(
            tus.request(tus.uploads(), "alice")
                .header("Upload-Length", "10")
                .header("Upload-Metadata", "filename not*base64!")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertError(badMetadata, 400, "INVALID_ARGUMENT", false);
    assertError(tus.create("alice", -1, "a", null), 400, "INVALID_ARGUMENT", false);
    assertThat(fixture.staged()).isEmpty();
  }

  @Test
  void anImageBombIsRefusedBeforeDecoding() throws Exception {
    byte[] bomb = UploadFixture.pngDeclaring(100_000, 100_000, new byte[] {0x78, 0x01, 0, 0});

    HttpResponse<String> last = tus.upload("alice", bomb, "bomb.png", "image/png", 1 << 20);

    assertError(last, 422, "CONTENT_REFUSED", false);
    assertThat(json(last).get("message").getAsString()).contains("100000x100000");
    assertThat(tus.head(last.uri(), "alice").statusCode()).isEqualTo(404);
    assertThat(fixture.staged()).isEmpty();
    assertThat(fixture.stored()).isEmpty();
  }

  @Test
  void anUndecodableImageIsRefused() throws Exception {
    byte[] broken = UploadFixture.pngDeclaring(64, 64, "not zlib at all".getBytes());

    assertError(tus.upload("alice", broken, "x.png", null, 1 << 20), 422, "CONTENT_REFUSED", false);
    assertThat(fixture.staged()).isEmpty();
    assertThat(fixture.stored()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "image/jpeg, png", // a PNG declared a JPEG
    "image/png, html", // a page declared an image
    "application/pdf, png" // an image declared a document
  })
  void aDeclaredTypeTheBytesContradictIsRefused(String declared, String actual) throws Exception {
    byte[] bytes =
        actual.equals("png")
            ? UploadFixture.png(20, 20, 1)
            : "<html><body><script>alert(1)</script></body></html>"
                .getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> last = tus.upload("alice", bytes, "file", declared, 1 << 20);

    assertError(last, 422, "CONTENT_REFUSED", false);
    assertThat(fixture.staged()).isEmpty();
    assertThat(fixture.stored()).isEmpty();
  }

  static Stream<Arguments> names() {
    return Stream.of(
        Arguments.of("../../etc/passwd", "passwd"),
        Arguments.of("..\\..\\windows\\win.ini", "win.ini"),
        Arguments.of(".htaccess", "htaccess"),
        Arguments.of("...", "file"),
        Arguments.of("/", "file"),
        Arguments.of("report\u0000.pdf", "report.pdf"),
        Arguments.of("invoice\u202Efdp.exe", "invoicefdp.exe"),
        Arguments.of("line\nbreak.txt", "linebreak.txt"),
        Arguments.of("  spaced name.txt . ", "spaced name.txt"),
        Arguments.of("caf\u00e9 \ud83d\ude00.txt", "caf\u00e9 \ud83d\ude00.txt"));
  }

  @ParameterizedTest
  @MethodSource("names")
  void fileNamesAreCleaned(String given, String kept) throws Exception {
    HttpResponse<String> last =
        tus.upload("alice", "hello".getBytes(StandardCharsets.UTF_8), given, null, 100);

    assertThat(last.statusCode()).isEqualTo(204);
    assertThat(attachment(last.uri()).get("name").getAsString()).isEqualTo(kept);
  }

  @Test
  void aLongNameIsCutTo255Characters() throws Exception {
    HttpResponse<String> last =
        tus.upload("alice", new byte[] {1}, "n".repeat(300) + ".txt", null, 100);

    assertThat(attachment(last.uri()).get("name").getAsString()).hasSize(255);
  }

  @Test
  void theOpenUploadLimitIs429UntilOneFinishes() throws Exception {
    URI first = tus.location(tus.create("alice", 10, "1", null));
    tus.create("alice", 10, "2", null);
    tus.create("alice", 10, "3", null);

    HttpResponse<String> fourth = tus.create("alice", 10, "4", null);
    assertError(fourth, 429, "QUOTA_EXCEEDED", true);
    assertThat(fourth.headers().firstValue("Retry-After")).isPresent();
    assertThat(tus.create("bob", 10, "other user", null).statusCode()).isEqualTo(201);

    assertThat(tus.patch(first, "alice", 0, new byte[10]).statusCode()).isEqualTo(204);
    assertThat(tus.create("alice", 10, "4", null).statusCode()).isEqualTo(201);
  }

  @Test
  void theCountAndByteQuotasAre429UntilTheWindowEnds() throws Exception {
    HttpResponse<String> tooMuch = tus.create("alice", 1024 * 1024, "a", null);
    assertThat(tooMuch.statusCode()).isEqualTo(201);
    tus.delete(tus.location(tooMuch), "alice");
    assertThat(tus.create("alice", 1024 * 1024, "b", null).statusCode()).isEqualTo(201);
    HttpResponse<String> overBytes = tus.create("alice", 1, "c", null);
    assertError(overBytes, 429, "QUOTA_EXCEEDED", true);
    assertThat(overBytes.headers().firstValue("Retry-After")).contains("3600");

    fixture.clock.advance(Duration.ofHours(1));
    for (int i = 0; i < 6; i++) {
      URI upload = tus.location(tus.create("alice", 1, "n" + i, null));
      assertThat(tus.patch(upload, "alice", 0, new byte[1]).statusCode()).isEqualTo(204);
    }
    fixture.clock.advance(Duration.ofMinutes(20));
    HttpResponse<String> overCount = tus.create("alice", 1, "7", null);
    assertError(overCount, 429, "QUOTA_EXCEEDED", true);
    assertThat(overCount.headers().firstValue("Retry-After")).contains("2400");
  }

  @Test
  void anUnfinishedUploadExpiresAndItsBytesAreRemoved() throws Exception {
    URI upload = tus.location(tus.create("alice", 10, "a.bin", null));
    tus.patch(upload, "alice", 0, new byte[4]);
    fixture.clock.advance(Duration.ofMinutes(29));
    tus.patch(upload, "alice", 4, new byte[2]); // a byte moves the expiry on

    fixture.clock.advance(Duration.ofMinutes(29));
    assertThat(tus.offset(upload, "alice")).isEqualTo(6);
    fixture.clock.advance(Duration.ofMinutes(1));

    assertError(tus.head(upload, "alice"), 404, "NOT_FOUND", false);
    assertThat(fixture.staged()).isEmpty();
  }

  private JsonObject attachment(URI upload) throws Exception {
    HttpResponse<String> got = tus.get(upload, "alice");
    assertThat(got.statusCode()).isEqualTo(200);
    return JsonParser.parseString(got.body()).getAsJsonObject().getAsJsonObject("attachment");
  }

  private static JsonObject json(HttpResponse<String> response) {
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  static void assertError(HttpResponse<String> response, int status, String code, boolean retry) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Parley-Error")).contains(code);
    assertThat(response.headers().firstValue("Tus-Resumable")).contains("1.0.0");
    if (response.request().method().equals("HEAD")) {
      return; // no body
    }
    JsonObject body = json(response);
    assertThat(body.get("error").getAsString()).isEqualTo(code);
    assertThat(body.get("message").getAsString()).isNotBlank();
    assertThat(body.get("retryable").getAsBoolean()).isEqualTo(retry);
  }
}
