package dev.parley.chat.benchmarks.load;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * Baseline B1: a bare Java-WebSocket server that sends every binary message it receives, unchanged,
 * to every connection of the same room (the sender included). The room is the request path's last
 * segment ({@code /room/17}). No authentication, no storage, no ordering beyond the library's. Uses
 * the same library, TCP settings and worker count as Parley's Java-WebSocket transport.
 *
 * <p>Thread-safe; callbacks run on the library's selector and worker threads.
 */
final class JwsBroadcastServer extends WebSocketServer implements BaselineServer {
  private final Map<String, Set<WebSocket>> rooms = new ConcurrentHashMap<>();
  private final CountDownLatch started = new CountDownLatch(1);

  JwsBroadcastServer(InetSocketAddress bind, int workers) {
    super(bind, workers, List.of(new Draft_6455()));
    setTcpNoDelay(true);
    setReuseAddr(true);
    setMaxPendingConnections(4096); // as Parley's transport does, and as B2 does
    setConnectionLostTimeout(0);
    setDaemon(true);
  }

  @Override
  public int startAndAwait() throws InterruptedException {
    start();
    started.await();
    return getPort();
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    String room = BaselineServer.roomOf(handshake.getResourceDescriptor());
    conn.setAttachment(room);
    rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(conn);
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    String room = conn.getAttachment();
    if (room != null) {
      Set<WebSocket> members = rooms.get(room);
      if (members != null) {
        members.remove(conn);
      }
    }
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    conn.close(1003, "binary only");
  }

  @Override
  public void onMessage(WebSocket conn, ByteBuffer message) {
    String room = conn.getAttachment();
    broadcast(message, rooms.getOrDefault(room, Set.of()));
  }

  @Override
  public void onError(WebSocket conn, Exception ex) {
    // a failed connection is closed by the library; nothing to add for a baseline
  }

  @Override
  public void onStart() {
    started.countDown();
  }

  @Override
  public void close() {
    try {
      stop(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
