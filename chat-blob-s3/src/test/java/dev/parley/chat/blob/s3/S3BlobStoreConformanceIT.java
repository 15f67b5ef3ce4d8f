package dev.parley.chat.blob.s3;

import dev.parley.chat.spi.BlobStore;
import dev.parley.chat.testkit.blob.BlobStoreConformanceSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The S3 store passes the BlobStore conformance suite against a real S3-compatible server (S3Proxy,
 * in-process, on loopback); each test gets a bucket of its own. The bucket outlives a store, so the
 * store counts as persistent: a reopened store is a new client on the same bucket and prefix.
 */
class S3BlobStoreConformanceIT extends BlobStoreConformanceSuite {
  private static S3TestServer server;

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

  @Override
  protected BlobStore newStore() {
    return server.storeBuilder(server.newBucket()).keyPrefix("parley/blobs/").build();
  }

  @Override
  protected boolean persistent() {
    return true;
  }

  @Override
  protected BlobStore reopen(BlobStore closed) {
    S3BlobStore old = (S3BlobStore) closed;
    return server.storeBuilder(old.bucket()).keyPrefix(old.keyPrefix()).build();
  }
}
