package dev.parley.chat.client;

import dev.parley.chat.api.Attachment;
import java.util.Objects;

/**
 * A file the server has received, checked and stored: what {@link ChatSession#upload} completes
 * with. Attach it to a message with {@code OutgoingMessage.builder().attachment(file.token())}; the
 * server then stores {@link #attachment()} with the message. The token is good for one hour by
 * default (the server's setting), and only for the user who uploaded the file.
 *
 * <p>Immutable and thread-safe.
 *
 * @param token the upload token, opaque: what a message presents to attach the file
 * @param attachment the file as the server measured it: its SHA-256 ({@code id}), cleaned name,
 *     sniffed type, size, and for images the dimensions and thumbnail; without download links
 *     (members get those with the message)
 */
public record UploadedFile(String token, Attachment attachment) {
  /** Checks that both are present and the token is not empty. */
  public UploadedFile {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(attachment, "attachment");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("an upload token must not be empty");
    }
  }

  /** Leaves the token out: it is a credential. */
  @Override
  public String toString() {
    return "UploadedFile[" + attachment + "]";
  }
}
