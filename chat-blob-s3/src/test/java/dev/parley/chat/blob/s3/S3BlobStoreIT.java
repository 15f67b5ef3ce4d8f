package dev.parley.chat.blob.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.spi.BlobId;
import dev.parley.chat.spi.BlobInfo;
import dev.parley.chat.spi.BlobTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jclouds.io.Payloads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The S3 store against a real S3-compatible server (S3Proxy, in-process, on loopback). */
class S3BlobStoreIT {
  private static S3TestServer server;

  @TempDir Path temp;
  private String bucket;
  private S3BlobStore store;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3TestServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void newStore() {
    bucket = server.newBucket();
    store = server.storeBuilder(bucket).keyPrefix("blobs/").tempDirectory(temp).build();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void theSameBytesTwiceAreOneObjectInTheBucket() throws IOException {
    byte[] bytes = bytes(1, 5000);

    BlobInfo first = store.put(new ByteArrayInputStream(bytes), 10_000);
    BlobInfo second = store.put(new ByteArrayInputStream(bytes), 10_000);

    assertThat(second).isEqualTo(first);
    assertThat(first.id()).isEqualTo(BlobId.ofDigest(sha256(bytes)));
    assertThat(first.size()).isEqualTo(5000);
    assertThat(server.objectCount(bucket)).isEqualTo(1);
    assertThat(server.backend().blobExists(bucket, "blobs/" + first.id())).isTrue();
    assertThat(store.stat(first.id())).contains(first);
  }

  @Test
  void twoConcurrentPutsOfTheSameBytesBothSucceedAndStoreOneObject() throws Exception {
    byte[] bytes = bytes(2, 20_000);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Callable<BlobInfo> put = () -> store.put(new ByteArrayInputStream(bytes), 20_000);
      Future<BlobInfo> a = pool.submit(put);
      Future<BlobInfo> b = pool.submit(put);
      assertThat(a.get().id()).isEqualTo(b.get().id());
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.objectCount(bucket)).isEqualTo(1);
  }

  @Test
  void aRangeReadReturnsExactlyThoseBytes() throws IOException {
    byte[] bytes = bytes(3, 4096);
    BlobId id = store.put(new ByteArrayInputStream(bytes), 4096).id();

    assertThat(read(id, 1000, 123)).isEqualTo(Arrays.copyOfRange(bytes, 1000, 1123));
    assertThat(read(id, 4095, 1)).isEqualTo(new byte[] {bytes[4095]});
    assertThat(read(id, 0, 4096)).isEqualTo(bytes);
    assertThat(read(id, 4096, 0)).isEmpty();
    assertThatThrownBy(() -> store.open(id, 4000, 97))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4000+97");
  }

  @Test
  void openingAMissingBlobIsNoSuchFile() {
    BlobId missing = BlobId.ofDigest(sha256(new byte[] {9}));
    assertThatThrownBy(() -> store.open(missing, 0, 1)).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void tooMuchContentStoresNothingAndLeavesNoTemporaryFile() throws IOException {
    assertThatThrownBy(() -> store.put(new ByteArrayInputStream(bytes(4, 1001)), 1000))
        .isInstanceOf(BlobTooLargeException.class);
    assertThat(server.objectCount(bucket)).isZero();
    try (var files = Files.list(temp)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void forEachPagesThroughEveryBlobAndSkipsForeignKeys() throws IOException {
    store.close();
    store = server.storeBuilder(bucket).keyPrefix("blobs/").listPageSize(2).build();
    List<BlobInfo> stored = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      stored.add(store.put(new ByteArrayInputStream(bytes(10 + i, 100 + i)), 1000));
    }
    server
        .backend()
        .putBlob(
            bucket,
            server
                .backend()
                .blobBuilder("blobs/not-a-blob")
                .payload(Payloads.newByteArrayPayload(new byte[3]))
                .build());
    server
        .backend()
        .putBlob(
            bucket,
            server
                .backend()
                .blobBuilder("elsewhere/" + stored.get(0).id())
                .payload(Payloads.newByteArrayPayload(new byte[3]))
                .build());

    List<BlobInfo> seen = new ArrayList<>();
    store.forEach(seen::add);

    assertThat(seen).containsExactlyInAnyOrderElementsOf(stored);
  }

  @Test
  void deleteRemovesTheObjectOnce() throws IOException {
    BlobId id = store.put(new ByteArrayInputStream(bytes(5, 10)), 10).id();

    assertThat(store.delete(id)).isTrue();
    assertThat(store.delete(id)).isFalse();
    assertThat(store.stat(id)).isEmpty();
    assertThat(server.objectCount(bucket)).isZero();
  }

  private byte[] read(BlobId id, long offset, long length) throws IOException {
    try (InputStream in = store.open(id, offset, length)) {
      return in.readAllBytes();
    }
  }

  static byte[] bytes(long seed, int size) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
