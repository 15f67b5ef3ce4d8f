package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.server.AttachmentOptions;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.FileSystemBlobStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image uploaded over tus to a real server comes back, with the thumbnail the server made, from
 * the server's signed links: the upload side and the download side agree on blobs and key.
 */
class UploadThenDownloadIT {
  private static final byte[] KEY =
      "a signing key of thirty-two bytes or more".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void anUploadedImageAndItsThumbnailDownloadFromSignedLinks() throws Exception {
    byte[] png = png(640, 480);
    try (FileSystemBlobStore blobs = FileSystemBlobStore.open(dir.resolve("blobs"));
        ChatServer server =
            ChatServer.builder()
                .host("127.0.0.1")
                .port(0)
                .httpPort(0)
                .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                .attachments(
                    AttachmentOptions.builder(blobs)
                        .signingKey(KEY)
                        .stagingDirectory(dir.resolve("staging"))
                        .build())
                .build()
                .start()) {
      URI side = server.httpUri().orElseThrow();
      HttpResponse<String> created =
          send(
              tus(side.resolve("/chat/uploads"))
                  .header("Upload-Length", Integer.toString(png.length))
                  .header(
                      "Upload-Metadata",
                      "filename " + b64("sunset.png") + ",filetype " + b64("image/png"))
                  .POST(HttpRequest.BodyPublishers.noBody()));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      URI upload = side.resolve(created.headers().firstValue("Location").orElseThrow());
      HttpResponse<String> done =
          send(
              tus(upload)
                  .header("Content-Type", "application/offset+octet-stream")
                  .header("Upload-Offset", "0")
                  .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(png)));
      assertThat(done.statusCode()).as(done.body()).isEqualTo(204);
      HttpResponse<String> result = send(tus(upload).GET());
      JsonObject a =
          JsonParser.parseString(result.body()).getAsJsonObject().getAsJsonObject("attachment");
      Attachment attachment =
          Attachment.of(
              a.get("id").getAsString(),
              a.get("name").getAsString(),
              a.get("contentType").getAsString(),
              a.get("size").getAsLong(),
              a.get("width").getAsInt(),
              a.get("height").getAsInt(),
              a.get("thumbnailId").getAsString());
      assertThat(attachment.thumbnailId()).hasSize(64);

      SignedAttachmentLinks links =
          new SignedAttachmentLinks(
              KEY,
              "/chat/files/",
              null,
              Duration.ofHours(1),
              Duration.ofDays(30),
              Clock.systemUTC(),
              room -> null);
      ChatMessage message =
          new ChatMessage(
                  RoomId.of("lobby"),
                  1,
                  MessageId.of("m1"),
                  UserId.of("alice"),
                  ClientMessageId.of("c1"),
                  Instant.now(),
                  "",
                  new byte[0])
              .withAttachments(List.of(attachment));
      Attachment linked = links.withLinks(message).attachments().get(0);

      HttpResponse<byte[]> file = download(side.resolve(linked.url()));
      assertThat(file.statusCode()).isEqualTo(200);
      assertThat(Arrays.equals(file.body(), png)).isTrue();
      assertThat(file.headers().firstValue("Content-Type")).contains("image/png");
      assertThat(file.headers().firstValue("Content-Disposition").orElseThrow())
          .startsWith("inline; filename=\"sunset.png\"");

      HttpResponse<byte[]> thumbnail = download(side.resolve(linked.thumbnailUrl()));
      assertThat(thumbnail.statusCode()).isEqualTo(200);
      assertThat(thumbnail.headers().firstValue("Content-Type").orElseThrow())
          .isIn("image/jpeg", "image/png");
      BufferedImage small = ImageIO.read(new ByteArrayInputStream(thumbnail.body()));
      assertThat(small.getWidth()).isEqualTo(320);
      assertThat(small.getHeight()).isEqualTo(240);
    }
  }

  private static byte[] png(int width, int height) throws Exception {
    Random random = new Random(5);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static String b64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpRequest.Builder tus(URI uri) {
    return HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .header("Tus-Resumable", "1.0.0")
        .header("Authorization", "Bearer alice");
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> download(URI uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
