package dev.parley.chat.spi;

import java.io.IOException;

/** Content passed the most bytes a {@link BlobStore#put} call accepts; nothing was stored. */
public class BlobTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long maxBytes;

  /** Names the limit that was passed. */
  public BlobTooLargeException(long maxBytes) {
    super("the content is over " + maxBytes + " bytes");
    this.maxBytes = maxBytes;
  }

  /** The limit that was passed. */
  public long maxBytes() {
    return maxBytes;
  }
}
