package dev.parley.chat.spring.boot.autoconfigure;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.server.ChatServerBuilder;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code parley.*} properties: how the auto-configured {@link
 * dev.parley.chat.server.ChatServer} is built. Every default is the {@link ChatServerBuilder}'s own
 * ({@code DEFAULT_*} constants); a property left unset leaves the builder's default in place.
 *
 * <p>Bound by Spring once, on the thread that creates the application context, before the server is
 * built; the server copies what it needs, so changing this object later changes nothing. Not
 * thread-safe.
 */
@ConfigurationProperties("parley")
public class ParleyProperties {
  /** Whether to run a Parley chat server in this application. */
  private boolean enabled = true;

  /**
   * Address the WebSocket endpoint binds to. Unset: every interface ("0.0.0.0"), or loopback only
   * ("127.0.0.1") with the development authenticator.
   */
  private String host;

  /** WebSocket port; 0 picks a free one. */
  private int port = ChatServerBuilder.DEFAULT_PORT;

  /** Path of the WebSocket endpoint. */
  private String path = Protocol.DEFAULT_PATH;

  /**
   * Server transport by name ("java-websocket", "netty"). Unset: the available transport with the
   * highest priority.
   */
  private String transport;

  /** This node's id, reported to clients and used in a cluster. Unset: a random one. */
  private String serverId;

  /**
   * Accept anyone under any nickname ({@code DevelopmentAuthenticator.ANY_NICKNAME}) when the
   * application has no Authenticator bean. For demos and tests only: never in production.
   */
  private boolean developmentAuthenticator = false;

  private final Http http = new Http();
  private final Limits limits = new Limits();
  private final Cluster cluster = new Cluster();
  private final Shutdown shutdown = new Shutdown();
  private final Store store = new Store();
  private final Resilience resilience = new Resilience();

  /** Whether to run a Parley chat server in this application. */
  public boolean isEnabled() {
    return enabled;
  }

  /** See {@link #isEnabled()}. */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** The WebSocket bind host, or {@code null} for the builder's default. */
  public String getHost() {
    return host;
  }

  /** See {@link #getHost()}. */
  public void setHost(String host) {
    this.host = host;
  }

  /** The WebSocket port (0: any free one). */
  public int getPort() {
    return port;
  }

  /** See {@link #getPort()}. */
  public void setPort(int port) {
    this.port = port;
  }

  /** The WebSocket endpoint's path. */
  public String getPath() {
    return path;
  }

  /** See {@link #getPath()}. */
  public void setPath(String path) {
    this.path = path;
  }

  /** The server transport's name, or {@code null} for the highest-priority one. */
  public String getTransport() {
    return transport;
  }

  /** See {@link #getTransport()}. */
  public void setTransport(String transport) {
    this.transport = transport;
  }

  /** This node's id, or {@code null} for a random one. */
  public String getServerId() {
    return serverId;
  }

  /** See {@link #getServerId()}. */
  public void setServerId(String serverId) {
    this.serverId = serverId;
  }

  /** Whether to fall back to the development authenticator; see the field. */
  public boolean isDevelopmentAuthenticator() {
    return developmentAuthenticator;
  }

  /** See {@link #isDevelopmentAuthenticator()}. */
  public void setDevelopmentAuthenticator(boolean developmentAuthenticator) {
    this.developmentAuthenticator = developmentAuthenticator;
  }

  /** The HTTP side's settings ({@code parley.http.*}). */
  public Http getHttp() {
    return http;
  }

  /** The limits ({@code parley.limits.*}). */
  public Limits getLimits() {
    return limits;
  }

  /** Cluster settings ({@code parley.cluster.*}). */
  public Cluster getCluster() {
    return cluster;
  }

  /** Shutdown settings ({@code parley.shutdown.*}). */
  public Shutdown getShutdown() {
    return shutdown;
  }

  /** Store settings ({@code parley.store.*}). */
  public Store getStore() {
    return store;
  }

  /**
   * Timeouts and circuit breakers around the store and the cluster bus ({@code
   * parley.resilience.*}).
   */
  public Resilience getResilience() {
    return resilience;
  }

  /** The server's own HTTP side: {@code /healthz}, {@code /readyz}. Not thread-safe. */
  public static class Http {
    /** Whether the server's own HTTP side (/healthz, /readyz) runs. */
    private boolean enabled = true;

    /** Port of the server's own HTTP side; 0 picks a free one. */
    private int port = ChatServerBuilder.DEFAULT_HTTP_PORT;

    /** Address the HTTP side binds to. Unset: the same as parley.host. */
    private String host;

    /** Whether the HTTP side runs. */
    public boolean isEnabled() {
      return enabled;
    }

    /** See {@link #isEnabled()}. */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** The HTTP side's port (0: any free one). */
    public int getPort() {
      return port;
    }

    /** See {@link #getPort()}. */
    public void setPort(int port) {
      this.port = port;
    }

    /** The HTTP side's bind host, or {@code null} for the WebSocket endpoint's. */
    public String getHost() {
      return host;
    }

    /** See {@link #getHost()}. */
    public void setHost(String host) {
      this.host = host;
    }
  }

  /** Limits that protect the server; see docs/security.md. Not thread-safe. */
  public static class Limits {
    /** Largest inbound WebSocket message, in bytes. */
    private int maxMessageBytes = ChatServerBuilder.DEFAULT_MAX_MESSAGE_BYTES;

    /** Most fragments one WebSocket message may arrive in. */
    private int maxFragmentsPerMessage = ChatServerBuilder.DEFAULT_MAX_FRAGMENTS;

    /** Largest HTTP upgrade request (request line and headers), in bytes. */
    private int maxHandshakeBytes = ChatServerBuilder.DEFAULT_MAX_HANDSHAKE_BYTES;

    /** Time a socket has to complete the WebSocket upgrade. */
    private Duration handshakeTimeout = ChatServerBuilder.DEFAULT_HANDSHAKE_TIMEOUT;

    /** Time a new connection has to send Connect and be authenticated. */
    private Duration connectTimeout = ChatServerBuilder.DEFAULT_CONNECT_TIMEOUT;

    /** WebSocket ping interval; a peer silent for two intervals is dropped. */
    private Duration pingInterval = ChatServerBuilder.DEFAULT_PING_INTERVAL;

    /** Most open connections. */
    private int maxConnections = ChatServerBuilder.DEFAULT_MAX_CONNECTIONS;

    /** Bytes a connection may have queued and unwritten before it is closed as a slow consumer. */
    private long maxOutboundBytes = ChatServerBuilder.DEFAULT_MAX_OUTBOUND_BYTES;

    /** Most rooms one session may be in at once. */
    private int maxRoomsPerSession = ChatServerBuilder.DEFAULT_MAX_ROOMS_PER_SESSION;

    /** Largest message text, in UTF-8 bytes. */
    private int maxTextBytes = Protocol.DEFAULT_MAX_TEXT_BYTES;

    /** Largest message payload, in bytes. */
    private int maxPayloadBytes = Protocol.DEFAULT_MAX_PAYLOAD_BYTES;

    /** Sustained requests per second per session (sends, joins, history...). */
    private int requestsPerSecond = ChatServerBuilder.DEFAULT_REQUESTS_PER_SECOND;

    /** Burst of requests a session may make above the sustained rate. */
    private int requestBurst = ChatServerBuilder.DEFAULT_REQUEST_BURST;

    /** See the field. */
    public int getMaxMessageBytes() {
      return maxMessageBytes;
    }

    /** See the field. */
    public void setMaxMessageBytes(int maxMessageBytes) {
      this.maxMessageBytes = maxMessageBytes;
    }

    /** See the field. */
    public int getMaxFragmentsPerMessage() {
      return maxFragmentsPerMessage;
    }

    /** See the field. */
    public void setMaxFragmentsPerMessage(int maxFragmentsPerMessage) {
      this.maxFragmentsPerMessage = maxFragmentsPerMessage;
    }

    /** See the field. */
    public int getMaxHandshakeBytes() {
      return maxHandshakeBytes;
    }

    /** See the field. */
    public void setMaxHandshakeBytes(int maxHandshakeBytes) {
      this.maxHandshakeBytes = maxHandshakeBytes;
    }

    /** See the field. */
    public Duration getHandshakeTimeout() {
      return handshakeTimeout;
    }

    /** See the field. */
    public void setHandshakeTimeout(Duration handshakeTimeout) {
      this.handshakeTimeout = handshakeTimeout;
    }

    /** See the field. */
    public Duration getConnectTimeout() {
      return connectTimeout;
    }

    /** See the field. */
    public void setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    /** See the field. */
    public Duration getPingInterval() {
      return pingInterval;
    }

    /** See the field. */
    public void setPingInterval(Duration pingInterval) {
      this.pingInterval = pingInterval;
    }

    /** See the field. */
    public int getMaxConnections() {
      return maxConnections;
    }

    /** See the field. */
    public void setMaxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
    }

    /** See the field. */
    public long getMaxOutboundBytes() {
      return maxOutboundBytes;
    }

    /** See the field. */
    public void setMaxOutboundBytes(long maxOutboundBytes) {
      this.maxOutboundBytes = maxOutboundBytes;
    }

    /** See the field. */
    public int getMaxRoomsPerSession() {
      return maxRoomsPerSession;
    }

    /** See the field. */
    public void setMaxRoomsPerSession(int maxRoomsPerSession) {
      this.maxRoomsPerSession = maxRoomsPerSession;
    }

    /** See the field. */
    public int getMaxTextBytes() {
      return maxTextBytes;
    }

    /** See the field. */
    public void setMaxTextBytes(int maxTextBytes) {
      this.maxTextBytes = maxTextBytes;
    }

    /** See the field. */
    public int getMaxPayloadBytes() {
      return maxPayloadBytes;
    }

    /** See the field. */
    public void setMaxPayloadBytes(int maxPayloadBytes) {
      this.maxPayloadBytes = maxPayloadBytes;
    }

    /** See the field. */
    public int getRequestsPerSecond() {
      return requestsPerSecond;
    }

    /** See the field. */
    public void setRequestsPerSecond(int requestsPerSecond) {
      this.requestsPerSecond = requestsPerSecond;
    }

    /** See the field. */
    public int getRequestBurst() {
      return requestBurst;
    }

    /** See the field. */
    public void setRequestBurst(int requestBurst) {
      this.requestBurst = requestBurst;
    }
  }

  /** Settings used when the application has a {@code ClusterBus} bean. Not thread-safe. */
  public static class Cluster {
    /** How often a clustered node checks each room it serves against the store. */
    private Duration catchUpInterval = ChatServerBuilder.DEFAULT_CATCH_UP_INTERVAL;

    /** See the field. */
    public Duration getCatchUpInterval() {
      return catchUpInterval;
    }

    /** See the field. */
    public void setCatchUpInterval(Duration catchUpInterval) {
      this.catchUpInterval = catchUpInterval;
    }
  }

  /** How the server stops with the application. Not thread-safe. */
  public static class Shutdown {
    /**
     * Longest wait, when the application stops, for clients to leave after GoAway before the server
     * closes the rest. Keep it below spring.lifecycle.timeout-per-shutdown-phase.
     */
    private Duration drainTimeout = Duration.ofSeconds(20);

    /** See the field. */
    public Duration getDrainTimeout() {
      return drainTimeout;
    }

    /** See the field. */
    public void setDrainTimeout(Duration drainTimeout) {
      this.drainTimeout = drainTimeout;
    }
  }

  /** Where messages are stored. Not thread-safe. */
  public static class Store {
    private final Jdbc jdbc = new Jdbc();

    /** The JDBC store's settings ({@code parley.store.jdbc.*}). */
    public Jdbc getJdbc() {
      return jdbc;
    }
  }

  /**
   * The {@code JdbcMessageStore} made on the application's {@code DataSource} when chat-store-jdbc
   * is on the class path. Not thread-safe.
   */
  public static class Jdbc {
    /** Whether to store messages in the application's DataSource (with chat-store-jdbc present). */
    private boolean enabled = true;

    /** PostgreSQL schema of the store's tables, created if missing. Unset: the current schema. */
    private String schema;

    /**
     * Whether this node is the only writer of the database. Unset: true for a single node, false
     * when the application has a ClusterBus bean (nodes share the database).
     */
    private Boolean exclusiveWriter;

    /** See the field. */
    public boolean isEnabled() {
      return enabled;
    }

    /** See the field. */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** See the field. */
    public String getSchema() {
      return schema;
    }

    /** See the field. */
    public void setSchema(String schema) {
      this.schema = schema;
    }

    /** See the field. */
    public Boolean getExclusiveWriter() {
      return exclusiveWriter;
    }

    /** See the field. */
    public void setExclusiveWriter(Boolean exclusiveWriter) {
      this.exclusiveWriter = exclusiveWriter;
    }
  }

  /**
   * Timeouts and circuit breakers around the store and the cluster bus (docs/operations.md). Not
   * thread-safe.
   */
  public static class Resilience {
    /** Longest wait for one store or bus call before it counts as failed. */
    private Duration dependencyTimeout = ChatServerBuilder.DEFAULT_DEPENDENCY_TIMEOUT;

    /** Share of failed calls, in percent of the last window, that opens a dependency's breaker. */
    private int breakerFailureRateThreshold =
        ChatServerBuilder.DEFAULT_BREAKER_FAILURE_RATE_THRESHOLD;

    /** Number of recent calls the failure rate is computed over. */
    private int breakerWindowSize = ChatServerBuilder.DEFAULT_BREAKER_WINDOW_SIZE;

    /** How long an open breaker refuses calls before it lets probes through. */
    private Duration breakerOpenDuration = ChatServerBuilder.DEFAULT_BREAKER_OPEN_DURATION;

    /** Store calls that may wait at once; more are refused with a retryable error. */
    private int maxPendingStoreCalls = ChatServerBuilder.DEFAULT_MAX_PENDING_STORE_CALLS;

    /** First wait before the cluster bus tries to start again after a failure. */
    private Duration reconnectInitial = ChatServerBuilder.DEFAULT_RECONNECT_INITIAL;

    /** Longest wait between the cluster bus's start attempts. */
    private Duration reconnectMax = ChatServerBuilder.DEFAULT_RECONNECT_MAX;

    /** See the field. */
    public Duration getDependencyTimeout() {
      return dependencyTimeout;
    }

    /** See the field. */
    public void setDependencyTimeout(Duration dependencyTimeout) {
      this.dependencyTimeout = dependencyTimeout;
    }

    /** See the field. */
    public int getBreakerFailureRateThreshold() {
      return breakerFailureRateThreshold;
    }

    /** See the field. */
    public void setBreakerFailureRateThreshold(int breakerFailureRateThreshold) {
      this.breakerFailureRateThreshold = breakerFailureRateThreshold;
    }

    /** See the field. */
    public int getBreakerWindowSize() {
      return breakerWindowSize;
    }

    /** See the field. */
    public void setBreakerWindowSize(int breakerWindowSize) {
      this.breakerWindowSize = breakerWindowSize;
    }

    /** See the field. */
    public Duration getBreakerOpenDuration() {
      return breakerOpenDuration;
    }

    /** See the field. */
    public void setBreakerOpenDuration(Duration breakerOpenDuration) {
      this.breakerOpenDuration = breakerOpenDuration;
    }

    /** See the field. */
    public int getMaxPendingStoreCalls() {
      return maxPendingStoreCalls;
    }

    /** See the field. */
    public void setMaxPendingStoreCalls(int maxPendingStoreCalls) {
      this.maxPendingStoreCalls = maxPendingStoreCalls;
    }

    /** See the field. */
    public Duration getReconnectInitial() {
      return reconnectInitial;
    }

    /** See the field. */
    public void setReconnectInitial(Duration reconnectInitial) {
      this.reconnectInitial = reconnectInitial;
    }

    /** See the field. */
    public Duration getReconnectMax() {
      return reconnectMax;
    }

    /** See the field. */
    public void setReconnectMax(Duration reconnectMax) {
      this.reconnectMax = reconnectMax;
    }
  }
}
