package dev.parley.chat.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * How a client transport connects.
 *
 * <p>Immutable and thread-safe.
 *
 * @param subprotocol the WebSocket subprotocol to request
 * @param connectTimeout how long the TCP connect and upgrade may take together
 * @param maxMessageBytes largest inbound message accepted; a larger one fails the connection
 */
public record ClientTransportConfig(
    String subprotocol, Duration connectTimeout, int maxMessageBytes) {
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
