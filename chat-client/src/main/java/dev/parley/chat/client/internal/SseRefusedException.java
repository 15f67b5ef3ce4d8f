package dev.parley.chat.client.internal;

import java.io.IOException;

/**
 * The server answered an SSE request with a status other than the one the protocol promises: the
 * status and the server's one-line reason. Not thread-safe to mutate (it is not mutated).
 */
final class SseRefusedException extends IOException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String reason;

  SseRefusedException(String what, int status, String reason) {
    super(what + " answered HTTP " + status + (reason.isEmpty() ? "" : ": " + reason));
    this.status = status;
    this.reason = reason;
  }

  /** The HTTP status. */
  int status() {
    return status;
  }

  /** The server's reason (the answer's body, cut to one line), or {@code ""}. */
  String reason() {
    return reason;
  }
}
