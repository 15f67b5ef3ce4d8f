package dev.parley.chat.client.internal;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.spi.ClientTransportConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * A session's settings: the client's ({@link ClientConfig}), plus internal bounds. Immutable.
 *
 * @param endpoints the endpoints, in order
 * @param clientName reported in Connect
 * @param clientVersion reported in Connect
 * @param connectTimeout one attempt, from opening the socket to Welcome
 * @param requestTimeout how long a join, leave or history read (or a fill) waits for its answer
 * @param heartbeatInterval ping after this much silence; dead after twice as much
 * @param maxOutbox most unacknowledged sends
 * @param maxMessageBytes largest inbound WebSocket message
 * @param maxPendingRequests most joins, leaves and history reads waiting at once
 * @param maxPendingCallbacks how far the listener may fall behind before the session stops reading
 *     (it drops the connection, and resumes later from what the listener was given)
 * @param maxBufferedLive most live messages a room holds back while it reads history
 * @param closeGrace how long a closing handshake may take before the connection is aborted
 * @param sslContext verifies {@code wss://} servers, or {@code null} for the JDK's default
 * @param sseFallback the SSE endpoint to fall back to when WebSocket upgrades fail, or {@code null}
 */
record SessionConfig(
    List<URI> endpoints,
    String clientName,
    String clientVersion,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration heartbeatInterval,
    int maxOutbox,
    int maxMessageBytes,
    int maxPendingRequests,
    int maxPendingCallbacks,
    int maxBufferedLive,
    Duration closeGrace,
    SSLContext sslContext,
    URI sseFallback) {
  static final int DEFAULT_MAX_PENDING_REQUESTS = 1_000;
  static final int DEFAULT_MAX_PENDING_CALLBACKS = 10_000;
  static final int DEFAULT_MAX_BUFFERED_LIVE = 10_000;
  static final Duration MAX_CLOSE_GRACE = Duration.ofSeconds(5);

  SessionConfig {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one endpoint is required");
    }
  }

  static SessionConfig from(ClientConfig builder) {
    Duration grace =
        builder.connectTimeout().compareTo(MAX_CLOSE_GRACE) < 0
            ? builder.connectTimeout()
            : MAX_CLOSE_GRACE;
    return new SessionConfig(
        builder.endpoints(),
        builder.clientName(),
        builder.clientVersion(),
        builder.connectTimeout(),
        builder.requestTimeout(),
        builder.heartbeatInterval(),
        builder.maxOutbox(),
        builder.maxMessageBytes(),
        DEFAULT_MAX_PENDING_REQUESTS,
        DEFAULT_MAX_PENDING_CALLBACKS,
        DEFAULT_MAX_BUFFERED_LIVE,
        grace,
        builder.sslContext(),
        builder.sseFallback());
  }

  ClientTransportConfig transportConfig() {
    return new ClientTransportConfig(
        Protocol.SUBPROTOCOL_PROTOBUF, connectTimeout, maxMessageBytes, sslContext);
  }

  SessionConfig withMaxPendingCallbacks(int max) {
    return new SessionConfig(
        endpoints,
        clientName,
        clientVersion,
        connectTimeout,
        requestTimeout,
        heartbeatInterval,
        maxOutbox,
        maxMessageBytes,
        maxPendingRequests,
        max,
        maxBufferedLive,
        closeGrace,
        sslContext,
        sseFallback);
  }
}
