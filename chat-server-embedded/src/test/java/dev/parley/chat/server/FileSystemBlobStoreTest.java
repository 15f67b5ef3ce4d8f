package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.spi.BlobInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest {
  private static final Instant NOW = Instant.parse("2026-12-06T05:00:00Z");

  @TempDir Path root;

  @Test
  void openingRemovesTemporaryFilesACrashLeftButNotRecentOnes() throws IOException {
    Path tmp = Files.createDirectories(root.resolve("tmp"));
    Path leftover = Files.write(tmp.resolve("put-crashed.part"), new byte[1000]);
    Files.setLastModifiedTime(leftover, FileTime.from(NOW.minusSeconds(61)));
    Path inProgress = Files.write(tmp.resolve("put-writing.part"), new byte[10]);
    Files.setLastModifiedTime(inProgress, FileTime.from(NOW.minusSeconds(30)));

    try (FileSystemBlobStore store = FileSystemBlobStore.open(root, fixed(NOW))) {
      assertThat(leftover).doesNotExist();
      assertThat(inProgress).as("a put that may still be writing is left alone").exists();
      List<BlobInfo> listed = new ArrayList<>();
      store.forEach(listed::add);
      assertThat(listed).as("temporary files are never blobs").isEmpty();
    }
  }

  @Test
  void blobsLiveUnderTheirHashPrefixesWithStoredAtFromTheClock() throws IOException {
    byte[] bytes = "fan-out".getBytes(StandardCharsets.UTF_8);
    try (FileSystemBlobStore store = FileSystemBlobStore.open(root, fixed(NOW))) {
      BlobInfo info = store.put(new ByteArrayInputStream(bytes), 100);
      String hex = info.id().sha256();
      Path file = root.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex);
      assertThat(file).hasBinaryContent(bytes);
      assertThat(info.storedAt()).isEqualTo(NOW);
      try (Stream<Path> temps = Files.list(root.resolve("tmp"))) {
        assertThat(temps).as("nothing left in tmp after a put").isEmpty();
      }
    }
  }

  @Test
  void aRootThatIsAFileIsRejectedNamingIt() throws IOException {
    Path file = Files.write(root.resolve("not-a-directory"), new byte[1]);
    assertThatThrownBy(() -> FileSystemBlobStore.open(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void aClosedStoreRefusesWork() throws IOException {
    FileSystemBlobStore store = FileSystemBlobStore.open(root);
    store.close();
    assertThatThrownBy(() -> store.put(new ByteArrayInputStream(new byte[1]), 1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed");
  }

  private static Clock fixed(Instant now) {
    return Clock.fixed(now, ZoneOffset.UTC);
  }
}
