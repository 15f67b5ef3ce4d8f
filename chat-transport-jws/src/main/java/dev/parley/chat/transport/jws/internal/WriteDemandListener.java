package dev.parley.chat.transport.jws.internal;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketListener;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.PingFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;

/**
 * The listener every {@link JwsSocket} reports to: the library's server for everything, except that
 * a write demand goes to the {@link WriteDemandRelay}, which applies it on the selector thread (see
 * there for the race this avoids). Thread-safe; each call runs on the caller's thread.
 */
final class WriteDemandListener implements WebSocketListener {
  private final WebSocketListener server;
  private final WriteDemandRelay relay;

  WriteDemandListener(WebSocketListener server, WriteDemandRelay relay) {
    this.server = server;
    this.relay = relay;
  }

  /** The library's server behind this listener. */
  WebSocketListener server() {
    return server;
  }

  @Override
  public void onWriteDemand(WebSocket conn) {
    relay.demand((JwsSocket) conn);
  }

  @Override
  public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(
      WebSocket conn, Draft draft, ClientHandshake request) throws InvalidDataException {
    return server.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
  }

  @Override
  public void onWebsocketHandshakeReceivedAsClient(
      WebSocket conn, ClientHandshake request, ServerHandshake response)
      throws InvalidDataException {
    server.onWebsocketHandshakeReceivedAsClient(conn, request, response);
  }

  @Override
  public void onWebsocketHandshakeSentAsClient(WebSocket conn, ClientHandshake request)
      throws InvalidDataException {
    server.onWebsocketHandshakeSentAsClient(conn, request);
  }

  @Override
  public void onWebsocketMessage(WebSocket conn, String message) {
    server.onWebsocketMessage(conn, message);
  }

  @Override
  public void onWebsocketMessage(WebSocket conn, ByteBuffer blob) {
    server.onWebsocketMessage(conn, blob);
  }

  @Override
  public void onWebsocketOpen(WebSocket conn, Handshakedata handshake) {
    server.onWebsocketOpen(conn, handshake);
  }

  @Override
  public void onWebsocketClose(WebSocket conn, int code, String reason, boolean remote) {
    server.onWebsocketClose(conn, code, reason, remote);
  }

  @Override
  public void onWebsocketClosing(WebSocket conn, int code, String reason, boolean remote) {
    server.onWebsocketClosing(conn, code, reason, remote);
  }

  @Override
  public void onWebsocketCloseInitiated(WebSocket conn, int code, String reason) {
    server.onWebsocketCloseInitiated(conn, code, reason);
  }

  @Override
  public void onWebsocketError(WebSocket conn, Exception ex) {
    server.onWebsocketError(conn, ex);
  }

  @Override
  public void onWebsocketPing(WebSocket conn, Framedata frame) {
    server.onWebsocketPing(conn, frame);
  }

  @Override
  public PingFrame onPreparePing(WebSocket conn) {
    return server.onPreparePing(conn);
  }

  @Override
  public void onWebsocketPong(WebSocket conn, Framedata frame) {
    server.onWebsocketPong(conn, frame);
  }

  @Override
  public InetSocketAddress getLocalSocketAddress(WebSocket conn) {
    return server.getLocalSocketAddress(conn);
  }

  @Override
  public InetSocketAddress getRemoteSocketAddress(WebSocket conn) {
    return server.getRemoteSocketAddress(conn);
  }
}
