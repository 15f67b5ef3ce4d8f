package dev.parley.chat.transport.jws;

import dev.parley.chat.spi.ServerTransport;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.transport.jws.internal.JwsServerTransport;
import java.util.Objects;

/**
 * A server transport on <a href="https://github.com/TooTallNate/Java-WebSocket">Java-WebSocket</a>
 * 1.6.0, hardened against hostile peers: small, with one dependency. Found by {@link
 * java.util.ServiceLoader} under the name {@value #NAME} with priority {@value #PRIORITY}, below
 * Parley's default transport (Netty, priority 0, decision 0033). An application that wants it adds
 * this module and selects it with {@code ChatServerBuilder.transport("java-websocket")}; it is also
 * chosen automatically when no transport with a higher priority is on the class path (for example
 * when the application excludes {@code chat-transport-netty} from the embedded server's
 * dependencies).
 *
 * <p>What the transport enforces, from {@link ServerTransportConfig}:
 *
 * <ul>
 *   <li>{@code maxMessageBytes} on single frames, decided from the frame header before any payload
 *       is buffered, and on the sum of a fragmented message's frames: close 1009.
 *   <li>{@code maxFragmentsPerMessage}, so a flood of empty continuation frames cannot grow memory:
 *       close 1002.
 *   <li>{@code maxHandshakeBytes} on the upgrade request line and headers, and {@code
 *       handshakeTimeout} from TCP accept to a completed upgrade: the socket is closed.
 *   <li>Only {@code path} is served (query strings allowed); anything else gets HTTP 404.
 *   <li>Subprotocols are chosen in the order of {@code subprotocols} (the server's preference). A
 *       client that asks for none gets the first one, and the answer carries no {@code
 *       Sec-WebSocket-Protocol} header, as RFC 6455 requires. A client that asks only for unknown
 *       subprotocols is <em>refused</em> (HTTP 400): it speaks a protocol version this server does
 *       not, and talking to it in another would fail later and less clearly.
 *   <li>A connection silent for {@code pingInterval} gets a WebSocket ping (once per silent spell);
 *       one silent for two intervals is dropped with {@code CloseCodes.HEARTBEAT_TIMEOUT}. A close
 *       that makes no progress for two intervals (a peer that stopped reading) is finished by
 *       closing the socket.
 *   <li>{@code maxConnections} counts every accepted socket, upgraded or not; beyond it new sockets
 *       are closed as soon as they are accepted.
 *   <li>TCP_NODELAY on every accepted socket.
 * </ul>
 *
 * <p>Threads: one selector thread, one worker thread per processor (at most 16) and one timer
 * thread per transport, all daemon threads named {@code parley-jws-<n>-...}. Handler calls run on
 * them; never on a thread that calls {@code TransportConnection.close} or {@code
 * ServerTransport.close}. {@code close()} must not be called from a handler callback.
 *
 * <p>Logging: what a peer sends never produces an ERROR line or a stack trace. A connection closed
 * for invalid input (1002, 1007, 1009) is reported at INFO under {@code
 * dev.parley.chat.transport.jws}, at most one line per 10 s per transport, with a count of the
 * closes not reported since the previous line; other refusals and drops are logged at DEBUG. A port
 * that cannot be bound fails {@code start()} with an exception naming the address and port, and
 * nothing is logged. ERROR is left for faults of the server itself.
 *
 * <p>Thread-safety: this provider is stateless and thread-safe.
 */
public final class JavaWebSocketTransportProvider implements ServerTransportProvider {
  /** The name to select this transport explicitly. */
  public static final String NAME = "java-websocket";

  /** Below the default transport's 0: this one is used when selected by name or when alone. */
  public static final int PRIORITY = -10;

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public JavaWebSocketTransportProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  @Override
  public boolean isAvailable() {
    try {
      Class.forName(
          "org.java_websocket.server.WebSocketServer",
          false,
          JavaWebSocketTransportProvider.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  @Override
  public ServerTransport create(ServerTransportConfig config, ServerTransportHandler handler) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(handler, "handler");
    return new JwsServerTransport(config, handler, System::nanoTime);
  }

  @Override
  public String toString() {
    return "JavaWebSocketTransportProvider[" + NAME + "]";
  }
}
