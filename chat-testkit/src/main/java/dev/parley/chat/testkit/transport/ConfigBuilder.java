package dev.parley.chat.testkit.transport;

import dev.parley.chat.spi.OriginPolicy;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.WebSocketCompression;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** A mutable copy of a {@link ServerTransportConfig}, for tests that change one limit. */
final class ConfigBuilder {
  private InetSocketAddress bindAddress;
  private String path;
  private List<String> subprotocols;
  private int maxMessageBytes;
  private int maxFragmentsPerMessage;
  private int maxHandshakeBytes;
  private Duration handshakeTimeout;
  private Duration pingInterval;
  private int maxConnections;
  private int maxConnectionsPerAddress;
  private OriginPolicy originPolicy;
  private WebSocketCompression compression;

  ConfigBuilder(ServerTransportConfig base) {
    bindAddress = base.bindAddress();
    path = base.path();
    subprotocols = base.subprotocols();
    maxMessageBytes = base.maxMessageBytes();
    maxFragmentsPerMessage = base.maxFragmentsPerMessage();
    maxHandshakeBytes = base.maxHandshakeBytes();
    handshakeTimeout = base.handshakeTimeout();
    pingInterval = base.pingInterval();
    maxConnections = base.maxConnections();
    maxConnectionsPerAddress = base.maxConnectionsPerAddress();
    originPolicy = base.originPolicy();
    compression = base.compression();
  }

  ConfigBuilder compression(WebSocketCompression value) {
    compression = value;
    return this;
  }

  ConfigBuilder maxMessageBytes(int value) {
    maxMessageBytes = value;
    return this;
  }

  ConfigBuilder maxConnectionsPerAddress(int value) {
    maxConnectionsPerAddress = value;
    return this;
  }

  ConfigBuilder originPolicy(OriginPolicy value) {
    originPolicy = value;
    return this;
  }

  ConfigBuilder bindAddress(InetSocketAddress value) {
    bindAddress = value;
    return this;
  }

  ConfigBuilder handshakeTimeout(Duration value) {
    handshakeTimeout = value;
    return this;
  }

  ConfigBuilder pingInterval(Duration value) {
    pingInterval = value;
    return this;
  }

  /** Also moves the limit per address when it was no limit (equal to {@code maxConnections}). */
  ConfigBuilder maxConnections(int value) {
    if (maxConnectionsPerAddress == maxConnections) {
      maxConnectionsPerAddress = value;
    }
    maxConnections = value;
    return this;
  }

  ServerTransportConfig build() {
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
        null,
        compression);
  }
}
