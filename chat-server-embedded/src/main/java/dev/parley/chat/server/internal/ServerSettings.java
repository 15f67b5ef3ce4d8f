package dev.parley.chat.server.internal;

import dev.parley.chat.server.MessageHook;
import dev.parley.chat.server.PageHandler;
import dev.parley.chat.server.RoomPolicy;
import dev.parley.chat.server.SessionListener;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.ServerTls;
import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.spi.WebSocketCompression;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executor;

/**
 * A server's settings, copied from its {@link dev.parley.chat.server.ChatServerBuilder} by {@code
 * build()} after validation: later changes to the builder do not reach a server built from it.
 * Immutable and thread-safe (the collaborators it refers to are the application's, and are
 * thread-safe by their own contracts). Defaults are resolved already, apart from the collaborators
 * the server creates itself when none was given (those components are {@code null}).
 *
 * @param host the WebSocket bind host (the development default already applied)
 * @param port the WebSocket port, 0 for any
 * @param httpEnabled whether the HTTP side runs
 * @param httpHost the HTTP side's bind host
 * @param httpPort the HTTP side's port, 0 for any
 * @param pageHandlers the application's HTTP handlers by path
 * @param path the WebSocket endpoint's path
 * @param transportName the transport asked for by name, or {@code null}
 * @param transport the transport given as an instance, or {@code null}
 * @param authenticator who the clients are
 * @param messageStore the application's store, or {@code null} for one the server creates
 * @param clusterBus the cluster bus, or {@code null} for a single node
 * @param catchUpInterval period of a clustered node's catch-up sweep
 * @param roomPolicy who may join which room
 * @param maxMessageBytes largest inbound WebSocket message
 * @param maxFragmentsPerMessage most fragments per WebSocket message
 * @param maxHandshakeBytes largest upgrade request
 * @param handshakeTimeout time to complete the upgrade
 * @param connectTimeout time to send Connect and be authenticated
 * @param tokenExpiryLead how long before a session's credentials expire the client is told
 * @param pingInterval WebSocket ping interval
 * @param maxConnections most open connections
 * @param maxOutboundBytes per-connection outbound limit
 * @param maxRoomsPerSession most rooms per session
 * @param maxTextBytes largest message text in UTF-8 bytes
 * @param maxPayloadBytes largest message payload
 * @param requestsPerSecond sustained requests per second per session
 * @param requestBurst burst above the sustained rate
 * @param abuseLimits the per-user, per-address and per-origin limits
 * @param workerExecutor the application's worker executor, or {@code null} for the server's own
 * @param clock time for timestamps, rate limits and deadlines
 * @param random randomness for message and session ids
 * @param serverId the node id asked for, or {@code null} for a random one
 * @param messageHooks the message hooks, in the order they were added
 * @param sessionListeners the session listeners, in the order they were added
 * @param hookTimeout the budget of one before-store hook call
 * @param breakers the breakers and timeouts around the store and the bus
 * @param meterRegistry where the server records its meters: a Micrometer {@code MeterRegistry},
 *     {@link #GLOBAL_METER_REGISTRY}, or {@code null} for nowhere. Typed {@code Object} so that
 *     this record names no Micrometer type: Micrometer is optional.
 * @param access where rooms' access state (visibility, roles, bans, mutes) is kept, and its cache
 * @param tls the certificate for {@code wss://} and {@code https://}, or {@code null} for plain
 * @param presence how presence changes are gathered and from which size a room is large
 * @param serverSentEvents whether the HTTP side serves the protocol over Server-Sent Events
 * @param compression whether the transport negotiates {@code permessage-deflate}, and how
 * @param attachments how attachments are taken, served and kept, or {@code null} when they are off
 * @param events where events go and how, or {@code null} when they are off
 */
public record ServerSettings(
    String host,
    int port,
    boolean httpEnabled,
    String httpHost,
    int httpPort,
    Map<String, PageHandler> pageHandlers,
    String path,
    String transportName,
    ServerTransportProvider transport,
    Authenticator authenticator,
    MessageStore messageStore,
    ClusterBus clusterBus,
    Duration catchUpInterval,
    RoomPolicy roomPolicy,
    int maxMessageBytes,
    int maxFragmentsPerMessage,
    int maxHandshakeBytes,
    Duration handshakeTimeout,
    Duration connectTimeout,
    Duration tokenExpiryLead,
    Duration pingInterval,
    int maxConnections,
    long maxOutboundBytes,
    int maxRoomsPerSession,
    int maxTextBytes,
    int maxPayloadBytes,
    int requestsPerSecond,
    int requestBurst,
    AbuseLimits abuseLimits,
    Executor workerExecutor,
    Clock clock,
    Random random,
    String serverId,
    List<MessageHook> messageHooks,
    List<SessionListener> sessionListeners,
    Duration hookTimeout,
    BreakerSettings breakers,
    Object meterRegistry,
    AccessSettings access,
    ServerTls tls,
    PresenceSettings presence,
    boolean serverSentEvents,
    WebSocketCompression compression,
    AttachmentSettings attachments,
    EventSettings events) {

  /**
   * The default of {@link #meterRegistry()}: Micrometer's {@code Metrics.globalRegistry} when
   * Micrometer is on the class path, nothing otherwise.
   */
  public static final Object GLOBAL_METER_REGISTRY = ServerMetrics.GLOBAL_REGISTRY;

  /** Copies the handler map; checks that nothing required is missing. */
  public ServerSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(httpHost, "httpHost");
    pageHandlers = Map.copyOf(pageHandlers);
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(authenticator, "authenticator");
    Objects.requireNonNull(catchUpInterval, "catchUpInterval");
    Objects.requireNonNull(roomPolicy, "roomPolicy");
    Objects.requireNonNull(abuseLimits, "abuseLimits");
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(tokenExpiryLead, "tokenExpiryLead");
    Objects.requireNonNull(pingInterval, "pingInterval");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(random, "random");
    messageHooks = List.copyOf(messageHooks);
    sessionListeners = List.copyOf(sessionListeners);
    Objects.requireNonNull(hookTimeout, "hookTimeout");
    Objects.requireNonNull(breakers, "breakers");
    Objects.requireNonNull(access, "access");
  }
}
