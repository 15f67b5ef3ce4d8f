package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.client.UploadedFile;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's tus uploads over real HTTP on a loopback socket, against {@link TusStubServer}:
 * chunking, resuming after a connection cut part way through a chunk, Retry-After, refusals, and
 * content that ends early. The upload against the real Parley endpoint runs in the server's and the
 * examples' integration tests.
 */
class TusUploaderIT {
  private static final int CHUNK = 4096;
  private final ThreadLeaks baseline = ThreadLeaks.snapshot();
  private final TusStubServer server = new TusStubServer();
  private final TusUploader uploader =
      new TusUploader(
          server.base(),
          CHUNK,
          Duration.ofSeconds(10),
          null,
          new Backoff(Duration.ofMillis(1), Duration.ofMillis(20), new Random(3)),
          Runnable::run);
  @TempDir Path directory;

  @AfterEach
  void stop() {
    uploader.close();
    // close() returns once its upload and I/O threads have ended, not merely their pools
    assertThat(baseline.newClientThreads()).noneMatch(name -> name.startsWith("parley-"));
    server.close();
    // and the HTTP client's own threads end too (its selector may take a moment on newer JDKs)
    baseline.awaitNoNewClientThreads(Duration.ofSeconds(5));
  }

  private Path file(String name, int size) throws Exception {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Files.write(directory.resolve(name), bytes);
  }

  private static UploadedFile done(CompletableFuture<UploadedFile> upload) throws Exception {
    return upload.get(30, TimeUnit.SECONDS);
  }

  private static ChatException failure(CompletableFuture<UploadedFile> upload) {
    try {
      upload.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ChatException.class);
      return (ChatException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the upload succeeded");
  }

  @Test
  void uploadsAFileInChunksAndHandsBackTheTokenAndAttachment() throws Exception {
    Path file = file("report.bin", 3 * CHUNK + 1000);

    UploadedFile uploaded = done(uploader.upload(TusStubServer.TOKEN, file));

    byte[] sent = Files.readAllBytes(file);
    assertThat(server.uploads.get("u1").toByteArray()).isEqualTo(sent);
    assertThat(server.patchSizes).containsExactly(CHUNK, CHUNK, CHUNK, 1000);
    assertThat(server.names.get("u1")).isEqualTo("report.bin");
    assertThat(uploaded.token()).isEqualTo("token-u1");
    assertThat(uploaded.attachment().id()).isEqualTo(TusStubServer.sha256(sent));
    assertThat(uploaded.attachment().size()).isEqualTo(sent.length);
    assertThat(uploaded.toString()).doesNotContain("token-u1");
  }

  @Test
  void resumesFromTheServersOffsetAfterTheConnectionIsCutMidChunk() throws Exception {
    Path file = file("big.bin", 4 * CHUNK);
    server.cuts.add(1500); // the first PATCH: 1500 bytes arrive, then the line drops

    CompletableFuture<UploadedFile> upload;
    upload = uploader.upload(TusStubServer.TOKEN, file);

    UploadedFile uploaded = done(upload);
    assertThat(server.uploads.get("u1").toByteArray()).isEqualTo(Files.readAllBytes(file));
    assertThat(server.requests).contains("HEAD /chat/uploads/u1");
    // The resume sends the rest of the cut chunk, then whole chunks from the server's offset.
    assertThat(server.patchSizes).containsExactly(CHUNK, CHUNK, CHUNK, CHUNK - 1500);
    assertThat(uploaded.attachment().size()).isEqualTo(4 * CHUNK);
  }

  @Test
  void resumesAStreamFromItsLastChunkAfterACut() throws Exception {
    byte[] bytes = new byte[2 * CHUNK + 17];
    new Random(5).nextBytes(bytes);
    server.cuts.add(CHUNK - 1);

    UploadedFile uploaded =
        done(
            uploader.upload(
                TusStubServer.TOKEN, new ByteArrayInputStream(bytes), "notes.txt", bytes.length));

    assertThat(server.uploads.get("u1").toByteArray()).isEqualTo(bytes);
    assertThat(uploaded.attachment().name()).isEqualTo("notes.txt");
  }

  @Test
  void waitsOutA503AndCarriesOn() throws Exception {
    server.faults.add(new TusStubServer.Fault("POST", 503, "ATTACHMENTS_UNAVAILABLE", "0"));
    server.faults.add(new TusStubServer.Fault("PATCH", 503, "ATTACHMENTS_UNAVAILABLE", "0"));

    UploadedFile uploaded = done(uploader.upload(TusStubServer.TOKEN, file("a.bin", 100)));

    assertThat(uploaded.token()).isEqualTo("token-u1");
    assertThat(server.requests)
        .containsExactly(
            "POST /chat/uploads",
            "POST /chat/uploads",
            "PATCH /chat/uploads/u1",
            "HEAD /chat/uploads/u1",
            "PATCH /chat/uploads/u1",
            "GET /chat/uploads/u1");
  }

  @Test
  void givesUpWithUnavailableWhenTheServerStaysDown() throws Exception {
    for (int i = 0; i < TusUpload.MAX_FAILURES; i++) {
      server.faults.add(new TusStubServer.Fault("POST", 503, "ATTACHMENTS_UNAVAILABLE", "0"));
    }

    ChatException failure = failure(uploader.upload(TusStubServer.TOKEN, file("a.bin", 10)));

    assertThat(failure.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(failure.getMessage()).contains("ATTACHMENTS_UNAVAILABLE").contains("a.bin");
    assertThat(failure.retryAfter()).contains(Duration.ZERO);
    assertThat(server.requests).hasSize(TusUpload.MAX_FAILURES);
  }

  @Test
  void aRefusalFailsAtOnceWithTheServersReason() throws Exception {
    server.faults.add(new TusStubServer.Fault("PATCH", 422, "CONTENT_REFUSED", null));

    ChatException failure = failure(uploader.upload(TusStubServer.TOKEN, file("x.png", 10)));

    assertThat(failure.code()).isEqualTo(ErrorCode.REJECTED);
    assertThat(failure.getMessage())
        .contains("planned CONTENT_REFUSED")
        .contains("HTTP 422 CONTENT_REFUSED")
        .contains("x.png");
    assertThat(server.requests).last().isEqualTo("DELETE /chat/uploads/u1");
  }

  @Test
  void tooLargeQuotaAndCredentialsMapToTheirCodes() throws Exception {
    server.faults.add(new TusStubServer.Fault("POST", 413, "TOO_LARGE", null));
    assertThat(failure(uploader.upload(TusStubServer.TOKEN, file("a", 10))).code())
        .isEqualTo(ErrorCode.TOO_LARGE);

    server.faults.add(new TusStubServer.Fault("POST", 429, "QUOTA_EXCEEDED", "3600"));
    ChatException quota = failure(uploader.upload(TusStubServer.TOKEN, file("b", 10)));
    assertThat(quota.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
    assertThat(quota.retryAfter()).contains(Duration.ofHours(1));

    assertThat(failure(uploader.upload("wrong", file("c", 10))).code())
        .isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
  }

  @Test
  void aStreamShorterThanDeclaredFailsAndTheUploadIsDeleted() throws Exception {
    ChatException failure =
        failure(
            uploader.upload(
                TusStubServer.TOKEN, new ByteArrayInputStream(new byte[10]), "short.bin", 20));

    assertThat(failure.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(failure.getMessage()).contains("ended after 10 of the 20 bytes");
    assertThat(server.uploads).doesNotContainKey("u1");
  }

  @Test
  void aMissingFileFailsWithoutAnyRequest() {
    ChatException failure =
        failure(uploader.upload(TusStubServer.TOKEN, directory.resolve("nothing.bin")));

    assertThat(failure.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(failure.getMessage()).contains("nothing.bin");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void withoutAnHttpEndpointUploadsFailWithAClearMessage() throws Exception {
    try (TusUploader none =
        new TusUploader(
            null,
            CHUNK,
            Duration.ofSeconds(1),
            null,
            new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), new Random(1)),
            Runnable::run)) {
      ChatException failure = failure(none.upload(TusStubServer.TOKEN, file("a", 1)));
      assertThat(failure.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(failure.getMessage()).contains("httpEndpoint");
    }
  }

  @Test
  void cancellingStopsTheUploadAndDeletesIt() throws Exception {
    for (int i = 0; i < 3; i++) {
      server.faults.add(new TusStubServer.Fault("PATCH", 503, "ATTACHMENTS_UNAVAILABLE", "60"));
    }
    CompletableFuture<UploadedFile> upload = uploader.upload(TusStubServer.TOKEN, file("a", 10));
    await().until(() -> server.requests.contains("PATCH /chat/uploads/u1"));

    upload.cancel(false);

    await().until(() -> server.requests.contains("DELETE /chat/uploads/u1"));
    assertThat(server.uploads).doesNotContainKey("u1");
  }

  @Test
  void closingTheClientFailsAnUploadUnderWay() throws Exception {
    server.faults.add(new TusStubServer.Fault("PATCH", 503, "ATTACHMENTS_UNAVAILABLE", "60"));
    CompletableFuture<UploadedFile> upload = uploader.upload(TusStubServer.TOKEN, file("a", 10));
    await().until(() -> server.requests.contains("PATCH /chat/uploads/u1"));

    uploader.close();

    assertThat(failure(upload).code()).isEqualTo(ErrorCode.NOT_CONNECTED);
  }
}
