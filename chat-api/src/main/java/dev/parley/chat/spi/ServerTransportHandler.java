package dev.parley.chat.spi;

import java.nio.ByteBuffer;

/**
 * Receives a server transport's events. Implemented by the Parley server; a transport calls it.
 *
 * <p>Threading contract for transports: calls for one connection are made one at a time, in order
 * ({@code onOpen}, then messages, then exactly one {@code onClose}); calls for different
 * connections may run concurrently on the transport's I/O threads. Implementations return quickly
 * and never block.
 */
public interface ServerTransportHandler {
  /** The WebSocket upgrade completed; the connection's subprotocol is known. */
  void onOpen(TransportConnection connection);

  /**
   * One complete binary message (fragments already reassembled). The buffer is valid only during
   * the call.
   */
  void onBinary(TransportConnection connection, ByteBuffer message);

  /** One complete text message (fragments already reassembled). */
  void onText(TransportConnection connection, String message);

  /**
   * The connection is closed, by either side or because it failed; no further calls for it.
   *
   * @param code the close code (1006 when the socket dropped without a close frame)
   * @param reason the close reason, possibly empty
   * @param remote whether the peer started the close
   */
  void onClose(TransportConnection connection, int code, String reason, boolean remote);
}
