package dev.parley.chat.server;

import dev.parley.chat.spi.BlobStore;
import dev.parley.chat.testkit.blob.BlobStoreConformanceSuite;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreConformanceTest extends BlobStoreConformanceSuite {
  @TempDir Path root;

  @Override
  protected BlobStore newStore() throws IOException {
    return FileSystemBlobStore.open(root);
  }

  @Override
  protected boolean persistent() {
    return true;
  }

  @Override
  protected BlobStore reopen(BlobStore closed) throws IOException {
    return FileSystemBlobStore.open(((FileSystemBlobStore) closed).root());
  }
}
