package dev.parley.chat.transport.jws.internal;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.Handshakedata;

/** A Java-WebSocket listener that records delivered messages, for in-memory draft tests. */
final class RecordingListener extends WebSocketAdapter {
  final List<byte[]> binary = new ArrayList<>();
  final List<String> text = new ArrayList<>();

  @Override
  public void onWebsocketMessage(WebSocket conn, String message) {
    text.add(message);
  }

  @Override
  public void onWebsocketMessage(WebSocket conn, ByteBuffer blob) {
    byte[] copy = new byte[blob.remaining()];
    blob.get(copy);
    binary.add(copy);
  }

  @Override
  public void onWebsocketPing(WebSocket conn, Framedata f) {
    // no socket to answer on
  }

  @Override
  public void onWebsocketOpen(WebSocket conn, Handshakedata d) {}

  @Override
  public void onWebsocketClose(WebSocket ws, int code, String reason, boolean remote) {}

  @Override
  public void onWebsocketClosing(WebSocket ws, int code, String reason, boolean remote) {}

  @Override
  public void onWebsocketCloseInitiated(WebSocket ws, int code, String reason) {}

  @Override
  public void onWebsocketError(WebSocket conn, Exception ex) {}

  @Override
  public void onWriteDemand(WebSocket conn) {}

  @Override
  public InetSocketAddress getLocalSocketAddress(WebSocket conn) {
    return null;
  }

  @Override
  public InetSocketAddress getRemoteSocketAddress(WebSocket conn) {
    return null;
  }
}
