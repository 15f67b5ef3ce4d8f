package dev.parley.chat.transport.jws.internal;

import java.nio.ByteBuffer;

/**
 * Follows a client's frames after the server sent its close frame, to see the peer's close frame
 * arrive. Java-WebSocket stops decoding once a close started (it expected to end the socket at
 * once), so {@link JwsSocket} hands it the bytes that still come instead: data frames are skipped
 * without being kept or delivered, and the one answer that matters is noticed. It keeps at most a
 * frame header (14 bytes), whatever the peer sends.
 *
 * <p>It starts at a frame boundary. If the close interrupted a frame (one the library refused
 * mid-way, or a frame split across reads), the bytes do not parse as client frames: the first
 * header that breaks RFC 6455 5.2 (reserved bits, an unknown opcode, no mask, a long or fragmented
 * control frame) makes it give up, and the socket then ends at the close deadline or when the peer
 * ends it.
 *
 * <p>Not thread-safe: confined to the socket's worker thread, which decodes its input in order.
 */
final class CloseFrameWatcher {
  private static final int CLOSE = 0x8;

  private final byte[] header = new byte[14];
  private int headerBytes;
  private long payloadLeft;
  private boolean inClosePayload;
  private boolean lost;
  private boolean closeSeen;

  /**
   * Consumes {@code input} (its position ends at its limit).
   *
   * @return whether the peer's close frame has arrived, in this input or before
   */
  boolean closeArrivedIn(ByteBuffer input) {
    while (input.hasRemaining() && !closeSeen && !lost) {
      if (payloadLeft > 0) {
        int skipped = (int) Math.min(payloadLeft, input.remaining());
        input.position(input.position() + skipped);
        payloadLeft -= skipped;
      } else {
        header[headerBytes++] = input.get();
        readHeader();
      }
      if (payloadLeft == 0 && inClosePayload) {
        closeSeen = true;
      }
    }
    input.position(input.limit());
    return closeSeen;
  }

  /** Whether the input stopped parsing as client frames, so that no close can be recognized. */
  boolean isLost() {
    return lost;
  }

  /** Checks the header once it is complete; then the payload is skipped. */
  private void readHeader() {
    if (headerBytes < 2) {
      return;
    }
    int first = header[0] & 0xff;
    int second = header[1] & 0xff;
    int opcode = first & 0x0f;
    boolean fin = (first & 0x80) != 0;
    boolean control = opcode >= 0x8;
    int shortLength = second & 0x7f;
    if ((first & 0x70) != 0
        || !isKnownOpcode(opcode)
        || (second & 0x80) == 0
        || (control && (!fin || shortLength > 125))) {
      lost = true;
      return;
    }
    int lengthBytes = shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0;
    int complete = 2 + lengthBytes + 4;
    if (headerBytes < complete) {
      return;
    }
    long length = shortLength;
    if (lengthBytes > 0) {
      length = 0;
      for (int i = 2; i < 2 + lengthBytes; i++) {
        length = (length << 8) | (header[i] & 0xff);
      }
      if (length < 0) {
        lost = true;
        return;
      }
    }
    headerBytes = 0;
    payloadLeft = length;
    inClosePayload = opcode == CLOSE;
  }

  private static boolean isKnownOpcode(int opcode) {
    return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA);
  }
}
