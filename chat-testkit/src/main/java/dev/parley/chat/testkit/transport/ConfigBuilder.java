package dev.parley.chat.testkit.transport;

import dev.parley.chat.spi.ServerTransportConfig;
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

  ConfigBuilder maxConnections(int value) {
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
        maxConnections);
  }
}
