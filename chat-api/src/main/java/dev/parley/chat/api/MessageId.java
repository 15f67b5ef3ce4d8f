package dev.parley.chat.api;

/**
 * A message's server-assigned, globally unique id: 1 to {@value #MAX_LENGTH} characters of ASCII
 * letters and digits. Opaque to clients: compare for equality only.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the identifier text
 */
public record MessageId(String value) {
  /** Longest accepted message id. */
  public static final int MAX_LENGTH = 64;

  /** Validates the identifier. */
  public MessageId {
    Identifiers.require("message id", value, MAX_LENGTH, "");
  }

  /** Same as {@code new MessageId(value)}. */
  public static MessageId of(String value) {
    return new MessageId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
