package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.AttachmentOptions;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DependencyStatus;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.FileSystemBlobStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server with attachments on starts, reports its blob breaker and serves the upload endpoint. */
class AttachmentServerStartIT {
  @TempDir Path dir;

  @Test
  void aServerWithAttachmentsStartsAndAnswersTusOptions() throws Exception {
    try (FileSystemBlobStore blobs = FileSystemBlobStore.open(dir.resolve("blobs"));
        ChatServer server =
            ChatServer.builder()
                .host("127.0.0.1")
                .port(0)
                .httpPort(0)
                .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                .attachments(
                    AttachmentOptions.builder(blobs)
                        .stagingDirectory(dir.resolve("staging"))
                        .maxFileBytes(1234)
                        .build())
                .build()
                .start()) {
      assertThat(server.dependencies())
          .contains(new DependencyStatus("blobs", DependencyStatus.State.CLOSED));
      URI uploads = server.httpUri().orElseThrow().resolve("/chat/uploads");
      HttpResponse<String> options =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(uploads)
                      .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(options.statusCode()).isEqualTo(204);
      assertThat(options.headers().firstValue("Tus-Resumable")).contains("1.0.0");
      assertThat(options.headers().firstValue("Tus-Version")).contains("1.0.0");
      assertThat(options.headers().firstValue("Tus-Max-Size")).contains("1234");
    }
  }

  @Test
  void closingTheServerStopsItsUploadAndBlobThreadsAndDeletesStagedBytes() throws Exception {
    Path staging = dir.resolve("staging");
    try (FileSystemBlobStore blobs = FileSystemBlobStore.open(dir.resolve("blobs"))) {
      ChatServer server =
          ChatServer.builder()
              .host("127.0.0.1")
              .port(0)
              .httpPort(0)
              .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
              .attachments(AttachmentOptions.builder(blobs).stagingDirectory(staging).build())
              .build()
              .start();
      TusWire tus = new TusWire(server.httpUri().orElseThrow());
      URI upload = tus.location(tus.create("alice", 100, "half.bin", null));
      assertThat(tus.patch(upload, "alice", 0, new byte[50]).statusCode()).isEqualTo(204);
      try (var files = java.nio.file.Files.list(staging)) {
        assertThat(files).hasSize(1);
      }
      assertThat(threadNames()).anyMatch(name -> name.startsWith("parley-upload-"));

      server.close();

      try (var files = java.nio.file.Files.list(staging)) {
        assertThat(files).isEmpty();
      }
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(threadNames())
                      .noneMatch(
                          name ->
                              name.startsWith("parley-upload-")
                                  || name.startsWith("parley-blobs-")));
    }
  }

  private static java.util.List<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .toList();
  }
}
