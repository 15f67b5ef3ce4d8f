package dev.parley.chat.testkit.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.spi.BlobId;
import dev.parley.chat.spi.BlobInfo;
import dev.parley.chat.spi.BlobStore;
import dev.parley.chat.spi.BlobTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link BlobStore} keeps: blobs named by the SHA-256 of their bytes, stored
 * once however often and however concurrently they are put, byte ranges, limits that store nothing,
 * failures half way that leave nothing, a put of stored bytes that refreshes their time, deletion,
 * listing and (for a persistent store) what a reopen keeps. Subclass it and implement {@link
 * #newStore()}; override {@link #persistent()} and {@link #reopen(BlobStore)} for a store whose
 * blobs outlive it, and {@link #letTimePass(Instant)} for a store whose clock the test controls.
 * Each test gets a fresh, empty store and closes it afterwards. Not thread-safe (one test at a time
 * per instance, as JUnit runs them); the suite's own threads call the store only in the concurrency
 * test.
 */
public abstract class BlobStoreConformanceSuite {
  private static final int MIB = 1024 * 1024;

  /** A new, empty store. */
  protected abstract BlobStore newStore() throws Exception;

  /**
   * Whether the store's blobs outlive it: if true, {@link #reopen(BlobStore)} must be implemented,
   * and the reopen test runs; otherwise it is skipped.
   */
  protected boolean persistent() {
    return false;
  }

  /**
   * A store over the same storage as {@code closed}, which the suite has just closed: what a server
   * restart sees. Called only if {@link #persistent()}.
   */
  protected BlobStore reopen(BlobStore closed) throws Exception {
    throw new UnsupportedOperationException("a persistent store implements reopen");
  }

  /**
   * Lets the store's clock move on until a blob stored now would get a {@code storedAt} after
   * {@code storedAt} (at the store's own precision). Override it for a store on a clock the test
   * controls, to move that clock. The default, for a store whose times come from a server's real
   * clock, waits (at most ten seconds) until the system clock, cut to whole seconds (the coarsest
   * precision a store reports), has passed {@code storedAt}.
   */
  protected void letTimePass(Instant storedAt) throws Exception {
    await()
        .pollInterval(Duration.ofMillis(50))
        .atMost(Duration.ofSeconds(10))
        .until(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).isAfter(storedAt));
  }

  /** Longest the concurrency test waits for its threads. */
  protected long timeoutSeconds() {
    return 30;
  }

  private BlobStore store;

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
  }

  @AfterEach
  void closeStore() throws IOException {
    if (store != null) {
      store.close();
    }
  }

  /** The store under test. */
  protected BlobStore store() {
    return store;
  }

  @Test
  void putReturnsTheSha256AndTheSize() throws IOException {
    byte[] bytes = "hello, Parley".getBytes(StandardCharsets.UTF_8);
    BlobInfo info = put(bytes);
    assertThat(info.id()).isEqualTo(new BlobId(sha256Hex(bytes)));
    assertThat(info.size()).isEqualTo(bytes.length);
    assertThat(store.stat(info.id())).contains(info);
    assertThat(readAll(info.id(), bytes.length)).isEqualTo(bytes);
  }

  @Test
  void anEmptyBlobIsStored() throws IOException {
    BlobInfo info = put(new byte[0]);
    assertThat(info.id()).isEqualTo(new BlobId(sha256Hex(new byte[0])));
    assertThat(info.size()).isZero();
    assertThat(store.stat(info.id())).contains(info);
    assertThat(readAll(info.id(), 0)).isEmpty();
  }

  @Test
  void aFiveMebibyteBlobRoundTripsByteIdentical() throws IOException {
    byte[] bytes = randomBytes(5 * MIB, 17);
    BlobInfo info = put(bytes);
    assertThat(info.size()).isEqualTo(bytes.length);
    assertThat(info.id()).isEqualTo(new BlobId(sha256Hex(bytes)));
    byte[] read = readAll(info.id(), bytes.length);
    assertThat(Arrays.equals(read, bytes)).as("the bytes read back are the bytes put").isTrue();
  }

  @Test
  void theSameBytesPutTwiceAreStoredOnce() throws IOException {
    byte[] bytes = randomBytes(4096, 23);
    BlobInfo first = put(bytes);
    BlobInfo second = put(bytes);
    assertThat(second.id()).isEqualTo(first.id());
    assertThat(second.size()).isEqualTo(first.size());
    assertThat(second.storedAt()).as("storedAt never goes back").isAfterOrEqualTo(first.storedAt());
    assertThat(store.stat(first.id())).contains(second);
    assertThat(listed()).containsExactly(first.id());
    assertThat(readAll(first.id(), bytes.length)).isEqualTo(bytes);
  }

  /**
   * A put of bytes already stored refreshes the blob's {@code storedAt} (see {@link
   * BlobStore#put}): retention, which removes unreferenced blobs by their age, must give a
   * re-uploaded file a full grace period again.
   */
  @Test
  void puttingStoredBytesAgainRefreshesStoredAt() throws Exception {
    byte[] bytes = randomBytes(3000, 61);
    BlobInfo first = put(bytes);
    letTimePass(first.storedAt());
    BlobInfo again = put(bytes);
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(again.size()).isEqualTo(first.size());
    assertThat(again.storedAt()).as("storedAt after the second put").isAfter(first.storedAt());
    assertThat(store.stat(first.id())).as("stat after the second put").contains(again);
    List<BlobInfo> seen = new ArrayList<>();
    store.forEach(seen::add);
    assertThat(seen).as("forEach after the second put").containsExactly(again);
    assertThat(readAll(first.id(), bytes.length)).isEqualTo(bytes);
  }

  @Test
  void twoThreadsPuttingTheSameBytesBothSucceedWithOneBlob() throws Exception {
    byte[] bytes = randomBytes(2 * MIB, 29);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<BlobInfo>> puts = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        puts.add(
            threads.submit(
                () -> {
                  start.await();
                  return store.put(new ByteArrayInputStream(bytes), bytes.length);
                }));
      }
      start.countDown();
      BlobInfo a = puts.get(0).get(timeoutSeconds(), TimeUnit.SECONDS);
      BlobInfo b = puts.get(1).get(timeoutSeconds(), TimeUnit.SECONDS);
      BlobId expected = new BlobId(sha256Hex(bytes));
      assertThat(a.id()).isEqualTo(expected);
      assertThat(b.id()).isEqualTo(expected);
      assertThat(a.size()).isEqualTo(bytes.length);
      assertThat(b.size()).isEqualTo(bytes.length);
      assertThat(listed()).containsExactly(expected);
      assertThat(Arrays.equals(readAll(expected, bytes.length), bytes)).isTrue();
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void differentBytesGetDifferentIds() throws IOException {
    BlobInfo a = put("a".getBytes(StandardCharsets.UTF_8));
    BlobInfo b = put("b".getBytes(StandardCharsets.UTF_8));
    assertThat(a.id()).isNotEqualTo(b.id());
    assertThat(listed()).containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(readAll(a.id(), 1)).isEqualTo("a".getBytes(StandardCharsets.UTF_8));
    assertThat(readAll(b.id(), 1)).isEqualTo("b".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void statOfAMissingIdIsEmpty() throws IOException {
    assertThat(store.stat(new BlobId(sha256Hex("never stored".getBytes(StandardCharsets.UTF_8)))))
        .isEmpty();
  }

  @Test
  void openOfAMissingIdThrowsNoSuchFile() {
    BlobId missing = new BlobId(sha256Hex("never stored".getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(() -> store.open(missing, 0, 0)).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void rangesReadTheirBytes() throws IOException {
    byte[] bytes = randomBytes(10_000, 31);
    BlobId id = put(bytes).id();
    assertThat(read(id, 0, 100)).isEqualTo(Arrays.copyOfRange(bytes, 0, 100));
    assertThat(read(id, 4321, 1234)).isEqualTo(Arrays.copyOfRange(bytes, 4321, 4321 + 1234));
    assertThat(read(id, 9_900, 100)).isEqualTo(Arrays.copyOfRange(bytes, 9_900, 10_000));
    assertThat(read(id, 5_000, 0)).isEmpty();
    assertThat(read(id, 10_000, 0)).as("an empty range at the end").isEmpty();
  }

  @Test
  void rangesOutsideTheBlobAreRejected() throws IOException {
    BlobId id = put(randomBytes(1000, 37)).id();
    assertThatThrownBy(() -> store.open(id, 900, 101)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.open(id, 1001, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.open(id, -1, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.open(id, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.open(id, Long.MAX_VALUE, 2))
        .as("offset + length overflowing")
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void putOverTheLimitStoresNothing() throws IOException {
    BlobId kept = put("kept".getBytes(StandardCharsets.UTF_8)).id();
    byte[] bytes = randomBytes(1001, 41);
    assertThatThrownBy(() -> store.put(new ByteArrayInputStream(bytes), 1000))
        .isInstanceOfSatisfying(
            BlobTooLargeException.class, e -> assertThat(e.maxBytes()).isEqualTo(1000));
    assertThat(store.stat(new BlobId(sha256Hex(bytes)))).isEmpty();
    assertThat(listed()).containsExactly(kept);
    assertThat(put(Arrays.copyOf(bytes, 1000), 1000).size())
        .as("exactly the limit is accepted")
        .isEqualTo(1000);
  }

  @Test
  void aNegativeLimitIsRejected() {
    assertThatThrownBy(() -> store.put(new ByteArrayInputStream(new byte[0]), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void contentFailingHalfWayStoresNothing() throws IOException {
    BlobId kept = put("kept".getBytes(StandardCharsets.UTF_8)).id();
    byte[] bytes = randomBytes(256 * 1024, 43);
    InputStream failing = new FailingAfter(bytes, bytes.length / 2);
    assertThatThrownBy(() -> store.put(failing, bytes.length))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(FailingAfter.MESSAGE);
    assertThat(store.stat(new BlobId(sha256Hex(bytes)))).isEmpty();
    assertThat(listed()).containsExactly(kept);
    assertThat(put(bytes).id())
        .as("the same bytes can be put afterwards")
        .isEqualTo(new BlobId(sha256Hex(bytes)));
  }

  @Test
  void deleteRemovesOnce() throws IOException {
    BlobId id = put(randomBytes(100, 47)).id();
    BlobId other = put(randomBytes(100, 53)).id();
    assertThat(store.delete(id)).isTrue();
    assertThat(store.delete(id)).isFalse();
    assertThat(store.stat(id)).isEmpty();
    assertThatThrownBy(() -> store.open(id, 0, 0)).isInstanceOf(NoSuchFileException.class);
    assertThat(listed()).containsExactly(other);
  }

  @Test
  void forEachListsEveryStoredBlob() throws IOException {
    assertThat(listed()).isEmpty();
    List<BlobInfo> stored = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      stored.add(put(randomBytes(i * 7, 100 + i)));
    }
    List<BlobInfo> seen = new ArrayList<>();
    store.forEach(seen::add);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(stored);
  }

  @Test
  void aReopenedStoreKeepsItsBlobs() throws Exception {
    Assumptions.assumeTrue(persistent(), "the store does not persist");
    byte[] bytes = randomBytes(70_000, 59);
    BlobInfo info = put(bytes);
    BlobInfo empty = put(new byte[0]);
    BlobStore closed = store;
    closed.close();
    store = null;
    store = reopen(closed);
    assertThat(store.stat(info.id())).contains(info);
    assertThat(store.stat(empty.id())).contains(empty);
    assertThat(Arrays.equals(readAll(info.id(), bytes.length), bytes)).isTrue();
    assertThat(listed()).containsExactlyInAnyOrder(info.id(), empty.id());
    BlobInfo again = put(bytes);
    assertThat(again.id())
        .as("putting again after a reopen finds the stored blob")
        .isEqualTo(info.id());
    assertThat(again.size()).isEqualTo(info.size());
    assertThat(again.storedAt()).isAfterOrEqualTo(info.storedAt());
  }

  private BlobInfo put(byte[] bytes) throws IOException {
    return put(bytes, bytes.length);
  }

  private BlobInfo put(byte[] bytes, long maxBytes) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    BlobInfo info = store.put(in, maxBytes);
    assertThat(in.available()).as("put reads the content to its end").isZero();
    return info;
  }

  private byte[] readAll(BlobId id, long size) throws IOException {
    return read(id, 0, size);
  }

  private byte[] read(BlobId id, long offset, long length) throws IOException {
    try (InputStream in = store.open(id, offset, length)) {
      return in.readAllBytes();
    }
  }

  private Set<BlobId> listed() throws IOException {
    List<BlobId> ids = new ArrayList<>();
    store.forEach(info -> ids.add(info.id()));
    Set<BlobId> unique = new HashSet<>(ids);
    assertThat(ids).as("forEach lists each blob once").hasSameSizeAs(unique);
    return unique;
  }

  /** {@code size} bytes from a generator seeded with {@code seed}. */
  protected static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** The SHA-256 of {@code bytes} in lowercase hex, computed by the JDK. */
  protected static String sha256Hex(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      StringBuilder hex = new StringBuilder(64);
      for (byte b : digest) {
        hex.append(String.format("%02x", b));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Content that gives its first {@code failAt} bytes, then throws. */
  private static final class FailingAfter extends InputStream {
    static final String MESSAGE = "the content failed half way on purpose";
    private final byte[] bytes;
    private final int failAt;
    private int position;

    FailingAfter(byte[] bytes, int failAt) {
      this.bytes = bytes;
      this.failAt = failAt;
    }

    @Override
    public int read() throws IOException {
      if (position >= failAt) {
        throw new IOException(MESSAGE);
      }
      return bytes[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (position >= failAt) {
        throw new IOException(MESSAGE);
      }
      int n = Math.min(len, failAt - position);
      System.arraycopy(bytes, position, b, off, n);
      position += n;
      return n;
    }
  }
}
