package dev.parley.chat.api;

import java.util.Objects;

/**
 * A request that the server (or the client, before sending) refused, with the protocol's stable
 * {@link ErrorCode}. Futures returned by Parley complete exceptionally with this type.
 *
 * <p>Immutable and thread-safe.
 */
public class ChatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  /** A failure with a code and a message for people. */
  public ChatException(ErrorCode code, String message) {
    super(code + ": " + message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** A failure with a code, a message and the underlying cause. */
  public ChatException(ErrorCode code, String message, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The protocol error code. */
  public ErrorCode code() {
    return code;
  }

  /** Shorthand for {@code code().retryable()}. */
  public boolean retryable() {
    return code.retryable();
  }
}
