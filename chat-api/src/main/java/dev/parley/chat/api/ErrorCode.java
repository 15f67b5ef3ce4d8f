package dev.parley.chat.api;

/**
 * The stable error codes of the protocol. The numbers travel on the wire and never change meaning;
 * {@link #retryable()} says whether the same request may succeed if sent again later.
 *
 * <p>Immutable and thread-safe.
 */
public enum ErrorCode {
  /** The frame could not be decoded (not Protobuf or JSON of an Envelope, or an empty body). */
  MALFORMED_FRAME(1, false),
  /** The frame is well formed but not a message a client may send. */
  UNSUPPORTED_MESSAGE(2, false),
  /** The client speaks a protocol version this server does not. */
  UNSUPPORTED_VERSION(3, false),
  /** A request came before the connection was authenticated with Connect. */
  NOT_CONNECTED(4, false),
  /** The authenticator rejected the credentials. */
  AUTHENTICATION_FAILED(5, false),
  /** The user may not do this (for example, join someone else's direct room). */
  FORBIDDEN(6, false),
  /** The request names a room this session has not joined. */
  NOT_A_MEMBER(7, false),
  /** A field is invalid: a malformed room id, an empty client message id, a bad seq. */
  INVALID_ARGUMENT(8, false),
  /** Text, payload or another field is larger than the server allows. */
  TOO_LARGE(9, false),
  /** Too many requests in too short a time; try again later. */
  RATE_LIMITED(10, true),
  /** A per-session limit was reached (for example, rooms joined at once). */
  LIMIT_EXCEEDED(11, false),
  /** The server failed; the request may succeed if retried. */
  INTERNAL(12, true),
  /** The server cannot serve the request now (stopping, store unavailable); retry later. */
  UNAVAILABLE(13, true),
  /** Connect was sent twice on one connection. */
  ALREADY_CONNECTED(14, false),
  /**
   * The server application refused the message (a moderation rule, a filter); the error's message
   * says why. Sending the same message again gets the same answer.
   */
  REJECTED(15, false),
  /** The room to create exists already (room names are one namespace for all users). */
  ALREADY_EXISTS(16, false);

  private final int code;
  private final boolean retryable;

  ErrorCode(int code, boolean retryable) {
    this.code = code;
    this.retryable = retryable;
  }

  /** The number sent on the wire. */
  public int code() {
    return code;
  }

  /** Whether the same request may succeed when sent again later. */
  public boolean retryable() {
    return retryable;
  }

  /**
   * The code with this number, or {@link #INTERNAL} for a number this version does not know (a
   * newer server may add codes).
   */
  public static ErrorCode fromCode(int code) {
    for (ErrorCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return INTERNAL;
  }
}
