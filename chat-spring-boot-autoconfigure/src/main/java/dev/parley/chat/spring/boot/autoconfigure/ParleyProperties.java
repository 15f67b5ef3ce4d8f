package dev.parley.chat.spring.boot.autoconfigure;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.server.AttachmentOptions;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.spi.WebSocketCompression;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
   * Server transport by name ("netty", the default; "java-websocket" with chat-transport-jws
   * added). Unset: the available transport with the highest priority.
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
  private final Security security = new Security();
  private final Access access = new Access();
  private final Presence presence = new Presence();
  private final Attachments attachments = new Attachments();
  private final Tls tls = new Tls();
  private final Compression compression = new Compression();
  private final Auth auth = new Auth();

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

  /** Sessions' credentials ({@code parley.security.*}). */
  public Security getSecurity() {
    return security;
  }

  /** The rooms' access cache ({@code parley.access.*}). */
  public Access getAccess() {
    return access;
  }

  /** Attachments: uploads, storage, links and retention ({@code parley.attachments.*}). */
  public Attachments getAttachments() {
    return attachments;
  }

  /** How presence reaches a room's members ({@code parley.presence.*}). */
  public Presence getPresence() {
    return presence;
  }

  /** The certificate for {@code wss://} and {@code https://} ({@code parley.tls.*}). */
  public Tls getTls() {
    return tls;
  }

  /** WebSocket compression, {@code permessage-deflate} ({@code parley.compression.*}). */
  public Compression getCompression() {
    return compression;
  }

  /** The authenticator made from properties ({@code parley.auth.*}). */
  public Auth getAuth() {
    return auth;
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

    /** Sustained sends per second per user, over all of the user's connections to this node. */
    private int userSendsPerSecond = ChatServerBuilder.DEFAULT_USER_SENDS_PER_SECOND;

    /** Burst of sends per user; at least user-sends-per-second. */
    private int userSendBurst = ChatServerBuilder.DEFAULT_USER_SEND_BURST;

    /** Sustained joins per second per user (not the rejoins of a resuming Connect). */
    private int userJoinsPerSecond = ChatServerBuilder.DEFAULT_USER_JOINS_PER_SECOND;

    /** Burst of joins per user; at least user-joins-per-second. */
    private int userJoinBurst = ChatServerBuilder.DEFAULT_USER_JOIN_BURST;

    /** Sustained history reads per second per user. */
    private int userHistoryReadsPerSecond = ChatServerBuilder.DEFAULT_USER_HISTORY_READS_PER_SECOND;

    /** Burst of history reads per user; at least user-history-reads-per-second. */
    private int userHistoryReadBurst = ChatServerBuilder.DEFAULT_USER_HISTORY_READ_BURST;

    /** Most connections one user may have open on this node. */
    private int maxConnectionsPerUser = ChatServerBuilder.DEFAULT_MAX_CONNECTIONS_PER_USER;

    /**
     * Most sockets one remote IP address may have open at once. Behind a reverse proxy, raise it to
     * max-connections and limit clients at the proxy.
     */
    private int maxConnectionsPerAddress = ChatServerBuilder.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;

    /** Most distinct rooms one user may be in at once, over all of the user's sessions. */
    private int maxRoomsPerUser = ChatServerBuilder.DEFAULT_MAX_ROOMS_PER_USER;

    /** Largest token a client may send in Connect, in UTF-8 bytes; at least 64. */
    private int maxTokenBytes = ChatServerBuilder.DEFAULT_MAX_TOKEN_BYTES;

    /**
     * Origins of the web pages that may open a WebSocket ("https://chat.example.com"), or "*" alone
     * for every page. Unset: pages served from the host the client connected to, on any port.
     */
    private List<String> allowedOrigins = new ArrayList<>();

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

    /** See the field. */
    public int getUserSendsPerSecond() {
      return userSendsPerSecond;
    }

    /** See the field. */
    public void setUserSendsPerSecond(int userSendsPerSecond) {
      this.userSendsPerSecond = userSendsPerSecond;
    }

    /** See the field. */
    public int getUserSendBurst() {
      return userSendBurst;
    }

    /** See the field. */
    public void setUserSendBurst(int userSendBurst) {
      this.userSendBurst = userSendBurst;
    }

    /** See the field. */
    public int getUserJoinsPerSecond() {
      return userJoinsPerSecond;
    }

    /** See the field. */
    public void setUserJoinsPerSecond(int userJoinsPerSecond) {
      this.userJoinsPerSecond = userJoinsPerSecond;
    }

    /** See the field. */
    public int getUserJoinBurst() {
      return userJoinBurst;
    }

    /** See the field. */
    public void setUserJoinBurst(int userJoinBurst) {
      this.userJoinBurst = userJoinBurst;
    }

    /** See the field. */
    public int getUserHistoryReadsPerSecond() {
      return userHistoryReadsPerSecond;
    }

    /** See the field. */
    public void setUserHistoryReadsPerSecond(int userHistoryReadsPerSecond) {
      this.userHistoryReadsPerSecond = userHistoryReadsPerSecond;
    }

    /** See the field. */
    public int getUserHistoryReadBurst() {
      return userHistoryReadBurst;
    }

    /** See the field. */
    public void setUserHistoryReadBurst(int userHistoryReadBurst) {
      this.userHistoryReadBurst = userHistoryReadBurst;
    }

    /** See the field. */
    public int getMaxConnectionsPerUser() {
      return maxConnectionsPerUser;
    }

    /** See the field. */
    public void setMaxConnectionsPerUser(int maxConnectionsPerUser) {
      this.maxConnectionsPerUser = maxConnectionsPerUser;
    }

    /** See the field. */
    public int getMaxConnectionsPerAddress() {
      return maxConnectionsPerAddress;
    }

    /** See the field. */
    public void setMaxConnectionsPerAddress(int maxConnectionsPerAddress) {
      this.maxConnectionsPerAddress = maxConnectionsPerAddress;
    }

    /** See the field. */
    public int getMaxRoomsPerUser() {
      return maxRoomsPerUser;
    }

    /** See the field. */
    public void setMaxRoomsPerUser(int maxRoomsPerUser) {
      this.maxRoomsPerUser = maxRoomsPerUser;
    }

    /** See the field. */
    public int getMaxTokenBytes() {
      return maxTokenBytes;
    }

    /** See the field. */
    public void setMaxTokenBytes(int maxTokenBytes) {
      this.maxTokenBytes = maxTokenBytes;
    }

    /** See the field. */
    public List<String> getAllowedOrigins() {
      return allowedOrigins;
    }

    /** See the field. */
    public void setAllowedOrigins(List<String> allowedOrigins) {
      this.allowedOrigins = allowedOrigins;
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

  /** How the server treats sessions' credentials. Not thread-safe. */
  public static class Security {
    /**
     * How long before a session's credentials expire the server tells the client to send fresh
     * ones. Only sessions whose Authenticator reported an expiry are concerned.
     */
    private Duration tokenExpiryLead = ChatServerBuilder.DEFAULT_TOKEN_EXPIRY_LEAD;

    /** See the field. */
    public Duration getTokenExpiryLead() {
      return tokenExpiryLead;
    }

    /** See the field. */
    public void setTokenExpiryLead(Duration tokenExpiryLead) {
      this.tokenExpiryLead = tokenExpiryLead;
    }
  }

  /** The cache of rooms' access (visibility, roles, bans, mutes). Not thread-safe. */
  public static class Access {
    /**
     * How long a node uses what it read of a user's access to a room before reading it again; a
     * change made on another node takes effect here within about this long.
     */
    private Duration cacheTtl = ChatServerBuilder.DEFAULT_ACCESS_CACHE_TTL;

    /** Most (room, user) access entries a node keeps; the least recently used go first. */
    private int cacheMaxEntries = ChatServerBuilder.DEFAULT_ACCESS_CACHE_MAX_ENTRIES;

    /** See the field. */
    public Duration getCacheTtl() {
      return cacheTtl;
    }

    /** See the field. */
    public void setCacheTtl(Duration cacheTtl) {
      this.cacheTtl = cacheTtl;
    }

    /** See the field. */
    public int getCacheMaxEntries() {
      return cacheMaxEntries;
    }

    /** See the field. */
    public void setCacheMaxEntries(int cacheMaxEntries) {
      this.cacheMaxEntries = cacheMaxEntries;
    }
  }

  /**
   * Attachments ({@code parley.attachments.*}): on when {@code directory} is set or the application
   * has a {@code BlobStore} bean. Defaults are {@link AttachmentOptions}'s {@code DEFAULT_*}
   * constants. Not thread-safe.
   */
  public static class Attachments {
    /**
     * Where the default file-system blob store keeps attachments; setting it turns attachments on
     * (a BlobStore bean of the application's does too, and wins).
     */
    private Path directory;

    /**
     * The attachment signing key, base64 (32 bytes or more decoded); every node of a cluster must
     * have the same. Unset: a random key per start.
     */
    private String signingKey;

    /** Where unfinished uploads are kept. Unset: a new temporary directory per start. */
    private Path stagingDirectory;

    /** The largest file one upload may declare, in bytes. */
    private long maxFileBytes = AttachmentOptions.DEFAULT_MAX_FILE_BYTES;

    /** The most bytes one user may upload per quota window. */
    private long userQuotaBytes = AttachmentOptions.DEFAULT_USER_QUOTA_BYTES;

    /** The most uploads one user may create per quota window. */
    private int userQuotaCount = AttachmentOptions.DEFAULT_USER_QUOTA_COUNT;

    /** The window of the per-user quota. */
    private Duration quotaWindow = AttachmentOptions.DEFAULT_QUOTA_WINDOW;

    /** The most unfinished uploads one user may have at once. */
    private int maxOpenUploads = AttachmentOptions.DEFAULT_MAX_OPEN_UPLOADS;

    /** The largest image (width x height) decoded for a thumbnail; a larger one is refused. */
    private long maxImagePixels = AttachmentOptions.DEFAULT_MAX_IMAGE_PIXELS;

    /** How long an unfinished upload is kept after its last byte. */
    private Duration uploadExpiry = AttachmentOptions.DEFAULT_UPLOAD_EXPIRY;

    /** How long a completed upload's token may be used in a Send. */
    private Duration tokenValidity = AttachmentOptions.DEFAULT_TOKEN_VALIDITY;

    /** How long a download link of a private room's attachment works. */
    private Duration privateLinkValidity = AttachmentOptions.DEFAULT_PRIVATE_LINK_VALIDITY;

    /** How long a download link of a public room's attachment works. */
    private Duration publicLinkValidity = AttachmentOptions.DEFAULT_PUBLIC_LINK_VALIDITY;

    /** The base of download links (a CDN). Unset: paths on the server's HTTP side. */
    private URI publicBaseUrl;

    /** How long a blob no message references is kept before it is removed. */
    private Duration retentionGrace = AttachmentOptions.DEFAULT_RETENTION_GRACE;

    /** How often retention looks for unreferenced blobs. */
    private Duration retentionInterval = AttachmentOptions.DEFAULT_RETENTION_INTERVAL;

    /** How many threads call the blob store. */
    private int blobThreads = AttachmentOptions.DEFAULT_BLOB_THREADS;

    /** See the field. */
    public Path getDirectory() {
      return directory;
    }

    /** See the field. */
    public void setDirectory(Path directory) {
      this.directory = directory;
    }

    /** See the field. */
    public String getSigningKey() {
      return signingKey;
    }

    /** See the field. */
    public void setSigningKey(String signingKey) {
      this.signingKey = signingKey;
    }

    /** See the field. */
    public Path getStagingDirectory() {
      return stagingDirectory;
    }

    /** See the field. */
    public void setStagingDirectory(Path stagingDirectory) {
      this.stagingDirectory = stagingDirectory;
    }

    /** See the field. */
    public long getMaxFileBytes() {
      return maxFileBytes;
    }

    /** See the field. */
    public void setMaxFileBytes(long maxFileBytes) {
      this.maxFileBytes = maxFileBytes;
    }

    /** See the field. */
    public long getUserQuotaBytes() {
      return userQuotaBytes;
    }

    /** See the field. */
    public void setUserQuotaBytes(long userQuotaBytes) {
      this.userQuotaBytes = userQuotaBytes;
    }

    /** See the field. */
    public int getUserQuotaCount() {
      return userQuotaCount;
    }

    /** See the field. */
    public void setUserQuotaCount(int userQuotaCount) {
      this.userQuotaCount = userQuotaCount;
    }

    /** See the field. */
    public Duration getQuotaWindow() {
      return quotaWindow;
    }

    /** See the field. */
    public void setQuotaWindow(Duration quotaWindow) {
      this.quotaWindow = quotaWindow;
    }

    /** See the field. */
    public int getMaxOpenUploads() {
      return maxOpenUploads;
    }

    /** See the field. */
    public void setMaxOpenUploads(int maxOpenUploads) {
      this.maxOpenUploads = maxOpenUploads;
    }

    /** See the field. */
    public long getMaxImagePixels() {
      return maxImagePixels;
    }

    /** See the field. */
    public void setMaxImagePixels(long maxImagePixels) {
      this.maxImagePixels = maxImagePixels;
    }

    /** See the field. */
    public Duration getUploadExpiry() {
      return uploadExpiry;
    }

    /** See the field. */
    public void setUploadExpiry(Duration uploadExpiry) {
      this.uploadExpiry = uploadExpiry;
    }

    /** See the field. */
    public Duration getTokenValidity() {
      return tokenValidity;
    }

    /** See the field. */
    public void setTokenValidity(Duration tokenValidity) {
      this.tokenValidity = tokenValidity;
    }

    /** See the field. */
    public Duration getPrivateLinkValidity() {
      return privateLinkValidity;
    }

    /** See the field. */
    public void setPrivateLinkValidity(Duration privateLinkValidity) {
      this.privateLinkValidity = privateLinkValidity;
    }

    /** See the field. */
    public Duration getPublicLinkValidity() {
      return publicLinkValidity;
    }

    /** See the field. */
    public void setPublicLinkValidity(Duration publicLinkValidity) {
      this.publicLinkValidity = publicLinkValidity;
    }

    /** See the field. */
    public URI getPublicBaseUrl() {
      return publicBaseUrl;
    }

    /** See the field. */
    public void setPublicBaseUrl(URI publicBaseUrl) {
      this.publicBaseUrl = publicBaseUrl;
    }

    /** See the field. */
    public Duration getRetentionGrace() {
      return retentionGrace;
    }

    /** See the field. */
    public void setRetentionGrace(Duration retentionGrace) {
      this.retentionGrace = retentionGrace;
    }

    /** See the field. */
    public Duration getRetentionInterval() {
      return retentionInterval;
    }

    /** See the field. */
    public void setRetentionInterval(Duration retentionInterval) {
      this.retentionInterval = retentionInterval;
    }

    /** See the field. */
    public int getBlobThreads() {
      return blobThreads;
    }

    /** See the field. */
    public void setBlobThreads(int blobThreads) {
      this.blobThreads = blobThreads;
    }
  }

  /** How presence changes reach a room's members, and when a room is large. Not thread-safe. */
  public static class Presence {
    /**
     * How long a room gathers presence changes before announcing each changed user once; 0 for at
     * once.
     */
    private Duration window = ChatServerBuilder.DEFAULT_PRESENCE_WINDOW;

    /**
     * A room with more online users than this is large: members get the online count instead of
     * names, and typing and read receipts are not forwarded.
     */
    private int largeRoomThreshold = ChatServerBuilder.DEFAULT_LARGE_ROOM_THRESHOLD;

    /** See the field. */
    public Duration getWindow() {
      return window;
    }

    /** See the field. */
    public void setWindow(Duration window) {
      this.window = window;
    }

    /** See the field. */
    public int getLargeRoomThreshold() {
      return largeRoomThreshold;
    }

    /** See the field. */
    public void setLargeRoomThreshold(int largeRoomThreshold) {
      this.largeRoomThreshold = largeRoomThreshold;
    }
  }

  /**
   * WebSocket compression with {@code permessage-deflate}, for clients that offer it (browsers do).
   * Off unless enabled. Not thread-safe.
   */
  public static class Compression {
    /** Whether to negotiate permessage-deflate with clients that offer it. */
    private boolean enabled;

    /** Outgoing messages smaller than this many bytes are sent uncompressed. */
    private int minMessageBytes = WebSocketCompression.DEFAULT_MIN_MESSAGE_BYTES;

    /** Deflate level for outgoing messages, 1 (fastest) to 9 (smallest). */
    private int level = WebSocketCompression.DEFAULT_LEVEL;

    /** Whether the server's compressor keeps its window from one message to the next. */
    private boolean serverContextTakeover = true;

    /** Whether clients may keep their compressor's window from one message to the next. */
    private boolean clientContextTakeover = true;

    /** See the field. */
    public boolean isEnabled() {
      return enabled;
    }

    /** See the field. */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** See the field. */
    public int getMinMessageBytes() {
      return minMessageBytes;
    }

    /** See the field. */
    public void setMinMessageBytes(int minMessageBytes) {
      this.minMessageBytes = minMessageBytes;
    }

    /** See the field. */
    public int getLevel() {
      return level;
    }

    /** See the field. */
    public void setLevel(int level) {
      this.level = level;
    }

    /** See the field. */
    public boolean isServerContextTakeover() {
      return serverContextTakeover;
    }

    /** See the field. */
    public void setServerContextTakeover(boolean serverContextTakeover) {
      this.serverContextTakeover = serverContextTakeover;
    }

    /** See the field. */
    public boolean isClientContextTakeover() {
      return clientContextTakeover;
    }

    /** See the field. */
    public void setClientContextTakeover(boolean clientContextTakeover) {
      this.clientContextTakeover = clientContextTakeover;
    }
  }

  /**
   * The certificate for {@code wss://} and {@code https://}: PEM files, or a key store, not both.
   * Nothing set: plain {@code ws://}. Not thread-safe.
   */
  public static class Tls {
    /**
     * PEM file with the server's certificate first, then its intermediates. Goes with private-key.
     */
    private Path certificateChain;

    /** PEM file with the certificate's private key (PKCS#8, unencrypted, RSA or EC). */
    private Path privateKey;

    /** Key store file with the server's key entry and its certificate chain. */
    private Path keyStore;

    /** Password of the key store and of its key entry. */
    private String keyStorePassword;

    /** Type of the key store ("PKCS12", "JKS"). */
    private String keyStoreType = "PKCS12";

    /** See the field. */
    public Path getCertificateChain() {
      return certificateChain;
    }

    /** See the field. */
    public void setCertificateChain(Path certificateChain) {
      this.certificateChain = certificateChain;
    }

    /** See the field. */
    public Path getPrivateKey() {
      return privateKey;
    }

    /** See the field. */
    public void setPrivateKey(Path privateKey) {
      this.privateKey = privateKey;
    }

    /** See the field. */
    public Path getKeyStore() {
      return keyStore;
    }

    /** See the field. */
    public void setKeyStore(Path keyStore) {
      this.keyStore = keyStore;
    }

    /** See the field. */
    public String getKeyStorePassword() {
      return keyStorePassword;
    }

    /** See the field. */
    public void setKeyStorePassword(String keyStorePassword) {
      this.keyStorePassword = keyStorePassword;
    }

    /** See the field. */
    public String getKeyStoreType() {
      return keyStoreType;
    }

    /** See the field. */
    public void setKeyStoreType(String keyStoreType) {
      this.keyStoreType = keyStoreType;
    }
  }

  /** Authenticators made from properties. Not thread-safe. */
  public static class Auth {
    private final Jwt jwt = new Jwt();

    /** The JWT authenticator's settings ({@code parley.auth.jwt.*}). */
    public Jwt getJwt() {
      return jwt;
    }
  }

  /**
   * A {@code JwtAuthenticator}, made when chat-auth-jwt is on the class path, jwks-uri or
   * public-key-pem is set and the application has no Authenticator bean. Not thread-safe.
   */
  public static class Jwt {
    /** URI of the issuer's JWKS document (its public keys). Or public-key-pem, not both. */
    private URI jwksUri;

    /** PEM file with the issuer's public keys ("BEGIN PUBLIC KEY" blocks). Or jwks-uri. */
    private Path publicKeyPem;

    /** Signature algorithms accepted ("ES256", "RS256"...). Required. */
    private List<String> algorithms = new ArrayList<>();

    /** The issuer every token's "iss" must equal. Required. */
    private String issuer;

    /** The audience every token's "aud" must include. Required. */
    private String audience;

    /** How far the issuer's clock and this server's may disagree (exp, nbf); at most 5 minutes. */
    private Duration clockSkew = Duration.ofSeconds(30);

    /** The claim whose value is the Parley user id. */
    private String userClaim = "sub";

    /** The claim listing the user's server-wide roles. Unset: tokens grant no roles. */
    private String rolesClaim;

    /** See the field. */
    public URI getJwksUri() {
      return jwksUri;
    }

    /** See the field. */
    public void setJwksUri(URI jwksUri) {
      this.jwksUri = jwksUri;
    }

    /** See the field. */
    public Path getPublicKeyPem() {
      return publicKeyPem;
    }

    /** See the field. */
    public void setPublicKeyPem(Path publicKeyPem) {
      this.publicKeyPem = publicKeyPem;
    }

    /** See the field. */
    public List<String> getAlgorithms() {
      return algorithms;
    }

    /** See the field. */
    public void setAlgorithms(List<String> algorithms) {
      this.algorithms = algorithms;
    }

    /** See the field. */
    public String getIssuer() {
      return issuer;
    }

    /** See the field. */
    public void setIssuer(String issuer) {
      this.issuer = issuer;
    }

    /** See the field. */
    public String getAudience() {
      return audience;
    }

    /** See the field. */
    public void setAudience(String audience) {
      this.audience = audience;
    }

    /** See the field. */
    public Duration getClockSkew() {
      return clockSkew;
    }

    /** See the field. */
    public void setClockSkew(Duration clockSkew) {
      this.clockSkew = clockSkew;
    }

    /** See the field. */
    public String getUserClaim() {
      return userClaim;
    }

    /** See the field. */
    public void setUserClaim(String userClaim) {
      this.userClaim = userClaim;
    }

    /** See the field. */
    public String getRolesClaim() {
      return rolesClaim;
    }

    /** See the field. */
    public void setRolesClaim(String rolesClaim) {
      this.rolesClaim = rolesClaim;
    }
  }
}
