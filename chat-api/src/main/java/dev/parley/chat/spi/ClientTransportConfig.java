package dev.parley.chat.spi;

import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How a client transport connects.
 *
 * <p>Immutable and thread-safe.
 *
 * @param subprotocol the WebSocket subprotocol to request
 * @param connectTimeout how long the TCP connect and upgrade may take together
 * @param maxMessageBytes largest inbound message accepted; a larger one fails the connection
 * @param sslContext for {@code wss://}: the context whose trust managers verify the server's
 *     certificate chain, or {@code null} for the JDK's default (its default trust store). Either
 *     way the transport must also verify the host name and offer TLS 1.3 and 1.2 only.
 */
public record ClientTransportConfig(
    String subprotocol, Duration connectTimeout, int maxMessageBytes, SSLContext sslContext) {

  /** A config that verifies {@code wss://} servers against the JDK's default trust store. */
  public ClientTransportConfig(String subprotocol, Duration connectTimeout, int maxMessageBytes) {
    this(subprotocol, connectTimeout, maxMessageBytes, null);
  }

  /** Validates every field. */
  public ClientTransportConfig {
    Objects.requireNonNull(subprotocol, "subprotocol");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive, was " + connectTimeout);
    }
    if (maxMessageBytes <= 0) {
      throw new IllegalArgumentException(
          "maxMessageBytes must be positive, was " + maxMessageBytes);
    }
  }
}
