package dev.parley.chat.server.internal;

import java.time.Duration;

/**
 * An upload request refused: the HTTP status, the error code the client sees (JSON body {@code
 * {"error":CODE,"message":...,"retryable":...}} and header {@code Parley-Error}), and when to try
 * again. Immutable.
 */
final class UploadError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final String AUTHENTICATION_FAILED = "AUTHENTICATION_FAILED";
  static final String FORBIDDEN = "FORBIDDEN";
  static final String NOT_FOUND = "NOT_FOUND";
  static final String INVALID_ARGUMENT = "INVALID_ARGUMENT";
  static final String OFFSET_MISMATCH = "OFFSET_MISMATCH";
  static final String UPLOAD_INCOMPLETE = "UPLOAD_INCOMPLETE";
  static final String TOO_LARGE = "TOO_LARGE";
  static final String UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE";
  static final String CONTENT_REFUSED = "CONTENT_REFUSED";
  static final String QUOTA_EXCEEDED = "QUOTA_EXCEEDED";
  static final String ATTACHMENTS_UNAVAILABLE = "ATTACHMENTS_UNAVAILABLE";
  static final String UNAVAILABLE = "UNAVAILABLE";

  private final int status;
  private final String code;
  private final boolean retryable;
  private final transient Duration retryAfter;

  UploadError(int status, String code, String message) {
    this(status, code, message, false, null);
  }

  UploadError(int status, String code, String message, boolean retryable, Duration retryAfter) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  boolean retryable() {
    return retryable;
  }

  /** When to try again, or {@code null}. */
  Duration retryAfter() {
    return retryAfter;
  }
}
