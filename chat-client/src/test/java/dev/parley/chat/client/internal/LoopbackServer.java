package dev.parley.chat.client.internal;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.protocols.IProtocol;
import org.java_websocket.protocols.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket server on a loopback port (Java-WebSocket, test scope only) that offers {@code
 * parley.v1.proto}, records what it sees and hands each binary message to a handler.
 */
final class LoopbackServer extends org.java_websocket.server.WebSocketServer
    implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoopbackServer.class);
  final BlockingQueue<WebSocket> opened = new LinkedBlockingQueue<>();
  final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
  final BlockingQueue<Integer> closeCodes = new LinkedBlockingQueue<>();
  private final CountDownLatch started = new CountDownLatch(1);
  private final BiConsumer<WebSocket, ByteBuffer> handler;

  LoopbackServer(BiConsumer<WebSocket, ByteBuffer> handler) {
    super(
        new InetSocketAddress("127.0.0.1", 0),
        List.<Draft>of(
            new Draft_6455(
                List.of(),
                List.<IProtocol>of(
                    new Protocol(dev.parley.chat.protocol.Protocol.SUBPROTOCOL_PROTOBUF)))));
    this.handler = handler;
    setReuseAddr(true);
  }

  /** Starts and waits until the port is bound. */
  LoopbackServer startAndWait() throws InterruptedException {
    start();
    if (!started.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("server did not start");
    }
    return this;
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + getPort() + "/chat");
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    opened.add(conn);
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    closeCodes.add(code);
  }

  @Override
  public void onMessage(WebSocket conn, String message) {}

  @Override
  public void onMessage(WebSocket conn, ByteBuffer message) {
    byte[] bytes = new byte[message.remaining()];
    message.duplicate().get(bytes);
    messages.add(bytes);
    handler.accept(conn, message);
  }

  @Override
  public void onError(WebSocket conn, Exception ex) {
    LOG.warn("loopback server error on {}", conn, ex);
  }

  @Override
  public void onStart() {
    started.countDown();
  }

  @Override
  public void close() {
    try {
      stop(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
