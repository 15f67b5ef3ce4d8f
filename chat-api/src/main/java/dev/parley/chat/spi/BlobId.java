package dev.parley.chat.spi;

import java.util.Objects;

/**
 * The name of a stored blob: the SHA-256 of its bytes, as 64 lowercase hexadecimal characters.
 * Content-addressed, so the same bytes always get the same id, and a store keeps them once.
 *
 * <p>Immutable and thread-safe.
 *
 * @param sha256 the SHA-256 of the blob's bytes in lowercase hex
 */
public record BlobId(String sha256) {
  /** Validates the form: exactly 64 characters {@code 0-9a-f}. */
  public BlobId {
    Objects.requireNonNull(sha256, "sha256");
    if (sha256.length() != 64) {
      throw new IllegalArgumentException(
          "a blob id is a SHA-256 in 64 lowercase hex characters, not " + sha256.length());
    }
    for (int i = 0; i < sha256.length(); i++) {
      char c = sha256.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new IllegalArgumentException(
            "a blob id is lowercase hex (0-9, a-f); character " + i + " is '" + c + "'");
      }
    }
  }

  /** The id of {@code digest}, a 32-byte SHA-256. */
  public static BlobId ofDigest(byte[] digest) {
    if (digest.length != 32) {
      throw new IllegalArgumentException("a SHA-256 has 32 bytes, not " + digest.length);
    }
    StringBuilder hex = new StringBuilder(64);
    for (byte b : digest) {
      hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return new BlobId(hex.toString());
  }

  @Override
  public String toString() {
    return sha256;
  }
}
