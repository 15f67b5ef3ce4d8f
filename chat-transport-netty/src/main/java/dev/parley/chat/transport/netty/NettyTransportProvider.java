package dev.parley.chat.transport.netty;

import dev.parley.chat.spi.ServerTransport;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.transport.netty.internal.NettyServerTransport;
import java.util.Objects;

/**
 * Parley's default server transport, on <a href="https://netty.io">Netty</a> 4.2's NIO event loops
 * (decision 0033). Found by {@link java.util.ServiceLoader} under the name {@value #NAME} with
 * priority {@value #PRIORITY}, the priority of Parley's default transport: above the Java-WebSocket
 * transport (-10), so a server on whose class path both are uses this one unless asked for the
 * other with {@code ChatServerBuilder.transport("java-websocket")}; a third-party transport with a
 * positive priority still wins. The embedded server depends on this module at runtime scope.
 *
 * <p>What the transport enforces, from {@link ServerTransportConfig}:
 *
 * <ul>
 *   <li>{@code maxMessageBytes} on single frames, decided from the frame header before any payload
 *       is buffered, and on the sum of a fragmented message's frames: close 1009.
 *   <li>{@code maxFragmentsPerMessage}: a message in more frames closes with 1002. Control frames
 *       between fragments are not counted.
 *   <li>{@code maxHandshakeBytes} on the upgrade request line and headers (through the empty line),
 *       counted as the bytes arrive: HTTP 431 and the socket is closed. {@code handshakeTimeout}
 *       runs from TCP accept to a completed upgrade; then the socket is closed.
 *   <li>Only {@code path} is served (query strings allowed); anything else gets HTTP 404.
 *   <li>Subprotocols are chosen in the order of {@code subprotocols} (the server's preference). A
 *       client that asks for none gets the first one, and the answer carries no {@code
 *       Sec-WebSocket-Protocol} header, as RFC 6455 requires. A client that asks only for unknown
 *       subprotocols is refused with HTTP 400, like the Java-WebSocket transport does.
 *   <li>A connection silent for {@code pingInterval} gets a WebSocket ping (once per silent spell);
 *       one silent for two intervals is closed with {@code CloseCodes.HEARTBEAT_TIMEOUT}.
 *   <li>A close the transport starts (the server's, a limit's, or shutdown's) waits for the peer's
 *       answering close frame for at most min(2 &times; {@code pingInterval}, 1 s), then closes the
 *       socket anyway.
 *   <li>{@code maxConnections} counts every accepted socket, upgraded or not; beyond it new sockets
 *       are closed as soon as they are accepted.
 *   <li>Text messages must be valid UTF-8 (close 1007); frames must be masked, without reserved
 *       bits or opcodes (close 1002). TCP_NODELAY is on for every accepted socket.
 * </ul>
 *
 * <p>Threads, all daemon threads named {@code parley-netty-<n>-...}: one acceptor ({@code -boss})
 * and max(2, processors) event loops, at most 16 ({@code -io-<i>}), per transport. A connection
 * lives on one event loop for its whole life: every handler call for it (open, messages, close)
 * runs there, one at a time and in order, and so do its timers (handshake deadline, pings, close
 * timeout). No other threads are started. {@code close()} must not be called from a handler
 * callback.
 *
 * <p>Memory: buffers come from Netty's default pooled allocator; a connection holds no buffer of
 * its own while idle, only the part of a frame or fragmented message that has arrived. Sends wrap
 * the caller's buffer without copying it; Netty's encoder copies small frames (up to 1 KiB) into
 * one buffer with their header, and the NIO channel moves heap bytes into direct memory as it
 * queues them.
 *
 * <p>Logging: refusals and drops at DEBUG under {@code dev.parley.chat.transport.netty}; Netty logs
 * through SLF4J under {@code io.netty}.
 *
 * <p>Thread-safety: this provider is stateless and thread-safe.
 */
public final class NettyTransportProvider implements ServerTransportProvider {
  /** The name to select this transport explicitly. */
  public static final String NAME = "netty";

  /**
   * The priority of Parley's default transport: above the Java-WebSocket transport's, below any
   * third-party transport with a positive priority.
   */
  public static final int PRIORITY = 0;

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public NettyTransportProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  /**
   * Whether Netty 4.2 is on the class path. Netty 4.1 (which Spring Boot 3 manages, for example)
   * lacks the I/O handler API this transport runs on: then the provider is not available, and the
   * server uses the next transport by priority (Java-WebSocket, when {@code chat-transport-jws} is
   * there) or fails {@code start()} naming what was found.
   */
  @Override
  public boolean isAvailable() {
    return isAvailable(NettyTransportProvider.class.getClassLoader());
  }

  /** Whether {@code loader} sees the Netty 4.2 classes this transport needs. */
  static boolean isAvailable(ClassLoader loader) {
    try {
      Class.forName(
          "io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13", false, loader);
      // new in Netty 4.2
      Class.forName("io.netty.channel.nio.NioIoHandler", false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  @Override
  public ServerTransport create(ServerTransportConfig config, ServerTransportHandler handler) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(handler, "handler");
    return new NettyServerTransport(config, handler);
  }

  @Override
  public String toString() {
    return "NettyTransportProvider[" + NAME + "]";
  }
}
