package dev.parley.chat.server;

import dev.parley.chat.spi.BlobStore;
import dev.parley.chat.testkit.blob.BlobStoreConformanceSuite;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.io.TempDir;

/** The file-system store passes the conformance suite, on a clock the test moves. */
class FileSystemBlobStoreConformanceTest extends BlobStoreConformanceSuite {
  @TempDir Path root;

  private final SteppedClock clock = new SteppedClock(Instant.parse("2026-12-06T08:00:00Z"));

  @Override
  protected BlobStore newStore() throws IOException {
    return FileSystemBlobStore.open(root, clock);
  }

  @Override
  protected boolean persistent() {
    return true;
  }

  @Override
  protected BlobStore reopen(BlobStore closed) throws IOException {
    return FileSystemBlobStore.open(((FileSystemBlobStore) closed).root(), clock);
  }

  @Override
  protected void letTimePass(Instant storedAt) {
    clock.now = storedAt.plus(Duration.ofMinutes(1));
  }

  /** A clock that stands still until the test moves it. */
  private static final class SteppedClock extends Clock {
    volatile Instant now;

    SteppedClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
