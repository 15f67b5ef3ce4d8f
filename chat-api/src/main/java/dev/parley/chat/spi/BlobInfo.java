package dev.parley.chat.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * What a store knows of one blob.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the blob's content address
 * @param size its length in bytes
 * @param storedAt when the store last stored these bytes (a put of bytes already stored moves it to
 *     that put's time; see {@link BlobStore#put})
 */
public record BlobInfo(BlobId id, long size, Instant storedAt) {
  /** Validates every field. */
  public BlobInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(storedAt, "storedAt");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, was " + size);
    }
  }
}
