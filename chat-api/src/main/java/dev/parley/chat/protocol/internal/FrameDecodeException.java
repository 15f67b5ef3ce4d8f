package dev.parley.chat.protocol.internal;

import dev.parley.chat.api.ErrorCode;

/** A frame that is not a valid Envelope. Not API. */
public final class FrameDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public FrameDecodeException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public FrameDecodeException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
