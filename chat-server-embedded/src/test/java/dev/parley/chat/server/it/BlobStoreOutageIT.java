package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.server.AttachmentOptions;
import dev.parley.chat.server.DependencyStatus;
import dev.parley.chat.server.FileSystemBlobStore;
import dev.parley.chat.spi.BlobId;
import dev.parley.chat.spi.BlobInfo;
import dev.parley.chat.spi.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blob store is down (every call fails): uploads are refused with a retryable 503 {@code
 * ATTACHMENTS_UNAVAILABLE}, at once and without calling the store once its breaker is open, while
 * text chat over a real WebSocket goes on untouched and the node stays ready.
 */
class BlobStoreOutageIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final RoomId ROOM = RoomId.of("general");

  @TempDir Path dir;
  private final DeadBlobStore blobs = new DeadBlobStore();
  private Fixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void uploadsAre503WhileTextChatGoesOn() throws Exception {
    fixture =
        new Fixture(
            b ->
                b.breakerWindowSize(4)
                    .breakerOpenDuration(Duration.ofMinutes(5))
                    .attachments(
                        AttachmentOptions.builder(blobs)
                            .stagingDirectory(dir.resolve("staging"))
                            .build()));
    TusWire tus = new TusWire(fixture.server.httpUri().orElseThrow());

    // while the breaker is closed, each upload's last PATCH reaches the dead store and fails
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              HttpResponse<String> last = tus.upload("alice", new byte[] {1, 2, 3}, "a", null, 3);
              UploadBadInputIT.assertError(last, 503, "ATTACHMENTS_UNAVAILABLE", true);
              assertThat(last.headers().firstValue("Retry-After")).isPresent();
              assertThat(blobsState()).isEqualTo(DependencyStatus.State.OPEN);
            });

    // open: refused before any byte moves, the store not called
    int callsBefore = blobs.calls.get();
    HttpResponse<String> created = tus.create("alice", 10, "b", null);
    UploadBadInputIT.assertError(created, 503, "ATTACHMENTS_UNAVAILABLE", true);
    long retryAfter = Long.parseLong(created.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 300L);
    assertThat(blobs.calls.get()).isEqualTo(callsBefore);

    // chat: 100 messages, each delivered once and in order, and the node is ready
    RecordingListener bobEvents = new RecordingListener();
    ChatSession alice = fixture.connect("alice", new RecordingListener());
    ChatSession bob = fixture.connect("bob", bobEvents);
    RoomHandle aliceRoom = alice.join(ROOM).get(10, TimeUnit.SECONDS);
    bob.join(ROOM).get(10, TimeUnit.SECONDS);
    for (int i = 1; i <= 100; i++) {
      aliceRoom.send("message " + i).get(30, TimeUnit.SECONDS);
    }
    List<ChatMessage> seen = bobEvents.awaitMessages(ROOM, 100, WAIT);
    assertThat(seen).hasSize(100);
    for (int i = 0; i < 100; i++) {
      assertThat(seen.get(i).text()).isEqualTo("message " + (i + 1));
    }
    bobEvents.assertContractKept();
    assertThat(fixture.server.isReady()).isTrue();
    assertThat(readyz()).isEqualTo(200);
    assertThat(blobs.calls.get()).isEqualTo(callsBefore);
  }

  @Test
  void theFinalPatchAfterAStoreFailureStoresTheStagedBytesOnceTheStoreIsBack() throws Exception {
    FileSystemBlobStore disk = FileSystemBlobStore.open(dir.resolve("blobs"));
    FlakyBlobStore flaky = new FlakyBlobStore(disk);
    fixture =
        new Fixture(
            b ->
                b.attachments(
                    AttachmentOptions.builder(flaky)
                        .stagingDirectory(dir.resolve("staging"))
                        .build()));
    TusWire tus = new TusWire(fixture.server.httpUri().orElseThrow());
    byte[] file = "the minutes\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    URI upload = tus.location(tus.create("alice", file.length, "minutes.txt", null));

    flaky.down = true;
    HttpResponse<String> failed = tus.patch(upload, "alice", 0, file);
    UploadBadInputIT.assertError(failed, 503, "ATTACHMENTS_UNAVAILABLE", true);
    assertThat(tus.offset(upload, "alice")).isEqualTo(file.length);
    assertThat(tus.get(upload, "alice").statusCode()).isEqualTo(409); // no token yet

    flaky.down = false;
    HttpResponse<String> retried = tus.patch(upload, "alice", file.length, new byte[0]);

    assertThat(retried.statusCode()).isEqualTo(204);
    assertThat(retried.headers().firstValue("Parley-Attachment-Token")).isPresent();
    List<BlobInfo> stored = new java.util.ArrayList<>();
    disk.forEach(stored::add);
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).size()).isEqualTo(file.length);
    disk.close();
  }

  private DependencyStatus.State blobsState() {
    return fixture.server.dependencies().stream()
        .filter(d -> d.name().equals("blobs"))
        .findFirst()
        .orElseThrow()
        .state();
  }

  private int readyz() throws Exception {
    URI readyz = fixture.server.httpUri().orElseThrow().resolve("/readyz");
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** A store whose every call fails while {@code down}. */
  private static final class FlakyBlobStore implements BlobStore {
    private final BlobStore store;
    volatile boolean down;

    FlakyBlobStore(BlobStore store) {
      this.store = store;
    }

    private void check() throws IOException {
      if (down) {
        throw new IOException("the blob store is unreachable");
      }
    }

    @Override
    public BlobInfo put(InputStream content, long maxBytes) throws IOException {
      check();
      return store.put(content, maxBytes);
    }

    @Override
    public Optional<BlobInfo> stat(BlobId id) throws IOException {
      check();
      return store.stat(id);
    }

    @Override
    public InputStream open(BlobId id, long offset, long length) throws IOException {
      check();
      return store.open(id, offset, length);
    }

    @Override
    public boolean delete(BlobId id) throws IOException {
      check();
      return store.delete(id);
    }

    @Override
    public void forEach(Consumer<BlobInfo> each) throws IOException {
      check();
      store.forEach(each);
    }

    @Override
    public void close() {}
  }

  /** A blob store whose disk is gone: every call fails with an IOException. */
  private static final class DeadBlobStore implements BlobStore {
    final AtomicInteger calls = new AtomicInteger();

    private IOException down() {
      calls.incrementAndGet();
      return new IOException("the blob store's disk is gone");
    }

    @Override
    public BlobInfo put(InputStream content, long maxBytes) throws IOException {
      throw down();
    }

    @Override
    public Optional<BlobInfo> stat(BlobId id) throws IOException {
      throw down();
    }

    @Override
    public InputStream open(BlobId id, long offset, long length) throws IOException {
      throw down();
    }

    @Override
    public boolean delete(BlobId id) throws IOException {
      throw down();
    }

    @Override
    public void forEach(Consumer<BlobInfo> each) throws IOException {
      throw down();
    }

    @Override
    public void close() {}
  }
}
