package dev.parley.chat.spi;

import java.nio.ByteBuffer;

/**
 * Receives one client connection's events. Calls are made one at a time, in order, on a thread of
 * the transport's choosing; implementations return quickly and never block.
 */
public interface ClientTransportListener {
  /** One complete binary message. The buffer is valid only during the call. */
  void onBinary(ByteBuffer message);

  /**
   * The connection ended, by a close handshake or a failure; no further calls.
   *
   * @param code the close code; 1006 when the connection dropped without a close frame
   * @param reason the close reason or the failure's description
   */
  void onClosed(int code, String reason);
}
