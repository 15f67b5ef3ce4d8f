package dev.parley.chat.spi;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where attachments' bytes live: whole, immutable, content-addressed blobs. Parley assembles
 * uploads itself (resumable, in its own staging area) and hands a store only complete content, so a
 * store never holds half of anything a message can reference.
 *
 * <p>Methods block and may be slow (a network store); Parley calls them on its own blob threads,
 * never on a transport or request thread, and behind a circuit breaker with a timeout. A store
 * reports its own failures as {@link IOException}; {@link #open} of a missing blob throws {@link
 * java.nio.file.NoSuchFileException}.
 *
 * <p>Implementations are thread-safe: every method may be called from several threads at once, also
 * for the same blob (two uploads of the same bytes store them once, and neither fails). {@code
 * dev.parley.chat.testkit.blob.BlobStoreConformanceSuite} checks all of this.
 */
public interface BlobStore extends AutoCloseable {
  /**
   * Reads {@code content} to its end and stores it under the SHA-256 of its bytes, unless a blob
   * with that id is stored already: then its bytes are kept as they are, but its {@code storedAt}
   * moves to now, as if it had just been stored. The blob becomes visible to {@link #stat} and
   * {@link #open} only once complete: a failure half way leaves nothing behind that can be read.
   *
   * <p>Why a second put refreshes the time: retention removes a blob that no message references
   * once its {@code storedAt} is older than a grace period. Someone who uploads a file that an old,
   * unreferenced blob already holds gets an upload token for it; the refresh gives that blob a full
   * grace period again, so it cannot be removed while the token may still be used.
   *
   * <p>The returned info is what {@link #stat} and {@link #forEach} report for the blob afterwards
   * (a store may round {@code storedAt} to its own precision, but the same way everywhere).
   *
   * @param content the bytes; read to its end (or, past {@code maxBytes}, until the store stops),
   *     not closed
   * @param maxBytes the most bytes accepted; more fails with {@link BlobTooLargeException} and
   *     stores nothing
   * @return the stored blob
   * @throws IllegalArgumentException if {@code maxBytes} is negative
   * @throws IOException if the content cannot be read or the store fails
   */
  BlobInfo put(InputStream content, long maxBytes) throws IOException;

  /** The blob with {@code id}, if stored. */
  Optional<BlobInfo> stat(BlobId id) throws IOException;

  /**
   * Reads {@code length} bytes of the blob from {@code offset} (a byte range; the whole blob is
   * {@code open(id, 0, size)}). An empty range is valid anywhere from 0 to the blob's size
   * inclusive. The caller closes the stream.
   *
   * @throws java.nio.file.NoSuchFileException if no blob has {@code id} (checked before the range)
   * @throws IllegalArgumentException if the offset or length is negative, or the range is not
   *     inside the blob
   */
  InputStream open(BlobId id, long offset, long length) throws IOException;

  /**
   * Removes the blob; true if it was there. Deleting is for retention only: Parley deletes a blob
   * once no message references it and its grace period has passed.
   */
  boolean delete(BlobId id) throws IOException;

  /** Calls {@code each} for every stored blob, in no particular order (for retention sweeps). */
  void forEach(Consumer<BlobInfo> each) throws IOException;

  /** Releases the store's resources; what it stored stays stored. */
  @Override
  void close() throws IOException;
}
