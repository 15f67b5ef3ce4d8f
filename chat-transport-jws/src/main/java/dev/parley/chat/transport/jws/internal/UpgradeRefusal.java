package dev.parley.chat.transport.jws.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP status one socket's refused upgrade is answered with. Java-WebSocket answers every
 * refused handshake with its own {@code 404 WebSocket Upgrade Failure} and offers no hook for the
 * status. So the stage that refuses for another reason records the status here ({@link
 * LimitedDraft}: 431 for an oversized request, 400 when no offered subprotocol was asked for, 426
 * for another WebSocket version; {@link JwsWebSocketServer}: 403 for a page of an origin that is
 * not allowed), and {@link CountingChannel} writes this answer in place of the library's when that
 * reaches the socket. With nothing recorded (another path), the 404 stays.
 *
 * <p>One instance per socket. Thread-safe: recorded on the socket's worker thread, read on the
 * selector thread.
 */
final class UpgradeRefusal {
  private static final byte[] LIBRARY_REFUSAL =
      "HTTP/1.1 404 WebSocket Upgrade Failure".getBytes(StandardCharsets.US_ASCII);

  private volatile int status;

  /** Records the status to answer with, when the library refuses this socket's handshake. */
  void refuseWith(int status) {
    this.status = status;
  }

  /** The recorded status, or 0 if none was recorded. */
  int status() {
    return status;
  }

  /** Whether {@code buffer} (not moved) holds Java-WebSocket's own refusal. */
  static boolean isLibraryRefusal(ByteBuffer buffer) {
    if (buffer.remaining() < LIBRARY_REFUSAL.length) {
      return false;
    }
    int start = buffer.position();
    for (int i = 0; i < LIBRARY_REFUSAL.length; i++) {
      if (buffer.get(start + i) != LIBRARY_REFUSAL[i]) {
        return false;
      }
    }
    return true;
  }

  /** The answer for the recorded status: status line, no body, and the socket closes. */
  ByteBuffer answer() {
    int code = status;
    String extra = code == 426 ? "Sec-WebSocket-Version: 13\r\n" : "";
    String text =
        "HTTP/1.1 "
            + code
            + " "
            + reason(code)
            + "\r\n"
            + extra
            + "Content-Length: 0\r\nConnection: close\r\n\r\n";
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static String reason(int code) {
    return switch (code) {
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 426 -> "Upgrade Required";
      case 431 -> "Request Header Fields Too Large";
      default -> "WebSocket Upgrade Failure";
    };
  }
}
