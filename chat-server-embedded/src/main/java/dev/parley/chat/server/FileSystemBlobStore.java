package dev.parley.chat.server;

import dev.parley.chat.spi.BlobId;
import dev.parley.chat.spi.BlobInfo;
import dev.parley.chat.spi.BlobStore;
import dev.parley.chat.spi.BlobTooLargeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link BlobStore}: blobs as files under a root directory, each at {@code
 * <root>/<aa>/<bb>/<sha256>}, where {@code aa} and {@code bb} are the first two pairs of hex
 * characters of its id (so no directory grows past 65,536 entries' worth of fan-out). Only a
 * validated {@link BlobId} ever becomes a path, so no name can leave the root.
 *
 * <p>A {@link #put} streams the content into a new file in {@code <root>/tmp} while hashing it,
 * forces it to disk, and then moves it to its place in one atomic rename (a plain move where the
 * file system refuses an atomic one). A failure or a limit passed half way deletes the temporary
 * file: a blob is readable only once complete. If the blob is there already, the temporary file is
 * deleted, the stored one is kept (the same bytes) and its time is refreshed.
 *
 * <p>{@link BlobInfo#storedAt()} is the blob file's last-modified time, which the store sets from
 * its {@link Clock} when it stores the bytes, and again (never backwards) each time the same bytes
 * are put again; reading does not touch it. (Something outside Parley that touches the file changes
 * it.)
 *
 * <p>Opening a store deletes temporary files in {@code <root>/tmp} last modified more than a minute
 * before the clock's now: what a crash in the middle of a {@code put} left behind.
 *
 * <p>Thread-safe: every method may be called from any thread, also concurrently for the same blob;
 * the last step of storing a blob and deleting it are serialized per blob within this instance.
 * Nothing calls back on other threads: {@link #forEach} calls its consumer on the caller's thread.
 * Methods block on file I/O. Open one instance per root directory: two processes sharing a root
 * stay correct about the bytes (a blob's name is its hash) but may disagree about {@code storedAt}
 * when both store the same bytes at once.
 */
public final class FileSystemBlobStore implements BlobStore {
  private static final Logger log = LoggerFactory.getLogger(FileSystemBlobStore.class);

  /** How old a temporary file must be before opening a store deletes it as a crash's leftover. */
  static final Duration STRAY_TEMP_AGE = Duration.ofMinutes(1);

  private static final String TEMP_DIRECTORY = "tmp";
  private static final int LOCK_STRIPES = 64;

  private final Path root;
  private final Path temp;
  private final Clock clock;
  private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
  private final AtomicBoolean closed = new AtomicBoolean();

  private FileSystemBlobStore(Path root, Clock clock) {
    this.root = root;
    this.temp = root.resolve(TEMP_DIRECTORY);
    this.clock = clock;
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /**
   * A store over {@code root}, created if missing, with the system clock in UTC.
   *
   * @throws IOException if the directory cannot be created or read
   */
  public static FileSystemBlobStore open(Path root) throws IOException {
    return open(root, Clock.systemUTC());
  }

  /**
   * A store over {@code root}, created if missing, whose {@code storedAt} times and stray-file ages
   * come from {@code clock}. Deletes temporary files a crash left behind (see the class comment).
   *
   * @throws IOException if the directory cannot be created or read
   */
  public static FileSystemBlobStore open(Path root, Clock clock) throws IOException {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(clock, "clock");
    Path absolute = root.toAbsolutePath().normalize();
    if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
      throw new IllegalArgumentException(
          "the blob store's root must be a directory, " + absolute + " is not");
    }
    Files.createDirectories(absolute.resolve(TEMP_DIRECTORY));
    FileSystemBlobStore store = new FileSystemBlobStore(absolute, clock);
    store.removeStrayTemporaryFiles();
    return store;
  }

  /** The root directory. */
  public Path root() {
    return root;
  }

  @Override
  public BlobInfo put(InputStream content, long maxBytes) throws IOException {
    Objects.requireNonNull(content, "content");
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative, was " + maxBytes);
    }
    ensureOpen();
    Path part = Files.createTempFile(temp, "put-", ".part");
    try {
      BlobId id = writeHashed(content, maxBytes, part);
      Path target = pathOf(id);
      ReentrantLock lock = lockOf(id);
      lock.lock();
      try {
        Optional<BlobInfo> stored = stat(id);
        if (stored.isPresent()) {
          Files.deleteIfExists(part);
          return refreshed(target, stored.get());
        }
        Files.setLastModifiedTime(part, FileTime.from(clock.instant()));
        Files.createDirectories(target.getParent());
        if (!moveIntoPlace(part, target)) {
          return refreshed(
              target, stat(id).orElseThrow(() -> new NoSuchFileException(target.toString())));
        }
        forceDirectory(target.getParent());
        return stat(id)
            .orElseThrow(() -> new IOException("blob " + id + " vanished right after its move"));
      } finally {
        lock.unlock();
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(part);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * The stored blob after a put of the same bytes: its last-modified time moved to the clock's now,
   * never back (a clock behind the stored time leaves it as it is).
   */
  private BlobInfo refreshed(Path target, BlobInfo stored) throws IOException {
    Instant now = clock.instant();
    if (!now.isAfter(stored.storedAt())) {
      return stored;
    }
    try {
      Files.setLastModifiedTime(target, FileTime.from(now));
    } catch (NoSuchFileException gone) {
      throw new IOException("blob " + stored.id() + " vanished while being stored again", gone);
    }
    return stat(stored.id())
        .orElseThrow(() -> new IOException("blob " + stored.id() + " vanished after its refresh"));
  }

  /** Copies at most {@code maxBytes} of {@code content} into {@code part}, forced to disk. */
  private static BlobId writeHashed(InputStream content, long maxBytes, Path part)
      throws IOException {
    MessageDigest sha256 = sha256();
    DigestInputStream hashing = new DigestInputStream(content, sha256);
    try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
      OutputStream out = Channels.newOutputStream(channel);
      byte[] buffer = new byte[64 * 1024];
      long total = 0;
      while (true) {
        int n = hashing.read(buffer);
        if (n < 0) {
          break;
        }
        total += n;
        if (total > maxBytes) {
          throw new BlobTooLargeException(maxBytes);
        }
        out.write(buffer, 0, n);
      }
      channel.force(true);
    }
    return BlobId.ofDigest(sha256.digest());
  }

  /**
   * Moves {@code part} to {@code target}; false (and {@code part} deleted) if the target already
   * exists.
   */
  private static boolean moveIntoPlace(Path part, Path target) throws IOException {
    try {
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (AtomicMoveNotSupportedException refused) {
      try {
        Files.move(part, target);
        return true;
      } catch (FileAlreadyExistsException there) {
        Files.deleteIfExists(part);
        return false;
      }
    }
  }

  @Override
  public Optional<BlobInfo> stat(BlobId id) throws IOException {
    Objects.requireNonNull(id, "id");
    ensureOpen();
    try {
      BasicFileAttributes attributes = Files.readAttributes(pathOf(id), BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        return Optional.empty();
      }
      return Optional.of(
          new BlobInfo(id, attributes.size(), attributes.lastModifiedTime().toInstant()));
    } catch (NoSuchFileException missing) {
      return Optional.empty();
    }
  }

  @Override
  public InputStream open(BlobId id, long offset, long length) throws IOException {
    Objects.requireNonNull(id, "id");
    ensureOpen();
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "a range has a non-negative offset and length, not " + offset + " and " + length);
    }
    FileChannel channel = FileChannel.open(pathOf(id), StandardOpenOption.READ);
    try {
      long size = channel.size();
      if (offset > size || length > size - offset) {
        throw new IllegalArgumentException(
            "range of "
                + length
                + " bytes from "
                + offset
                + " is not inside blob "
                + id
                + " of "
                + size
                + " bytes");
      }
      channel.position(offset);
      return new RangeInputStream(channel, length);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public boolean delete(BlobId id) throws IOException {
    Objects.requireNonNull(id, "id");
    ensureOpen();
    ReentrantLock lock = lockOf(id);
    lock.lock();
    try {
      return Files.deleteIfExists(pathOf(id));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void forEach(Consumer<BlobInfo> each) throws IOException {
    Objects.requireNonNull(each, "each");
    ensureOpen();
    try (DirectoryStream<Path> firsts =
        Files.newDirectoryStream(root, FileSystemBlobStore::isPair)) {
      for (Path first : firsts) {
        try (DirectoryStream<Path> seconds =
            Files.newDirectoryStream(first, FileSystemBlobStore::isPair)) {
          for (Path second : seconds) {
            forEachIn(first, second, each);
          }
        }
      }
    }
  }

  private void forEachIn(Path first, Path second, Consumer<BlobInfo> each) throws IOException {
    String prefix = first.getFileName().toString() + second.getFileName();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(second)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.length() != 64 || !name.startsWith(prefix) || !isLowerHex(name)) {
          continue;
        }
        stat(new BlobId(name)).ifPresent(each);
      }
    }
  }

  @Override
  public void close() {
    closed.set(true);
  }

  @Override
  public String toString() {
    return "FileSystemBlobStore[" + root + "]";
  }

  /** Deletes files in the temporary directory older than {@link #STRAY_TEMP_AGE}. */
  private void removeStrayTemporaryFiles() throws IOException {
    Instant cutoff = clock.instant().minus(STRAY_TEMP_AGE);
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(temp)) {
      for (Path file : files) {
        try {
          BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
          if (attributes.isRegularFile()
              && attributes.lastModifiedTime().toInstant().isBefore(cutoff)
              && Files.deleteIfExists(file)) {
            removed++;
          }
        } catch (IOException e) {
          log.warn("Could not remove stray temporary blob file {}", file, e);
        }
      }
    }
    if (removed > 0) {
      log.info("Removed {} temporary blob files left by an interrupted store in {}", removed, temp);
    }
  }

  /** {@code <root>/<aa>/<bb>/<sha256>}: built only from a validated id's hex characters. */
  private Path pathOf(BlobId id) {
    String hex = id.sha256();
    return root.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex);
  }

  private ReentrantLock lockOf(BlobId id) {
    return locks[Integer.parseInt(id.sha256().substring(62), 16) % LOCK_STRIPES];
  }

  private void ensureOpen() throws IOException {
    if (closed.get()) {
      throw new IOException("the blob store over " + root + " is closed");
    }
  }

  /** Forces a directory's entries to disk where the platform allows it (not on Windows). */
  private static void forceDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      log.debug("Could not force directory {} to disk", directory, e);
    }
  }

  private static boolean isPair(Path path) {
    String name = path.getFileName().toString();
    return name.length() == 2 && isLowerHex(name) && Files.isDirectory(path);
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** At most {@code remaining} bytes of a positioned channel; closes the channel. */
  private static final class RangeInputStream extends InputStream {
    private final FileChannel channel;
    private final InputStream in;
    private long remaining;

    RangeInputStream(FileChannel channel, long length) {
      this.channel = channel;
      this.in = Channels.newInputStream(channel);
      this.remaining = length;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
