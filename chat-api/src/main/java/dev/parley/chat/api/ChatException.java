package dev.parley.chat.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

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
  private final Duration retryAfter; // null: no advice

  /**
   * A failure with a code and a message for people. {@link #getMessage()} is {@code "CODE:
   * message"}; {@link #reason()} is the message alone.
   */
  public ChatException(ErrorCode code, String message) {
    this(code, message, (Duration) null);
  }

  /**
   * A failure with a code, a message and how long to wait before trying again, as a server says
   * when a dependency it needs (its message store) is unavailable for a while.
   *
   * @param retryAfter how long to wait before sending the request again; {@code null} for no advice
   * @throws IllegalArgumentException if {@code retryAfter} is negative
   */
  public ChatException(ErrorCode code, String message, Duration retryAfter) {
    super(Objects.requireNonNull(code, "code") + ": " + message);
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative, was " + retryAfter);
    }
    this.code = code;
    this.reason = message;
    this.retryAfter = retryAfter;
  }

  /** A failure with a code, a message and the underlying cause. */
  public ChatException(ErrorCode code, String message, Throwable cause) {
    super(Objects.requireNonNull(code, "code") + ": " + message, cause);
    this.code = code;
    this.reason = message;
    this.retryAfter = null;
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

  /**
   * How long the server asked the client to wait before sending the request again, if it said: a
   * retryable failure such as a message store that is unavailable for a while. The Java client's
   * outbox resends a refused message no sooner than this.
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
