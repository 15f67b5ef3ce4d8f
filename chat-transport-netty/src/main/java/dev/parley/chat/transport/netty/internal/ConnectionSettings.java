package dev.parley.chat.transport.netty.internal;

import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.WebSocketCompression;
import java.util.concurrent.TimeUnit;

/**
 * What every connection of one transport needs from its config, with the times in nanoseconds.
 * Immutable and thread-safe.
 *
 * @param handshakeTimeoutNanos from accept to a completed upgrade
 * @param pingIntervalNanos silence before a ping; twice this and the connection is dropped
 * @param closeTimeoutNanos how long a close waits for the peer's answering close frame
 * @param maxMessageBytes largest message; also the queue size beyond which pings go unanswered
 * @param maxFragmentsPerMessage most frames one message may take
 * @param compression whether and how to negotiate {@code permessage-deflate}
 */
record ConnectionSettings(
    long handshakeTimeoutNanos,
    long pingIntervalNanos,
    long closeTimeoutNanos,
    int maxMessageBytes,
    int maxFragmentsPerMessage,
    WebSocketCompression compression) {

  /** The longest a close waits for the peer's answer, whatever the ping interval. */
  static final long MAX_CLOSE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** The settings for {@code config}: a close waits min(2 ping intervals, 1 s). */
  static ConnectionSettings of(ServerTransportConfig config) {
    long ping = config.pingInterval().toNanos();
    return new ConnectionSettings(
        config.handshakeTimeout().toNanos(),
        ping,
        Math.min(MAX_CLOSE_TIMEOUT_NANOS, 2 * ping),
        config.maxMessageBytes(),
        config.maxFragmentsPerMessage(),
        config.compression());
  }

  long handshakeTimeoutMillis() {
    return TimeUnit.NANOSECONDS.toMillis(handshakeTimeoutNanos);
  }

  long pingIntervalMillis() {
    return TimeUnit.NANOSECONDS.toMillis(pingIntervalNanos);
  }

  long closeTimeoutMillis() {
    return TimeUnit.NANOSECONDS.toMillis(closeTimeoutNanos);
  }
}
