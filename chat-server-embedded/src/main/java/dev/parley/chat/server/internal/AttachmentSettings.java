package dev.parley.chat.server.internal;

import dev.parley.chat.spi.BlobStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a server takes, hands out and keeps attachments; part of {@link ServerSettings} ({@code null}
 * there when attachments are off). Immutable and thread-safe; the key is copied in and out.
 *
 * @param blobStore where complete files are stored; the application's, which it closes
 * @param signingKey the secret (32 bytes or more) that signs upload tokens and download links;
 *     every node of a cluster must have the same one
 * @param stagingDirectory where unfinished uploads are kept until complete
 * @param maxFileBytes the largest file one upload may declare
 * @param quotaWindow the window of the per-user quota
 * @param userQuotaBytes the most bytes one user may upload per window
 * @param userQuotaCount the most uploads one user may create per window
 * @param maxOpenUploads the most unfinished uploads one user may have at once
 * @param maxImagePixels the largest image (width × height) Parley decodes to measure and thumbnail;
 *     a larger one is refused
 * @param uploadExpiry how long an unfinished upload is kept after its last byte arrived
 * @param tokenValidity how long a completed upload's token may be used in a Send; must be shorter
 *     than {@code retentionGrace}
 * @param privateLinkValidity how long a download link of a private room's attachment works
 * @param publicLinkValidity how long a download link of a public room's attachment works
 * @param publicBaseUrl the base of the download links handed out (a CDN), or {@code null} for links
 *     that are absolute paths on the server's HTTP side
 * @param retentionGrace how long an unreferenced blob is kept before retention removes it
 * @param retentionInterval how often retention looks for unreferenced blobs
 * @param blobThreads the threads that call the blob store
 */
public record AttachmentSettings(
    BlobStore blobStore,
    byte[] signingKey,
    Path stagingDirectory,
    long maxFileBytes,
    Duration quotaWindow,
    long userQuotaBytes,
    int userQuotaCount,
    int maxOpenUploads,
    long maxImagePixels,
    Duration uploadExpiry,
    Duration tokenValidity,
    Duration privateLinkValidity,
    Duration publicLinkValidity,
    URI publicBaseUrl,
    Duration retentionGrace,
    Duration retentionInterval,
    int blobThreads) {

  /** The shortest signing key accepted, in bytes. */
  public static final int MIN_KEY_BYTES = 32;

  /** Validates the settings and copies the key. */
  public AttachmentSettings {
    Objects.requireNonNull(blobStore, "blobStore");
    Objects.requireNonNull(signingKey, "signingKey");
    if (signingKey.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the attachment signing key needs "
              + MIN_KEY_BYTES
              + " bytes or more, not "
              + signingKey.length);
    }
    signingKey = signingKey.clone();
    Objects.requireNonNull(stagingDirectory, "stagingDirectory");
    Objects.requireNonNull(quotaWindow, "quotaWindow");
    Objects.requireNonNull(uploadExpiry, "uploadExpiry");
    Objects.requireNonNull(tokenValidity, "tokenValidity");
    Objects.requireNonNull(privateLinkValidity, "privateLinkValidity");
    Objects.requireNonNull(publicLinkValidity, "publicLinkValidity");
    Objects.requireNonNull(retentionGrace, "retentionGrace");
    Objects.requireNonNull(retentionInterval, "retentionInterval");
    if (tokenValidity.compareTo(retentionGrace) >= 0) {
      throw new IllegalArgumentException(
          "an upload token ("
              + tokenValidity
              + ") must expire before retention may remove an unreferenced blob ("
              + retentionGrace
              + ")");
    }
    if (maxFileBytes < 1
        || userQuotaBytes < 1
        || userQuotaCount < 1
        || maxOpenUploads < 1
        || maxImagePixels < 1
        || blobThreads < 1) {
      throw new IllegalArgumentException("attachment limits and thread counts must be positive");
    }
  }

  /** A copy of the signing key. */
  @Override
  public byte[] signingKey() {
    return signingKey.clone();
  }

  @Override
  public String toString() {
    return "AttachmentSettings[blobStore="
        + blobStore
        + ", stagingDirectory="
        + stagingDirectory
        + ", maxFileBytes="
        + maxFileBytes
        + ", publicBaseUrl="
        + publicBaseUrl
        + "]"; // never the key
  }
}
