package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.server.internal.AttachmentSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the attachment options refuse, with which message, and what reaches the settings. */
class AttachmentOptionsTest {
  @TempDir Path dir;
  private FileSystemBlobStore blobs;

  @BeforeEach
  void open() throws IOException {
    blobs = FileSystemBlobStore.open(dir.resolve("blobs"));
  }

  @AfterEach
  void close() {
    blobs.close();
  }

  @Test
  void defaultsAreTheDocumentedOnesAndPerServerOnesAreMadeAtBuild() {
    AttachmentSettings settings = AttachmentOptions.builder(blobs).build().settings();

    assertThat(settings.blobStore()).isSameAs(blobs);
    assertThat(settings.signingKey()).hasSize(32);
    assertThat(Files.isDirectory(settings.stagingDirectory())).isTrue();
    assertThat(settings.maxFileBytes()).isEqualTo(100L * 1024 * 1024);
    assertThat(settings.userQuotaBytes()).isEqualTo(1024L * 1024 * 1024);
    assertThat(settings.userQuotaCount()).isEqualTo(500);
    assertThat(settings.quotaWindow()).isEqualTo(Duration.ofHours(24));
    assertThat(settings.maxOpenUploads()).isEqualTo(8);
    assertThat(settings.maxImagePixels()).isEqualTo(50_000_000L);
    assertThat(settings.uploadExpiry()).isEqualTo(Duration.ofHours(24));
    assertThat(settings.tokenValidity()).isEqualTo(Duration.ofHours(1));
    assertThat(settings.privateLinkValidity()).isEqualTo(Duration.ofHours(1));
    assertThat(settings.publicLinkValidity()).isEqualTo(Duration.ofDays(30));
    assertThat(settings.publicBaseUrl()).isNull();
    assertThat(settings.retentionGrace()).isEqualTo(Duration.ofHours(24));
    assertThat(settings.retentionInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(settings.blobThreads()).isEqualTo(4);
    // a second server gets its own key and staging directory
    AttachmentSettings other = AttachmentOptions.builder(blobs).build().settings();
    assertThat(other.signingKey()).isNotEqualTo(settings.signingKey());
    assertThat(other.stagingDirectory()).isNotEqualTo(settings.stagingDirectory());
  }

  @Test
  void givenValuesReachTheSettingsAndTheKeyIsCopied() {
    byte[] key = new byte[40];
    key[0] = 7;
    AttachmentOptions options =
        AttachmentOptions.builder(blobs)
            .signingKey(key)
            .stagingDirectory(dir.resolve("staging"))
            .maxFileBytes(10)
            .userQuota(20, 3, Duration.ofMinutes(5))
            .maxOpenUploads(2)
            .maxImagePixels(100)
            .uploadExpiry(Duration.ofMinutes(1))
            .tokenValidity(Duration.ofMinutes(2))
            .linkValidity(Duration.ofMinutes(3), Duration.ofMinutes(4))
            .publicBaseUrl(URI.create("https://cdn.example.com"))
            .retention(Duration.ofMinutes(6), Duration.ofMinutes(7))
            .blobThreads(1)
            .build();
    key[0] = 8;

    AttachmentSettings settings = options.settings();
    assertThat(settings.signingKey()[0]).isEqualTo((byte) 7);
    assertThat(settings.stagingDirectory()).isEqualTo(dir.resolve("staging"));
    assertThat(settings.maxFileBytes()).isEqualTo(10);
    assertThat(settings.userQuotaCount()).isEqualTo(3);
    assertThat(settings.publicBaseUrl()).isEqualTo(URI.create("https://cdn.example.com"));
    assertThat(settings.retentionInterval()).isEqualTo(Duration.ofMinutes(7));
    assertThat(options.toString()).doesNotContain("signingKey");
  }

  @Test
  void badValuesAreRefusedNamingThem() {
    AttachmentOptions.Builder builder = AttachmentOptions.builder(blobs);
    assertThatThrownBy(() -> builder.signingKey(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("signingKey needs 32 bytes or more, not 31");
    assertThatThrownBy(() -> builder.maxFileBytes(0))
        .hasMessageContaining("maxFileBytes must be positive, was 0");
    assertThatThrownBy(() -> builder.userQuota(1, 0, Duration.ofHours(1)))
        .hasMessageContaining("userQuota count");
    assertThatThrownBy(() -> builder.uploadExpiry(Duration.ZERO))
        .hasMessageContaining("uploadExpiry must be positive");
    assertThatThrownBy(() -> builder.publicBaseUrl(URI.create("/relative")))
        .hasMessageContaining("absolute http or https");
    assertThatThrownBy(() -> builder.publicBaseUrl(URI.create("https://cdn.example.com/?a=b")))
        .hasMessageContaining("no query");
    assertThatThrownBy(() -> AttachmentOptions.builder(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(
            () ->
                AttachmentOptions.builder(blobs)
                    .tokenValidity(Duration.ofDays(2))
                    .retention(Duration.ofDays(1), Duration.ofHours(1))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tokenValidity (PT48H) must be shorter than the retention grace");
  }

  @Test
  void theBuilderCarriesAttachmentsAndRefusesThemWithoutTheHttpSide() {
    AttachmentOptions options = AttachmentOptions.builder(blobs).build();
    ChatServerBuilder builder =
        ChatServer.builder().authenticator(DevelopmentAuthenticator.ANY_NICKNAME);
    assertThat(SettingsSnapshots.of(builder).attachments()).isNull();
    assertThat(SettingsSnapshots.of(builder.attachments(options)).attachments().blobStore())
        .isSameAs(blobs);

    assertThatThrownBy(
            () ->
                ChatServer.builder()
                    .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                    .disableHttp()
                    .attachments(options))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("disableHttp()");
    assertThatThrownBy(
            () ->
                ChatServer.builder()
                    .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                    .attachments(options)
                    .disableHttp())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("attachments(...)");
  }
}
