package dev.parley.chat.client.internal;

import dev.parley.chat.spi.ClientTransportProvider;
import java.net.URI;
import java.time.Clock;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every session of one client shares: settings, the transport, the timer, the callback
 * executor, time and randomness. Immutable; each component is thread-safe.
 *
 * @param config the settings
 * @param transport opens connections to WebSocket endpoints (and to any other, when it is the only
 *     transport)
 * @param sseTransport opens connections to http(s) endpoints: the SSE fallback and SSE endpoints;
 *     {@code null} when the client has neither
 * @param scheduler runs timers (reconnect delays, timeouts, heartbeats)
 * @param callbackExecutor runs listener calls and future completions
 * @param clock the time
 * @param random jitter and client message id prefixes
 * @param backoff reconnect delays
 * @param prober ranks the endpoints by round trip, or {@code null} to keep their order
 * @param uploader runs uploads over the server's HTTP side
 */
record SessionContext(
    SessionConfig config,
    ClientTransportProvider transport,
    ClientTransportProvider sseTransport,
    ScheduledExecutorService scheduler,
    Executor callbackExecutor,
    Clock clock,
    Random random,
    Backoff backoff,
    EndpointProber prober,
    TusUploader uploader) {

  /** The transport that connects to {@code endpoint}. */
  ClientTransportProvider transportFor(URI endpoint) {
    return sseTransport != null && !TransportFallback.isWebSocket(endpoint)
        ? sseTransport
        : transport;
  }
}
