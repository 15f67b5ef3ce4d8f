package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.server.FileSystemBlobStore;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import dev.parley.chat.spi.BlobInfo;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.RoomPosition;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention against a real file-system blob store on a clock the test moves: what it removes, what
 * it keeps, and that it stays off for a store that cannot say what it references.
 */
class BlobRetentionTest {
  private static final Duration GRACE = Duration.ofHours(24);

  @TempDir Path root;

  private final Engine.ManualClock clock = new Engine.ManualClock();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final ReferencingStore messages = new ReferencingStore();
  private FileSystemBlobStore store;
  private BlobAccess blobs;
  private DependencyBreaker storeBreaker;
  private BlobRetention retention;

  @BeforeEach
  void open() throws IOException {
    store = FileSystemBlobStore.open(root, clock);
    BreakerSettings breakers =
        new BreakerSettings(
            Duration.ofSeconds(10),
            50,
            2,
            Duration.ofSeconds(30),
            100,
            Duration.ofMillis(10),
            Duration.ofSeconds(1));
    blobs = new BlobAccess(store, 2, new DependencyBreaker("blobs", breakers, clock, timer));
    storeBreaker = new DependencyBreaker("store", breakers, clock, timer);
    retention =
        new BlobRetention(new GuardedMessageStore(messages, storeBreaker), blobs, GRACE, clock);
  }

  @AfterEach
  void close() throws IOException {
    retention.close();
    blobs.close();
    store.close();
    timer.shutdownNow();
  }

  private BlobInfo put(long seed) throws IOException {
    byte[] bytes = new byte[1000];
    new Random(seed).nextBytes(bytes);
    return store.put(new ByteArrayInputStream(bytes), bytes.length);
  }

  private Set<String> stored() throws IOException {
    Set<String> ids = new HashSet<>();
    store.forEach(info -> ids.add(info.id().sha256()));
    return ids;
  }

  @Test
  void removesOnlyUnreferencedBlobsOlderThanTheGracePeriod() throws IOException {
    BlobInfo referenced = put(1);
    BlobInfo thumbnail = put(2);
    BlobInfo orphan = put(3);
    clock.advance(GRACE.plusMinutes(1));
    BlobInfo young = put(4);
    messages.referenced = Set.of(referenced.id().sha256(), thumbnail.id().sha256());

    BlobRetention.Sweep sweep = retention.sweep().join();

    assertThat(sweep).isEqualTo(new BlobRetention.Sweep(4, 2, 1));
    assertThat(stored())
        .containsExactlyInAnyOrder(
            referenced.id().sha256(), thumbnail.id().sha256(), young.id().sha256());
    assertThat(retention.sweep().join().deleted()).as("nothing more to remove").isZero();
  }

  @Test
  void aBlobStoredAgainGetsAFullGracePeriod() throws IOException {
    BlobInfo old = put(5);
    clock.advance(GRACE.plusHours(5));
    put(5); // uploaded again: a token for it may now be used for a while
    assertThat(retention.sweep().join().deleted()).isZero();
    assertThat(stored()).containsExactly(old.id().sha256());
    clock.advance(GRACE.plusMinutes(1));
    assertThat(retention.sweep().join().deleted()).isEqualTo(1);
    assertThat(stored()).isEmpty();
  }

  @Test
  void aStoreThatCannotSayWhatItReferencesTurnsRetentionOff() throws IOException {
    messages.unsupported = true;
    put(6);
    clock.advance(GRACE.multipliedBy(3));
    assertThat(retention.sweep().join()).isEqualTo(BlobRetention.Sweep.SKIPPED);
    assertThat(retention.off()).isTrue();
    assertThat(stored()).hasSize(1);
    messages.unsupported = false;
    assertThat(retention.sweep().join()).as("off stays off").isEqualTo(BlobRetention.Sweep.SKIPPED);
    assertThat(stored()).hasSize(1);
    assertThat(storeBreaker.status().available())
        .as("an unsupported call is no failure of the store")
        .isTrue();
    assertThat(messages.calls).isEqualTo(1);
  }

  @Test
  void aFailingStoreDeletesNothingAndRetentionTriesAgain() throws IOException {
    BlobInfo referenced = put(7);
    clock.advance(GRACE.plusMinutes(1));
    messages.referenced = Set.of(referenced.id().sha256());
    messages.failing = true;
    assertThat(retention.sweep().join()).isEqualTo(BlobRetention.Sweep.SKIPPED);
    assertThat(retention.off()).isFalse();
    assertThat(stored()).containsExactly(referenced.id().sha256());
    messages.failing = false;
    assertThat(retention.sweep().join()).isEqualTo(new BlobRetention.Sweep(1, 1, 0));
  }

  @Test
  void sweepsRunOnTheTimerWithoutBlockingIt() throws Exception {
    put(8);
    clock.advance(GRACE.plusMinutes(1));
    retention.start(timer, Duration.ofMillis(20));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> stored().isEmpty());
    assertThat(Files.exists(root)).isTrue();
  }

  /** A message store whose referenced blobs the test sets. Thread-safe enough for one test. */
  private static final class ReferencingStore implements MessageStore {
    private final InMemoryMessageStore messages = new InMemoryMessageStore();
    volatile Set<String> referenced = Set.of();
    volatile boolean unsupported;
    volatile boolean failing;
    volatile int calls;

    @Override
    public CompletableFuture<Set<String>> referencedBlobs() {
      calls++;
      if (unsupported) {
        return MessageStore.super.referencedBlobs();
      }
      if (failing) {
        return CompletableFuture.failedFuture(new IOException("the store is down (on purpose)"));
      }
      return CompletableFuture.completedFuture(referenced);
    }

    @Override
    public CompletableFuture<AppendResult> append(AppendRequest request) {
      return messages.append(request);
    }

    @Override
    public CompletableFuture<HistorySlice> read(
        RoomId room, long fromSeq, ReadDirection direction, int limit) {
      return messages.read(room, fromSeq, direction, limit);
    }

    @Override
    public CompletableFuture<RoomPosition> position(RoomId room) {
      return messages.position(room);
    }

    @Override
    public void close() {
      messages.close();
    }

    @Override
    public String toString() {
      return "ReferencingStore" + List.of();
    }
  }
}
