package dev.parley.chat.spi;

import java.nio.ByteBuffer;

/**
 * One client-side WebSocket connection. Thread-safe: any thread may send or close. Sends never
 * block; messages are written in the order {@link #sendBinary(ByteBuffer)} was called.
 */
public interface ClientTransportConnection {
  /**
   * Queues one binary message; the transport takes ownership of the buffer.
   *
   * @return false if the connection is closed (nothing was queued)
   */
  boolean sendBinary(ByteBuffer message);

  /** Starts the closing handshake; the listener's {@code onClosed} follows. */
  void close(int code, String reason);

  /** Drops the connection at once, without a closing handshake; {@code onClosed} follows. */
  void abort();

  /** Bytes queued and not yet written (an estimate). */
  long bufferedBytes();
}
