package dev.parley.chat.spi;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a server transport must do. Every limit here is a defence the transport itself enforces,
 * before the server sees a frame.
 *
 * <p>Immutable and thread-safe.
 *
 * @param bindAddress where to listen; port 0 picks a free port
 * @param path the WebSocket endpoint's path (other paths are refused with HTTP 404)
 * @param subprotocols the subprotocols offered, in preference order; a client that asks for none
 *     gets the first
 * @param maxMessageBytes largest message after reassembling fragments; a larger one closes the
 *     connection with {@link dev.parley.chat.protocol.CloseCodes#MESSAGE_TOO_BIG}
 * @param maxFragmentsPerMessage most frames one fragmented message may take; more closes the
 *     connection with {@link dev.parley.chat.protocol.CloseCodes#PROTOCOL_ERROR}
 * @param maxHandshakeBytes largest HTTP upgrade request (request line and headers); larger is
 *     refused and the socket closed
 * @param handshakeTimeout a socket that has not completed its upgrade by then is closed
 * @param pingInterval how often to send WebSocket pings; a connection with no traffic for two
 *     intervals is closed as dead
 * @param maxConnections open sockets allowed at once; more are refused
 * @param maxConnectionsPerAddress open sockets allowed at once from one remote IP address, counted
 *     from accept (upgraded or not); more from that address are closed at accept, before any byte
 *     is read, so that one address cannot take every socket
 * @param originPolicy which browser pages may upgrade; a transport refuses a request whose {@code
 *     Origin} the policy does not allow with HTTP 403, before the upgrade
 * @param tls the certificate and TLS rules to serve {@code wss://} with, or {@code null} for plain
 *     {@code ws://}. With TLS, the handshake deadline covers the TLS handshake too, and every other
 *     limit applies to the decrypted bytes.
 * @param compression whether to negotiate {@code permessage-deflate} with clients that offer it,
 *     and how to compress; an incoming compressed message is held to {@code maxMessageBytes} both
 *     as sent and after inflating (a larger one closes with {@link
 *     dev.parley.chat.protocol.CloseCodes#MESSAGE_TOO_BIG}), and data that does not inflate closes
 *     with {@link dev.parley.chat.protocol.CloseCodes#INVALID_PAYLOAD}
 */
public record ServerTransportConfig(
    InetSocketAddress bindAddress,
    String path,
    List<String> subprotocols,
    int maxMessageBytes,
    int maxFragmentsPerMessage,
    int maxHandshakeBytes,
    Duration handshakeTimeout,
    Duration pingInterval,
    int maxConnections,
    int maxConnectionsPerAddress,
    OriginPolicy originPolicy,
    ServerTls tls,
    WebSocketCompression compression) {

  /**
   * A configuration for plain {@code ws://} without a limit per address ({@code
   * maxConnectionsPerAddress} equal to {@code maxConnections}) and with {@link
   * OriginPolicy#sameHost()}.
   */
  public ServerTransportConfig(
      InetSocketAddress bindAddress,
      String path,
      List<String> subprotocols,
      int maxMessageBytes,
      int maxFragmentsPerMessage,
      int maxHandshakeBytes,
      Duration handshakeTimeout,
      Duration pingInterval,
      int maxConnections) {
    this(
        bindAddress,
        path,
        subprotocols,
        maxMessageBytes,
        maxFragmentsPerMessage,
        maxHandshakeBytes,
        handshakeTimeout,
        pingInterval,
        maxConnections,
        maxConnections,
        OriginPolicy.sameHost(),
        null,
        WebSocketCompression.disabled());
  }

  /** A configuration for plain {@code ws://}. */
  public ServerTransportConfig(
      InetSocketAddress bindAddress,
      String path,
      List<String> subprotocols,
      int maxMessageBytes,
      int maxFragmentsPerMessage,
      int maxHandshakeBytes,
      Duration handshakeTimeout,
      Duration pingInterval,
      int maxConnections,
      int maxConnectionsPerAddress,
      OriginPolicy originPolicy) {
    this(
        bindAddress,
        path,
        subprotocols,
        maxMessageBytes,
        maxFragmentsPerMessage,
        maxHandshakeBytes,
        handshakeTimeout,
        pingInterval,
        maxConnections,
        maxConnectionsPerAddress,
        originPolicy,
        null,
        WebSocketCompression.disabled());
  }

  /**
   * A configuration serving {@code wss://} with {@code tls} ({@code null}: plain), uncompressed.
   */
  public ServerTransportConfig(
      InetSocketAddress bindAddress,
      String path,
      List<String> subprotocols,
      int maxMessageBytes,
      int maxFragmentsPerMessage,
      int maxHandshakeBytes,
      Duration handshakeTimeout,
      Duration pingInterval,
      int maxConnections,
      int maxConnectionsPerAddress,
      OriginPolicy originPolicy,
      ServerTls tls) {
    this(
        bindAddress,
        path,
        subprotocols,
        maxMessageBytes,
        maxFragmentsPerMessage,
        maxHandshakeBytes,
        handshakeTimeout,
        pingInterval,
        maxConnections,
        maxConnectionsPerAddress,
        originPolicy,
        tls,
        WebSocketCompression.disabled());
  }

  /** The same configuration serving {@code wss://} with {@code tls} ({@code null}: plain). */
  public ServerTransportConfig withTls(ServerTls tls) {
    return new ServerTransportConfig(
        bindAddress,
        path,
        subprotocols,
        maxMessageBytes,
        maxFragmentsPerMessage,
        maxHandshakeBytes,
        handshakeTimeout,
        pingInterval,
        maxConnections,
        maxConnectionsPerAddress,
        originPolicy,
        tls,
        compression);
  }

  /** The same configuration compressing as {@code compression} says. */
  public ServerTransportConfig withCompression(WebSocketCompression compression) {
    return new ServerTransportConfig(
        bindAddress,
        path,
        subprotocols,
        maxMessageBytes,
        maxFragmentsPerMessage,
        maxHandshakeBytes,
        handshakeTimeout,
        pingInterval,
        maxConnections,
        maxConnectionsPerAddress,
        originPolicy,
        tls,
        compression);
  }

  /** Validates every field. */
  public ServerTransportConfig {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/', was '" + path + "'");
    }
    subprotocols = List.copyOf(subprotocols);
    if (subprotocols.isEmpty()) {
      throw new IllegalArgumentException("at least one subprotocol is required");
    }
    requirePositive("maxMessageBytes", maxMessageBytes);
    requirePositive("maxFragmentsPerMessage", maxFragmentsPerMessage);
    requirePositive("maxHandshakeBytes", maxHandshakeBytes);
    requirePositive("maxConnections", maxConnections);
    requirePositive("maxConnectionsPerAddress", maxConnectionsPerAddress);
    Objects.requireNonNull(originPolicy, "originPolicy");
    requirePositive("handshakeTimeout", handshakeTimeout);
    requirePositive("pingInterval", pingInterval);
    Objects.requireNonNull(compression, "compression");
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
