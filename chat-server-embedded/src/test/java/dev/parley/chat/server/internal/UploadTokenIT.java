package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.UserId;
import dev.parley.chat.server.AttachmentOptions;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.FileSystemBlobStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token a completed upload answers with is one the send path accepts: signed with the
 * configured key, for the uploader only, describing the file as Parley measured it.
 */
class UploadTokenIT {
  @TempDir Path dir;

  @Test
  void theFinalPatchsTokenVerifiesForTheUploaderWithTheMeasuredAttachment() throws Exception {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 3);
    HttpClient http = HttpClient.newHttpClient();
    try (FileSystemBlobStore blobs = FileSystemBlobStore.open(dir.resolve("blobs"));
        ChatServer server =
            ChatServer.builder()
                .host("127.0.0.1")
                .port(0)
                .httpPort(0)
                .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                .attachments(
                    AttachmentOptions.builder(blobs)
                        .signingKey(key)
                        .stagingDirectory(dir.resolve("staging"))
                        .build())
                .build()
                .start()) {
      URI base = server.httpUri().orElseThrow();
      byte[] file = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
      HttpResponse<Void> created =
          http.send(
              HttpRequest.newBuilder(base.resolve("/chat/uploads"))
                  .header("Tus-Resumable", "1.0.0")
                  .header("Authorization", "Bearer dana")
                  .header("Upload-Length", Integer.toString(file.length))
                  .header(
                      "Upload-Metadata",
                      "filename "
                          + Base64.getEncoder()
                              .encodeToString("../table.csv".getBytes(StandardCharsets.UTF_8)))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      HttpResponse<Void> last =
          http.send(
              HttpRequest.newBuilder(
                      base.resolve(created.headers().firstValue("Location").orElseThrow()))
                  .header("Tus-Resumable", "1.0.0")
                  .header("Authorization", "Bearer dana")
                  .header("Content-Type", "application/offset+octet-stream")
                  .header("Upload-Offset", "0")
                  .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(file))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      String token = last.headers().firstValue("Parley-Attachment-Token").orElseThrow();

      AttachmentTokens tokens = new AttachmentTokens(key, Clock.systemUTC());
      Attachment attachment = tokens.verify(token, UserId.of("dana"));
      assertThat(attachment.name()).isEqualTo("table.csv");
      assertThat(attachment.contentType()).startsWith("text/");
      assertThat(attachment.size()).isEqualTo(file.length);
      assertThat(attachment.url()).isEmpty();
      assertThatThrownBy(() -> tokens.verify(token, UserId.of("erin")))
          .isInstanceOf(AttachmentTokens.Refused.class)
          .hasMessageContaining("another user");
      AttachmentTokens later =
          new AttachmentTokens(key, Clock.offset(Clock.systemUTC(), Duration.ofHours(2)));
      assertThatThrownBy(() -> later.verify(token, UserId.of("dana")))
          .isInstanceOf(AttachmentTokens.Refused.class)
          .hasMessageContaining("expired");
    }
  }
}
