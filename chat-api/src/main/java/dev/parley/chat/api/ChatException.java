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
  private final String reason;

  /**
   * A failure with a code and a message for people. {@link #getMessage()} is {@code "CODE:
   * message"}; {@link #reason()} is the message alone.
   */
  public ChatException(ErrorCode code, String message) {
    super(Objects.requireNonNull(code, "code") + ": " + message);
    this.code = code;
    this.reason = message;
  }

  /** A failure with a code, a message and the underlying cause. */
  public ChatException(ErrorCode code, String message, Throwable cause) {
    super(Objects.requireNonNull(code, "code") + ": " + message, cause);
    this.code = code;
    this.reason = message;
  }

  /**
   * The message without the code in front: what to pass on when building another message or another
   * {@code ChatException}, so that the code is not repeated.
   */
  public String reason() {
    return reason;
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
