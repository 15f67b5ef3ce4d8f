package dev.parley.chat.client.internal;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.spi.ServerTransport;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.TransportConnection;
import dev.parley.chat.transport.jws.JavaWebSocketTransportProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiConsumer;

/**
 * A WebSocket server on a loopback port that offers {@code parley.v1.proto}, records what it sees
 * and hands each binary message to a handler. It runs Parley's own Java-WebSocket server transport
 * (test scope only): the library's bare server can strand a frame sent from a thread other than its
 * selector until the next write on that socket (decision 0011), which these tests would see as a
 * server that never answers. Handler calls run on the transport's threads.
 */
final class LoopbackServer implements ServerTransportHandler, AutoCloseable {
  private static final String PATH = "/chat";

  final BlockingQueue<TransportConnection> opened = new LinkedBlockingQueue<>();
  final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
  final BlockingQueue<Integer> closeCodes = new LinkedBlockingQueue<>();
  private final BiConsumer<TransportConnection, ByteBuffer> handler;
  private final ServerTransport transport;

  LoopbackServer(BiConsumer<TransportConnection, ByteBuffer> handler) {
    this.handler = handler;
    ServerTransportConfig config =
        new ServerTransportConfig(
            new InetSocketAddress("127.0.0.1", 0),
            PATH,
            List.of(Protocol.SUBPROTOCOL_PROTOBUF),
            1024 * 1024,
            64,
            8 * 1024,
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            1_000);
    this.transport = new JavaWebSocketTransportProvider().create(config, this);
  }

  /** Binds the port; returns when the server accepts connections. */
  LoopbackServer startAndWait() {
    try {
      transport.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + transport.localAddress().getPort() + PATH);
  }

  @Override
  public void onOpen(TransportConnection connection) {
    opened.add(connection);
  }

  @Override
  public void onBinary(TransportConnection connection, ByteBuffer message) {
    byte[] bytes = new byte[message.remaining()];
    message.duplicate().get(bytes);
    messages.add(bytes);
    handler.accept(connection, message);
  }

  @Override
  public void onText(TransportConnection connection, String message) {}

  @Override
  public void onClose(TransportConnection connection, int code, String reason, boolean remote) {
    closeCodes.add(code);
  }

  @Override
  public void close() {
    transport.close();
  }
}
