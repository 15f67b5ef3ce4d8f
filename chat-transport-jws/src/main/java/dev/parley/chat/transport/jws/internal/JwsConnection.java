package dev.parley.chat.transport.jws.internal;

import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.TransportConnection;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.java_websocket.exceptions.WebsocketNotConnectedException;

/**
 * The handler's view of one {@link JwsSocket}. Thread-safe: sends and closes from any thread never
 * block and never call the handler on the caller's thread (the close is reported later, on a
 * transport thread).
 */
final class JwsConnection implements TransportConnection {
  /** A close frame's payload is at most 125 bytes, 2 of them the code. */
  static final int MAX_CLOSE_REASON_BYTES = 123;

  private final JwsSocket socket;
  private final ConnectionEvents events;
  // One message at a time into the socket: with permessage-deflate, messages must reach the wire in
  // the order they were compressed (the library encodes before it takes its write lock).
  private final Object sendLock = new Object();
  private volatile String subprotocol;
  private volatile Object attachment;

  JwsConnection(JwsSocket socket, ServerTransportHandler handler) {
    this.socket = socket;
    this.events = new ConnectionEvents(handler, this);
  }

  ConnectionEvents events() {
    return events;
  }

  void opened(String negotiatedSubprotocol) {
    this.subprotocol = negotiatedSubprotocol;
    events.opened();
  }

  /** The transport-side socket, for the transport's own tests. */
  JwsSocket socket() {
    return socket;
  }

  @Override
  public String id() {
    return socket.id();
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return socket.remoteAddress();
  }

  @Override
  public String subprotocol() {
    return subprotocol;
  }

  @Override
  public boolean sendBinary(ByteBuffer message) {
    Objects.requireNonNull(message, "message");
    if (!isOpen()) {
      return false;
    }
    try {
      synchronized (sendLock) {
        socket.send(message.duplicate());
      }
      return true;
    } catch (WebsocketNotConnectedException e) {
      return false;
    }
  }

  @Override
  public boolean sendText(String message) {
    Objects.requireNonNull(message, "message");
    if (!isOpen()) {
      return false;
    }
    try {
      synchronized (sendLock) {
        socket.send(message);
      }
      return true;
    } catch (WebsocketNotConnectedException e) {
      return false;
    }
  }

  @Override
  public long bufferedBytes() {
    return socket.bufferedBytes();
  }

  /**
   * Starts the closing handshake. The reason is cut to the 123 UTF-8 bytes a close frame can carry.
   *
   * @throws IllegalArgumentException if {@code code} may not be sent in a close frame (RFC 6455
   *     7.4: 1000-1003, 1007-1014 and 3000-4999 may)
   */
  @Override
  public void close(int code, String reason) {
    if (!isSendableCloseCode(code)) {
      throw new IllegalArgumentException(
          "close code "
              + code
              + " cannot be sent; use 1000-1003, 1007-1014 or 3000-4999 (see CloseCodes)");
    }
    socket.close(code, truncateUtf8(reason == null ? "" : reason, MAX_CLOSE_REASON_BYTES));
  }

  @Override
  public boolean isOpen() {
    return socket.isOpen() && !socket.isCloseReported();
  }

  @Override
  public void attach(Object attachment) {
    this.attachment = attachment;
  }

  @Override
  public Object attachment() {
    return attachment;
  }

  @Override
  public String toString() {
    return "connection " + socket.id() + " from " + socket.remoteAddress();
  }

  static boolean isSendableCloseCode(int code) {
    return (code >= 1000 && code <= 1003)
        || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
  }

  /** The longest prefix of {@code text} whose UTF-8 encoding fits in {@code maxBytes}. */
  static String truncateUtf8(String text, int maxBytes) {
    int bytes = 0;
    int end = 0;
    while (end < text.length()) {
      int codePoint = text.codePointAt(end);
      int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
      if (bytes + size > maxBytes) {
        break;
      }
      bytes += size;
      end += Character.charCount(codePoint);
    }
    return end == text.length() ? text : text.substring(0, end);
  }
}
