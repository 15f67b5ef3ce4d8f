package dev.parley.chat.blob.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.spi.BlobId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;

/**
 * A server that never answers: the store's calls end in an {@link IOException} once the configured
 * SDK timeout passes, instead of blocking. The JUnit timeout only guards against a hang; it is far
 * above the configured one.
 */
class S3BlobStoreUnreachableIT {
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aServerThatNeverAnswersGivesAnIoExceptionNotAHang() throws IOException {
    // A listening socket that is never accepted from: the kernel completes the connection, and
    // the request then waits for an answer that does not come.
    try (ServerSocket silent = new ServerSocket()) {
      silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      try (S3BlobStore store = storeAt(URI.create("http://127.0.0.1:" + silent.getLocalPort()))) {
        BlobId id = BlobId.ofDigest(S3BlobStoreIT.sha256(new byte[] {1}));

        assertThatThrownBy(() -> store.stat(id))
            .isInstanceOf(IOException.class)
            .hasCauseInstanceOf(SdkException.class);
        assertThatThrownBy(() -> store.put(new ByteArrayInputStream(new byte[] {1}), 10))
            .isInstanceOf(IOException.class)
            .hasCauseInstanceOf(SdkException.class);
      }
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aClosedPortGivesAnIoException() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (S3BlobStore store = storeAt(URI.create("http://127.0.0.1:" + port))) {
      assertThatThrownBy(() -> store.forEach(info -> {}))
          .isInstanceOf(IOException.class)
          .hasCauseInstanceOf(SdkException.class)
          .hasMessageContaining("listing");
      assertThat(store.bucket()).isEqualTo("parley-unreachable");
    }
  }

  private static S3BlobStore storeAt(URI endpoint) {
    return S3BlobStore.builder()
        .bucket("parley-unreachable")
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .pathStyleAccess(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
        .apiCallTimeout(Duration.ofSeconds(1))
        .connectTimeout(Duration.ofSeconds(1))
        .maxAttempts(1)
        .build();
  }
}
