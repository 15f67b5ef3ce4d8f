package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.parley.chat.spi.BlobId;
import dev.parley.chat.testkit.net.ChaosProxy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tus 1.0.0 uploads on a real server over real HTTP: creation, chunks, completion, resume. */
class AttachmentUploadIT {
  @TempDir Path dir;
  private UploadFixture fixture;
  private TusWire tus;

  @BeforeEach
  void start() throws IOException {
    fixture = new UploadFixture(dir, options -> options.maxFileBytes(8L * 1024 * 1024));
    tus = fixture.tus;
  }

  @AfterEach
  void stop() throws IOException {
    fixture.close();
  }

  @Test
  void anImageUploadedInChunksIsMeasuredThumbnailedStoredAndGetsAToken() throws Exception {
    byte[] png = UploadFixture.png(800, 600, 17);

    HttpResponse<String> last = tus.upload("alice", png, "holiday.png", "image/png", 256 * 1024);

    assertThat(last.statusCode()).isEqualTo(204);
    assertThat(last.headers().firstValue("Upload-Offset")).contains(Long.toString(png.length));
    String token = last.headers().firstValue("Parley-Attachment-Token").orElseThrow();
    assertThat(token).contains(".");
    JsonObject attachment = result(last.uri(), "alice", token);
    assertThat(attachment.get("id").getAsString()).isEqualTo(sha256(png));
    assertThat(attachment.get("name").getAsString()).isEqualTo("holiday.png");
    assertThat(attachment.get("contentType").getAsString()).isEqualTo("image/png");
    assertThat(attachment.get("size").getAsLong()).isEqualTo(png.length);
    assertThat(attachment.get("width").getAsInt()).isEqualTo(800);
    assertThat(attachment.get("height").getAsInt()).isEqualTo(600);
    String thumbnailId = attachment.get("thumbnailId").getAsString();
    assertThat(thumbnailId).hasSize(64);
    BlobId file = new BlobId(sha256(png));
    assertThat(fixture.blobs.stat(file).orElseThrow().size()).isEqualTo(png.length);
    try (InputStream in =
        fixture.blobs.open(
            new BlobId(thumbnailId),
            0,
            fixture.blobs.stat(new BlobId(thumbnailId)).orElseThrow().size())) {
      BufferedImage thumbnail = ImageIO.read(in);
      assertThat(thumbnail.getWidth()).isEqualTo(320);
      assertThat(thumbnail.getHeight()).isEqualTo(240);
    }
    assertThat(fixture.staged()).isEmpty();
  }

  @Test
  void aJpegGetsAJpegThumbnail() throws Exception {
    byte[] jpeg = UploadFixture.jpeg(1000, 400);

    HttpResponse<String> last = tus.upload("alice", jpeg, "wide.jpg", "image/jpeg", 1 << 20);

    assertThat(last.statusCode()).isEqualTo(204);
    JsonObject attachment = result(last.uri(), "alice", null);
    assertThat(attachment.get("contentType").getAsString()).isEqualTo("image/jpeg");
    assertThat(attachment.get("width").getAsInt()).isEqualTo(1000);
    String thumbnailId = attachment.get("thumbnailId").getAsString();
    BlobId thumbnail = new BlobId(thumbnailId);
    try (InputStream in =
        fixture.blobs.open(thumbnail, 0, fixture.blobs.stat(thumbnail).orElseThrow().size())) {
      byte[] bytes = in.readAllBytes();
      assertThat(bytes[0]).isEqualTo((byte) 0xFF); // a JPEG
      BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(bytes));
      assertThat(image.getWidth()).isEqualTo(320);
      assertThat(image.getHeight()).isEqualTo(128);
    }
  }

  @Test
  void aTextFileIsStoredWithItsSniffedTypeAndNoThumbnail() throws Exception {
    byte[] text = "minutes of the meeting\n".repeat(100).getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> last = tus.upload("bob", text, "notes.txt", null, 1000);

    assertThat(last.statusCode()).isEqualTo(204);
    JsonObject attachment = result(last.uri(), "bob", null);
    assertThat(attachment.get("contentType").getAsString()).isEqualTo("text/plain");
    assertThat(attachment.get("width").getAsInt()).isZero();
    assertThat(attachment.get("thumbnailId").getAsString()).isEmpty();
    assertThat(fixture.stored()).hasSize(1);
  }

  @Test
  void creationHeadAndDeleteFollowTus() throws Exception {
    HttpResponse<String> options =
        tus.send(
            tus.request(tus.uploads(), null)
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(options.statusCode()).isEqualTo(204);
    assertThat(options.headers().firstValue("Tus-Extension"))
        .contains("creation,termination,expiration");
    assertThat(options.headers().firstValue("Tus-Max-Size")).contains(Long.toString(8 << 20));

    HttpResponse<String> created = tus.create("alice", 10, "a.bin", null);
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Tus-Resumable")).contains("1.0.0");
    assertThat(created.headers().firstValue("Location").orElseThrow())
        .matches("/chat/uploads/[A-Za-z0-9_-]{22}");
    assertThat(created.headers().firstValue("Upload-Expires"))
        .contains("Tue, 2 Jun 2026 00:00:00 GMT");
    URI upload = tus.location(created);
    assertThat(tus.patch(upload, "alice", 0, new byte[4]).statusCode()).isEqualTo(204);

    HttpResponse<String> head = tus.head(upload, "alice");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Upload-Offset")).contains("4");
    assertThat(head.headers().firstValue("Upload-Length")).contains("10");
    assertThat(head.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(head.headers().firstValue("Tus-Resumable")).contains("1.0.0");
    assertThat(fixture.staged()).hasSize(1);

    assertThat(tus.delete(upload, "alice").statusCode()).isEqualTo(204);
    assertThat(tus.head(upload, "alice").statusCode()).isEqualTo(404);
    assertThat(fixture.staged()).isEmpty();
    assertThat(fixture.stored()).isEmpty();
  }

  @Test
  void anEmptyFileIsCompleteAtCreation() throws Exception {
    HttpResponse<String> created = tus.create("alice", 0, "empty.txt", null);

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Parley-Attachment-Token")).isPresent();
    JsonObject attachment = result(tus.location(created), "alice", null);
    assertThat(attachment.get("size").getAsLong()).isZero();
  }

  @Test
  void anUploadCutMidwayResumesFromTheOffsetTheServerHas() throws Exception {
    byte[] file = new byte[3 * 1024 * 1024];
    new java.util.Random(5).nextBytes(file);
    URI direct = tus.location(tus.create("carol", file.length, "big.bin", null));
    HttpResponse<String> nothing;
    int firstPart = 1024 * 1024;
    try (ChaosProxy proxy =
        new ChaosProxy(
                new InetSocketAddress(
                    "127.0.0.1", fixture.server.httpUri().orElseThrow().getPort()))
            .start()) {
      URI viaProxy = URI.create("http://127.0.0.1:" + proxy.port() + direct.getRawPath());
      CountDownLatch cut = new CountDownLatch(1);
      CompletableFuture<HttpResponse<String>> interrupted =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return tus.patchStream(
                      viaProxy, "carol", 0, () -> new HeldBack(file, firstPart, cut));
                } catch (IOException e) {
                  return null; // the cut
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return null;
                }
              });
      await().atMost(Duration.ofSeconds(20)).until(() -> tus.offset(direct, "carol") > 0);
      proxy.cutAll();
      cut.countDown();
      nothing = interrupted.get(20, TimeUnit.SECONDS);
    }
    assertThat(nothing).isNull();

    // what a client does after a lost connection: ask where the server is, go on from there
    AtomicLong offset = new AtomicLong();
    AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              offset.set(tus.offset(direct, "carol"));
              last.set(
                  tus.patch(
                      direct,
                      "carol",
                      offset.get(),
                      Arrays.copyOfRange(file, (int) offset.get(), file.length)));
              assertThat(last.get().statusCode()).isEqualTo(204);
            });

    assertThat(offset.get()).isPositive().isLessThanOrEqualTo(firstPart);
    assertThat(last.get().headers().firstValue("Parley-Attachment-Token")).isPresent();
    JsonObject attachment = result(direct, "carol", null);
    assertThat(attachment.get("id").getAsString()).isEqualTo(sha256(file));
    assertThat(attachment.get("contentType").getAsString()).isEqualTo("application/octet-stream");
    assertThat(fixture.staged()).isEmpty();
  }

  private JsonObject result(URI upload, String user, String token) throws Exception {
    HttpResponse<String> got = tus.get(upload, user);
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.headers().firstValue("Content-Type")).contains("application/json");
    JsonObject body = JsonParser.parseString(got.body()).getAsJsonObject();
    if (token != null) {
      assertThat(body.get("token").getAsString()).isEqualTo(token);
    }
    return body.getAsJsonObject("attachment");
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /**
   * The first {@code part} bytes of a file at once, then nothing until {@code cut}, then an end.
   */
  private static final class HeldBack extends InputStream {
    private final byte[] file;
    private final int part;
    private final CountDownLatch cut;
    private int position;

    HeldBack(byte[] file, int part, CountDownLatch cut) {
      this.file = file;
      this.part = part;
      this.cut = cut;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (position < part) {
        int n = Math.min(length, part - position);
        System.arraycopy(file, position, buffer, offset, n);
        position += n;
        return n;
      }
      try {
        cut.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("the connection was cut");
    }
  }
}
