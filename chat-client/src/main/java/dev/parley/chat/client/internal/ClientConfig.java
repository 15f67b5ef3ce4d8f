package dev.parley.chat.client.internal;

import dev.parley.chat.client.ProximityPolicy;
import dev.parley.chat.spi.ClientTransportProvider;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLContext;

/**
 * A client's settings, copied from its {@link dev.parley.chat.client.ChatClientBuilder} by {@code
 * build()} after validation: later changes to the builder do not reach a client built from it.
 * Immutable and thread-safe (the executors, clock and random it refers to are the application's).
 *
 * @param endpoints the endpoints, in order; at least one
 * @param transportName the transport asked for by name, or {@code null}
 * @param transport the transport given as an instance, or {@code null}
 * @param clientName reported in Connect
 * @param clientVersion reported in Connect
 * @param connectTimeout one connection attempt
 * @param requestTimeout how long a join, leave or history read waits for its answer
 * @param initialBackoff first reconnect delay before jitter
 * @param maxBackoff longest reconnect delay before jitter
 * @param heartbeatInterval ping after this much silence
 * @param maxOutbox most unacknowledged sends per session
 * @param maxMessageBytes largest inbound WebSocket message
 * @param callbackExecutor the application's callback executor, or {@code null} for the client's own
 * @param scheduler the application's scheduler, or {@code null} for the client's own
 * @param random randomness for jitter and client message ids
 * @param clock time for timestamps
 * @param sslContext verifies {@code wss://} servers, or {@code null} for the JDK's default
 * @param proximity ranks the endpoints by round-trip time, or {@code null} to keep their order
 * @param sseFallback the SSE endpoint to use when WebSocket upgrades keep failing, or {@code null}
 * @param httpEndpoint the server's HTTP side for uploads ({@code http://host:7451/chat}), or {@code
 *     null} when none is known
 * @param uploadChunkBytes the largest chunk an upload sends in one request
 */
public record ClientConfig(
    List<URI> endpoints,
    String transportName,
    ClientTransportProvider transport,
    String clientName,
    String clientVersion,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration heartbeatInterval,
    int maxOutbox,
    int maxMessageBytes,
    Executor callbackExecutor,
    ScheduledExecutorService scheduler,
    Random random,
    Clock clock,
    SSLContext sslContext,
    ProximityPolicy proximity,
    URI sseFallback,
    URI httpEndpoint,
    int uploadChunkBytes) {

  /** Copies the endpoints; checks that nothing required is missing. */
  public ClientConfig {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one endpoint is required");
    }
    Objects.requireNonNull(clientName, "clientName");
    Objects.requireNonNull(clientVersion, "clientVersion");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(clock, "clock");
    if (uploadChunkBytes <= 0) {
      throw new IllegalArgumentException("uploadChunkBytes must be positive");
    }
  }
}
