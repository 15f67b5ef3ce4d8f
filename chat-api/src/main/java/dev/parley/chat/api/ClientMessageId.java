package dev.parley.chat.api;

/**
 * The sender's own id for a message it sends: 1 to {@value #MAX_LENGTH} characters of ASCII
 * letters, digits, {@code .}, {@code _} and {@code -}. The server keeps at most one message per
 * (sender, client message id): a resend with the same id is acknowledged with the original
 * message's seq and id and is not delivered again.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the identifier text
 */
public record ClientMessageId(String value) {
  /** Longest accepted client message id. */
  public static final int MAX_LENGTH = 64;

  /** Validates the identifier. */
  public ClientMessageId {
    Identifiers.require("client message id", value, MAX_LENGTH, "._-");
  }

  /** Same as {@code new ClientMessageId(value)}. */
  public static ClientMessageId of(String value) {
    return new ClientMessageId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
