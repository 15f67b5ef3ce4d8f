package dev.parley.chat.blob.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.spi.BlobId;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;

class S3BlobStoreBuilderTest {
  @ParameterizedTest
  @ValueSource(strings = {"", "ab", "Upper", "-lead", "trail-", "under_score", "a/b"})
  void badBucketNamesAreRefusedByName(String bucket) {
    assertThatThrownBy(() -> S3BlobStore.builder().bucket(bucket))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + bucket + "'");
  }

  @Test
  void badValuesAreRefusedNamingThem() {
    var b = S3BlobStore.builder();
    assertThatThrownBy(() -> b.keyPrefix("/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'/x'");
    assertThatThrownBy(() -> b.endpointOverride(URI.create("ftp://host")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ftp://host");
    assertThatThrownBy(() -> b.apiCallTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("apiCallTimeout");
    assertThatThrownBy(() -> b.maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 0");
    assertThatThrownBy(() -> b.listPageSize(1001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 1001");
    assertThatThrownBy(() -> b.tempDirectory(Path.of("/no/such/dir/here")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/no/such/dir/here");
  }

  @Test
  void bucketAndRegionAreRequired() {
    assertThatThrownBy(() -> S3BlobStore.builder().region(Region.EU_WEST_1).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bucket");
    assertThatThrownBy(() -> S3BlobStore.builder().bucket("parley-blobs").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("region");
  }

  @Test
  void keysAreThePrefixAndTheId() {
    BlobId id = new BlobId("a".repeat(64));
    try (S3BlobStore store =
        S3BlobStore.builder()
            .bucket("parley-blobs")
            .region(Region.EU_WEST_1)
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .keyPrefix("chat/blobs/")
            .build()) {
      assertThat(store.keyOf(id)).isEqualTo("chat/blobs/" + id);
      assertThat(store.bucket()).isEqualTo("parley-blobs");
    }
  }
}
