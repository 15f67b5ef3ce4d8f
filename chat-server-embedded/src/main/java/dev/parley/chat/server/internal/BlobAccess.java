package dev.parley.chat.server.internal;

import dev.parley.chat.spi.BlobId;
import dev.parley.chat.spi.BlobInfo;
import dev.parley.chat.spi.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's only way to the {@link BlobStore}: every call runs on the blob threads (never a
 * transport, request or HTTP thread) and goes through the {@code blobs} breaker, so a slow or dead
 * store costs attachments, not chat, and an open breaker refuses at once with a retryable {@code
 * UNAVAILABLE} (a {@link dev.parley.chat.api.ChatException} with a retry-after). Thread-safe;
 * futures complete on the blob threads or, when refused, on the calling thread.
 */
final class BlobAccess implements AutoCloseable {
  private final BlobStore store;
  private final DependencyBreaker breaker;
  private final ExecutorService threads;

  /**
   * @param store the application's store (not closed here)
   * @param threads how many threads call it
   * @param breaker the breaker named {@code blobs}, whose timeout bounds each call
   */
  BlobAccess(BlobStore store, int threads, DependencyBreaker breaker) {
    this.store = store;
    this.breaker = breaker;
    AtomicInteger n = new AtomicInteger();
    this.threads =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "parley-blobs-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Whether calls are let through now (the breaker is not open). */
  boolean available() {
    return breaker.available();
  }

  /** The breaker, for health reporting and retry-after hints. */
  DependencyBreaker breaker() {
    return breaker;
  }

  /** Stores a complete staged file (see {@link BlobStore#put}). */
  CompletableFuture<BlobInfo> put(Path file, long maxBytes) {
    return call(
        "put",
        () -> {
          try (InputStream in = Files.newInputStream(file)) {
            return store.put(in, maxBytes);
          }
        });
  }

  /** See {@link BlobStore#stat}. */
  CompletableFuture<Optional<BlobInfo>> stat(BlobId id) {
    return call("stat", () -> store.stat(id));
  }

  /**
   * Opens a range (see {@link BlobStore#open}); the caller reads and closes the stream on its own
   * thread.
   */
  CompletableFuture<InputStream> open(BlobId id, long offset, long length) {
    return call("open", () -> store.open(id, offset, length));
  }

  /** See {@link BlobStore#delete}. */
  CompletableFuture<Boolean> delete(BlobId id) {
    return call("delete", () -> store.delete(id));
  }

  /**
   * Every stored blob, gathered on a blob thread (see {@link BlobStore#forEach}); for retention.
   */
  CompletableFuture<List<BlobInfo>> list() {
    return call(
        "list",
        () -> {
          List<BlobInfo> all = new ArrayList<>();
          store.forEach(all::add);
          return all;
        });
  }

  private <T> CompletableFuture<T> call(String what, IoCall<T> call) {
    return breaker.call(
        "blob " + what,
        () ->
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return call.run();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                },
                threads));
  }

  /** Stops the blob threads; calls still running are interrupted after a short wait. */
  @Override
  public void close() {
    threads.shutdown();
    try {
      if (!threads.awaitTermination(2, TimeUnit.SECONDS)) {
        threads.shutdownNow();
      }
    } catch (InterruptedException e) {
      threads.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @FunctionalInterface
  private interface IoCall<T> {
    T run() throws IOException;
  }
}
