package dev.parley.chat.benchmarks.micro;

import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.spi.ServerTransport;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transport {@link CountingTransportProvider} creates: binds nothing, and opens a {@link
 * CountingConnection} whenever a benchmark asks for one. Thread-safe.
 */
final class CountingTransport implements ServerTransport {
  private final ServerTransportConfig config;
  private final ServerTransportHandler handler;
  private final AtomicLong connectionIds = new AtomicLong();
  private final List<CountingConnection> connections = new ArrayList<>();
  private boolean started;
  private boolean closed;

  CountingTransport(ServerTransportConfig config, ServerTransportHandler handler) {
    this.config = config;
    this.handler = handler;
  }

  String path() {
    return config.path();
  }

  @Override
  public synchronized void start() {
    if (started || closed) {
      throw new IllegalStateException("a transport is started once");
    }
    started = true;
    CountingTransportProvider.started(this);
  }

  @Override
  public InetSocketAddress localAddress() {
    return config.bindAddress();
  }

  /**
   * Opens a connection that negotiated {@code subprotocol} and tells the server, as a transport
   * does once a WebSocket upgrade completes.
   */
  CountingConnection open(String subprotocol) {
    if (!config.subprotocols().contains(subprotocol)) {
      throw new IllegalArgumentException(
          "the server offers " + config.subprotocols() + ", not " + subprotocol);
    }
    CountingConnection connection =
        new CountingConnection("counting-" + connectionIds.incrementAndGet(), subprotocol, handler);
    synchronized (this) {
      if (!started || closed) {
        throw new IllegalStateException("the transport is not running");
      }
      connections.add(connection);
    }
    handler.onOpen(connection);
    return connection;
  }

  @Override
  public void close() {
    List<CountingConnection> open;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open = new ArrayList<>(connections);
      connections.clear();
    }
    CountingTransportProvider.stopped(this);
    for (CountingConnection connection : open) {
      connection.close(CloseCodes.GOING_AWAY, "transport closed");
    }
  }
}
