package dev.parley.chat.spi;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A running WebSocket listener. Lifecycle: created, {@link #start()} once, {@link #close()} once
 * (further calls do nothing). Thread-safe.
 */
public interface ServerTransport extends AutoCloseable {
  /**
   * Binds and starts accepting connections; returns once the socket is bound.
   *
   * @throws java.net.BindException naming the address and port when the port is taken (the server's
   *     {@code start()} passes it on; applications tell a taken port by this type)
   * @throws IOException if the address cannot be bound for another reason
   */
  void start() throws IOException;

  /**
   * The bound address (with the real port when the config asked for port 0).
   *
   * @throws IllegalStateException if the transport was not started
   */
  InetSocketAddress localAddress();

  /**
   * Stops accepting, closes every open connection with {@link
   * dev.parley.chat.protocol.CloseCodes#GOING_AWAY}, and releases the transport's threads. Returns
   * when they have stopped.
   *
   * @throws IllegalStateException if called on one of the transport's own threads (from a handler
   *     callback) while it runs: it cannot wait for its own thread to stop
   */
  @Override
  void close();
}
