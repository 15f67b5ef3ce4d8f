package dev.parley.chat.spi;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One server-side WebSocket connection. Thread-safe: any thread may send or close.
 *
 * <p>Sends never block: they queue the message and return. The queue is the transport's; {@link
 * #bufferedBytes()} tells how much is waiting so the server can bound it.
 */
public interface TransportConnection {
  /** A short id unique within the transport, for logs. */
  String id();

  /** The peer's address. */
  InetSocketAddress remoteAddress();

  /** The negotiated subprotocol. */
  String subprotocol();

  /**
   * Queues one binary message. The buffer's content from its position to its limit is sent; the
   * transport must not change the buffer's content or position, so the same buffer may be passed to
   * many connections at once (use {@link ByteBuffer#duplicate()}).
   *
   * @return false if the connection is already closed (nothing was queued)
   */
  boolean sendBinary(ByteBuffer message);

  /**
   * Queues one text message.
   *
   * @return false if the connection is already closed (nothing was queued)
   */
  boolean sendText(String message);

  /** Bytes queued for this connection and not yet written to the socket (an estimate). */
  long bufferedBytes();

  /** Starts the closing handshake; does nothing if already closing or closed. */
  void close(int code, String reason);

  /** Whether the connection is open (the upgrade completed and no close has started). */
  boolean isOpen();

  /** Attaches the server's per-connection state. */
  void attach(Object attachment);

  /** The object last given to {@link #attach(Object)}, or {@code null}. */
  Object attachment();
}
