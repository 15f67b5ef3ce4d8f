package dev.parley.chat.server.it;

import dev.parley.chat.spi.ProviderLookup;
import dev.parley.chat.spi.ServerTransport;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.spi.TransportConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The default transport (the one chosen by priority on the test class path: Netty, or
 * Java-WebSocket in the jws-smoke run) with a record of every close the server side reports, so a
 * test can tell why the server closed a connection even when the client never reads the close frame
 * (a server that closes while the client is still writing resets the connection, and the reset can
 * discard the frame). Select it with {@code ChatServerBuilder.transport(NAME)} and read the record
 * with {@link #closesOf(InetSocketAddress)}.
 *
 * <p>Thread-safe: closes are recorded on the transport's threads. A record lives exactly as long as
 * its transport: it is registered when the transport starts and dropped when it closes, so nothing
 * outlives the server a test built.
 */
public final class CloseRecordingTransport implements ServerTransportProvider {
  /** The name to give {@code ChatServerBuilder.transport}. */
  static final String NAME = "recording-default";

  private static final Map<InetSocketAddress, List<Close>> RUNNING = new ConcurrentHashMap<>();

  /**
   * One close the server side reported.
   *
   * @param code the close code
   * @param remote whether the client started the close
   */
  record Close(int code, boolean remote) {}

  /** Created by {@link java.util.ServiceLoader}. */
  public CloseRecordingTransport() {}

  /**
   * The closes reported so far by the running server bound to {@code address}, oldest first: a live
   * view.
   */
  static List<Close> closesOf(InetSocketAddress address) {
    List<Close> closes = RUNNING.get(address);
    if (closes == null) {
      throw new IllegalStateException("no running " + NAME + " transport on " + address);
    }
    return closes;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Never chosen unless named. */
  @Override
  public int priority() {
    return Integer.MIN_VALUE;
  }

  @Override
  public ServerTransport create(ServerTransportConfig config, ServerTransportHandler handler) {
    ServerTransportProvider delegate =
        ProviderLookup.select(
            ServerTransportProvider.class,
            ProviderLookup.load(
                ServerTransportProvider.class, CloseRecordingTransport.class.getClassLoader()),
            null,
            ServerTransportProvider::name,
            ServerTransportProvider::priority,
            p -> p.isAvailable() && !NAME.equals(p.name()),
            "the test class path needs a transport module");
    List<Close> closes = new CopyOnWriteArrayList<>();
    ServerTransport transport = delegate.create(config, recording(handler, closes));
    return new ServerTransport() {
      @Override
      public void start() throws IOException {
        transport.start();
        RUNNING.put(transport.localAddress(), closes);
      }

      @Override
      public InetSocketAddress localAddress() {
        return transport.localAddress();
      }

      @Override
      public void close() {
        InetSocketAddress address = transport.localAddress();
        try {
          transport.close();
        } finally {
          if (address != null) {
            RUNNING.remove(address, closes);
          }
        }
      }
    };
  }

  private static ServerTransportHandler recording(
      ServerTransportHandler handler, List<Close> closes) {
    return new ServerTransportHandler() {
      @Override
      public void onOpen(TransportConnection connection) {
        handler.onOpen(connection);
      }

      @Override
      public void onBinary(TransportConnection connection, ByteBuffer message) {
        handler.onBinary(connection, message);
      }

      @Override
      public void onText(TransportConnection connection, String message) {
        handler.onText(connection, message);
      }

      @Override
      public void onClose(TransportConnection connection, int code, String reason, boolean remote) {
        closes.add(new Close(code, remote));
        handler.onClose(connection, code, reason, remote);
      }
    };
  }
}
