package dev.parley.chat.protocol.internal;

import dev.parley.chat.api.ErrorCode;

/** A frame that is not a valid Envelope. Not API. */
public final class FrameDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final long requestId;

  public FrameDecodeException(ErrorCode code, String message) {
    this(code, message, 0, null);
  }

  public FrameDecodeException(ErrorCode code, String message, Throwable cause) {
    this(code, message, 0, cause);
  }

  /**
   * @param requestId the frame's request id, when it could be read despite the failure; else 0
   */
  public FrameDecodeException(ErrorCode code, String message, long requestId, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.requestId = requestId;
  }

  public ErrorCode code() {
    return code;
  }

  /** The request id the frame carried, if it could be read; 0 otherwise. */
  public long requestId() {
    return requestId;
  }
}
