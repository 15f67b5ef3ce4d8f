package dev.parley.chat.api;

import java.util.Objects;

/**
 * A file attached to a message, as the server describes it after the upload completed: every field
 * comes from the bytes Parley stored, never from what a client claimed. Immutable and thread-safe.
 *
 * <p>The {@link #url()} and {@link #thumbnailUrl()} are where a member downloads the file and its
 * thumbnail. The server adds them to each delivery (signed and expiring for private rooms); a
 * message store keeps attachments without them ({@link #withoutLinks()}), and they are empty on a
 * message that was never delivered.
 *
 * @param id the SHA-256 of the file's bytes in 64 lowercase hex characters (also its hash)
 * @param name the file name given at upload, cleaned of paths and control characters
 * @param contentType the media type sniffed from the bytes, e.g. {@code image/png}
 * @param size the file's length in bytes
 * @param width an image's width in pixels, 0 for other files
 * @param height an image's height in pixels, 0 for other files
 * @param thumbnailId the SHA-256 of the image's thumbnail, empty when it has none
 * @param url where to download the file, empty when not delivered
 * @param thumbnailUrl where to download the thumbnail, empty when not delivered or none
 */
public record Attachment(
    String id,
    String name,
    String contentType,
    long size,
    int width,
    int height,
    String thumbnailId,
    String url,
    String thumbnailUrl) {

  /** The most attachments one message may carry. */
  public static final int MAX_PER_MESSAGE = 10;

  /** Validates the fields. */
  public Attachment {
    requireSha256(id, "id");
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > 255) {
      throw new IllegalArgumentException(
          "an attachment's name has 1 to 255 characters, not " + name.length());
    }
    Objects.requireNonNull(contentType, "contentType");
    if (contentType.isEmpty()) {
      throw new IllegalArgumentException("an attachment's content type must not be empty");
    }
    if (size < 0 || width < 0 || height < 0) {
      throw new IllegalArgumentException(
          "size, width and height must not be negative: " + size + ", " + width + ", " + height);
    }
    Objects.requireNonNull(thumbnailId, "thumbnailId");
    if (!thumbnailId.isEmpty()) {
      requireSha256(thumbnailId, "thumbnailId");
    }
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(thumbnailUrl, "thumbnailUrl");
  }

  /** An attachment without links, as a store keeps it. */
  public static Attachment of(
      String id,
      String name,
      String contentType,
      long size,
      int width,
      int height,
      String thumbnailId) {
    return new Attachment(id, name, contentType, size, width, height, thumbnailId, "", "");
  }

  /** Whether it is an image Parley could measure (its width and height are known). */
  public boolean isImage() {
    return width > 0 && height > 0;
  }

  /** This attachment with the given download links. */
  public Attachment withLinks(String url, String thumbnailUrl) {
    return new Attachment(
        id, name, contentType, size, width, height, thumbnailId, url, thumbnailUrl);
  }

  /** This attachment without download links, as a store keeps it. */
  public Attachment withoutLinks() {
    return url.isEmpty() && thumbnailUrl.isEmpty() ? this : withLinks("", "");
  }

  private static void requireSha256(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.length() != 64) {
      throw new IllegalArgumentException(
          what + " must be a SHA-256 in 64 lowercase hex characters, not " + value.length());
    }
    for (int i = 0; i < 64; i++) {
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new IllegalArgumentException(
            what + " must be lowercase hex (0-9, a-f); character " + i + " is '" + c + "'");
      }
    }
  }
}
