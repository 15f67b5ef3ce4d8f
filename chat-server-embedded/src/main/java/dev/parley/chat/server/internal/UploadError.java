package dev.parley.chat.server.internal;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.Headers;
import java.time.Duration;

/**
 * An upload request refused: the HTTP status, the error code the client sees (JSON body {@code
 * {"error":CODE,"message":...,"retryable":...}} and header {@code Parley-Error}), and when to try
 * again. Immutable. Its static helpers write the same error shape for the download endpoint.
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

  /** The header that names the error code on every refused attachment request. */
  static final String HEADER = "Parley-Error";

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

  /** The JSON body of an attachment endpoint's error answer. */
  static JsonObject json(String code, String message, boolean retryable) {
    JsonObject json = new JsonObject();
    json.addProperty("error", code);
    json.addProperty("message", message);
    json.addProperty("retryable", retryable);
    return json;
  }

  /** Sets {@value #HEADER} and, with a {@code retryAfter}, {@code Retry-After} in whole seconds. */
  static void setHeaders(Headers headers, String code, Duration retryAfter) {
    headers.set(HEADER, code);
    if (retryAfter != null) {
      long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
      headers.set("Retry-After", Long.toString(seconds));
    }
  }
}
