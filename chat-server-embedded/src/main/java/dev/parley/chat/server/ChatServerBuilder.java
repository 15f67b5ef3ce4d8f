package dev.parley.chat.server;

import com.sun.net.httpserver.HttpHandler;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * Configures a {@link ChatServer}. Not thread-safe; the server it builds is. Setters validate at
 * once and name the bad value; {@link #build()} checks the combination.
 */
public final class ChatServerBuilder {
  /**
   * Default bind host: all interfaces. With {@link DevelopmentAuthenticator} the default is {@link
   * #DEVELOPMENT_HOST} instead.
   */
  public static final String DEFAULT_HOST = "0.0.0.0";

  /**
   * Default bind host of a server whose authenticator is {@link DevelopmentAuthenticator} (anyone
   * may connect as anyone): loopback only, unless {@link #host(String)} asks for another address.
   */
  public static final String DEVELOPMENT_HOST = "127.0.0.1";

  /** Default WebSocket port. */
  public static final int DEFAULT_PORT = 8080;

  /** Default HTTP side port ({@code /healthz}, {@code /readyz}, pages). */
  public static final int DEFAULT_HTTP_PORT = 8081;

  /** Default largest inbound WebSocket message: 64 KiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = Protocol.DEFAULT_MAX_FRAME_BYTES;

  /** Default most fragments one WebSocket message may arrive in. */
  public static final int DEFAULT_MAX_FRAGMENTS = 64;

  /** Default largest HTTP upgrade request (request line and headers): 8 KiB. */
  public static final int DEFAULT_MAX_HANDSHAKE_BYTES = 8 * 1024;

  /** Default time a socket has to complete the WebSocket upgrade: 5 seconds. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

  /** Default time a new connection has to send Connect and be authenticated: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Default WebSocket ping interval; a peer silent for two intervals is dropped. */
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(15);

  /** Default most open connections. */
  public static final int DEFAULT_MAX_CONNECTIONS = 16_000;

  /**
   * Default per-connection outbound limit: 1 MiB queued and not yet written. A connection over it
   * is closed with {@link dev.parley.chat.protocol.CloseCodes#SLOW_CONSUMER}.
   */
  public static final long DEFAULT_MAX_OUTBOUND_BYTES = 1024 * 1024;

  /** Default most rooms one session may be in at once. */
  public static final int DEFAULT_MAX_ROOMS_PER_SESSION = 256;

  /** Default sustained requests per second per session (sends, joins, history...). */
  public static final int DEFAULT_REQUESTS_PER_SECOND = 200;

  /** Default burst of requests a session may make above the sustained rate. */
  public static final int DEFAULT_REQUEST_BURST = 400;

  /** Default messages the in-memory store keeps per room (oldest dropped first). */
  public static final int DEFAULT_IN_MEMORY_HISTORY = 10_000;

  /** Default period of the catch-up sweep a clustered node runs; see {@link #catchUpInterval}. */
  public static final Duration DEFAULT_CATCH_UP_INTERVAL = Duration.ofSeconds(2);

  private final Function<ChatServerBuilder, ChatServer> factory;
  private String host; // null: not asked for; see host()
  private int port = DEFAULT_PORT;
  private String httpHost;
  private int httpPort = DEFAULT_HTTP_PORT;
  private boolean httpEnabled = true;
  private String path = Protocol.DEFAULT_PATH;
  private String transport;
  private Authenticator authenticator;
  private MessageStore messageStore;
  private ClusterBus clusterBus;
  private Duration catchUpInterval = DEFAULT_CATCH_UP_INTERVAL;
  private RoomPolicy roomPolicy = RoomPolicy.open();
  private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
  private int maxFragments = DEFAULT_MAX_FRAGMENTS;
  private int maxHandshakeBytes = DEFAULT_MAX_HANDSHAKE_BYTES;
  private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
  private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  private Duration pingInterval = DEFAULT_PING_INTERVAL;
  private int maxConnections = DEFAULT_MAX_CONNECTIONS;
  private long maxOutboundBytes = DEFAULT_MAX_OUTBOUND_BYTES;
  private int maxRoomsPerSession = DEFAULT_MAX_ROOMS_PER_SESSION;
  private int maxTextBytes = Protocol.DEFAULT_MAX_TEXT_BYTES;
  private int maxPayloadBytes = Protocol.DEFAULT_MAX_PAYLOAD_BYTES;
  private int requestsPerSecond = DEFAULT_REQUESTS_PER_SECOND;
  private int requestBurst = DEFAULT_REQUEST_BURST;
  private ExecutorService workerExecutor;
  private Clock clock = Clock.systemUTC();
  private Random random;
  private String serverId;
  private final Map<String, HttpHandler> httpHandlers = new LinkedHashMap<>();

  ChatServerBuilder(Function<ChatServerBuilder, ChatServer> factory) {
    this.factory = factory;
  }

  /**
   * The host to bind the WebSocket endpoint to; default {@value #DEFAULT_HOST}, or {@value
   * #DEVELOPMENT_HOST} when the authenticator is {@link DevelopmentAuthenticator}. Calling this
   * method is asking for that address, also with {@code DevelopmentAuthenticator}.
   */
  public ChatServerBuilder host(String host) {
    this.host = requireText("host", host);
    return this;
  }

  /** The WebSocket port; 0 picks a free one (see {@link ChatServer#address()}). */
  public ChatServerBuilder port(int port) {
    this.port = requirePort("port", port);
    return this;
  }

  /**
   * The HTTP side's port; 0 picks a free one. The HTTP side binds the same host as the WebSocket
   * endpoint unless {@link #httpHost(String)} says otherwise.
   */
  public ChatServerBuilder httpPort(int port) {
    this.httpPort = requirePort("httpPort", port);
    this.httpEnabled = true;
    return this;
  }

  /** The host for the HTTP side. */
  public ChatServerBuilder httpHost(String host) {
    this.httpHost = requireText("httpHost", host);
    return this;
  }

  /** Turns the HTTP side off (no health endpoints, no pages). */
  public ChatServerBuilder disableHttp() {
    this.httpEnabled = false;
    return this;
  }

  /**
   * Serves {@code handler} on the HTTP side under {@code path} (for example a web page). Runs on
   * the HTTP side's own executor. {@code /healthz} and {@code /readyz} are reserved.
   */
  public ChatServerBuilder httpHandler(String path, HttpHandler handler) {
    requireText("path", path);
    Objects.requireNonNull(handler, "handler");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("HTTP path must start with '/', was '" + path + "'");
    }
    if (path.equals("/healthz") || path.equals("/readyz")) {
      throw new IllegalArgumentException(path + " is reserved for the server's health checks");
    }
    if (httpHandlers.putIfAbsent(path, handler) != null) {
      throw new IllegalArgumentException("a handler for " + path + " was already added");
    }
    return this;
  }

  /** The WebSocket endpoint's path; default {@value Protocol#DEFAULT_PATH}. */
  public ChatServerBuilder path(String path) {
    requireText("path", path);
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/', was '" + path + "'");
    }
    this.path = path;
    return this;
  }

  /** Selects the server transport by name instead of the highest-priority one found. */
  public ChatServerBuilder transport(String name) {
    this.transport = requireText("transport", name);
    return this;
  }

  /**
   * Who the connecting clients are. Required: there is no default, so that no server goes to
   * production accepting anyone. For demos and tests use {@link
   * DevelopmentAuthenticator#ANY_NICKNAME}.
   */
  public ChatServerBuilder authenticator(Authenticator authenticator) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    return this;
  }

  /**
   * Where messages are kept. Default: an {@link InMemoryMessageStore} keeping {@value
   * #DEFAULT_IN_MEMORY_HISTORY} messages per room, lost when the process ends. The server closes
   * the store when it closes.
   */
  public ChatServerBuilder messageStore(MessageStore store) {
    this.messageStore = Objects.requireNonNull(store, "store");
    return this;
  }

  /** Who may join which room; default {@link RoomPolicy#open()}. */
  public ChatServerBuilder roomPolicy(RoomPolicy policy) {
    this.roomPolicy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /** Largest inbound WebSocket message; default {@value #DEFAULT_MAX_MESSAGE_BYTES}. */
  public ChatServerBuilder maxMessageBytes(int bytes) {
    this.maxMessageBytes = requireAtLeast("maxMessageBytes", bytes, 1024);
    return this;
  }

  /** Most fragments per WebSocket message; default {@value #DEFAULT_MAX_FRAGMENTS}. */
  public ChatServerBuilder maxFragmentsPerMessage(int fragments) {
    this.maxFragments = requireAtLeast("maxFragmentsPerMessage", fragments, 1);
    return this;
  }

  /** Largest HTTP upgrade request; default {@value #DEFAULT_MAX_HANDSHAKE_BYTES}. */
  public ChatServerBuilder maxHandshakeBytes(int bytes) {
    this.maxHandshakeBytes = requireAtLeast("maxHandshakeBytes", bytes, 512);
    return this;
  }

  /** Time a socket has to complete the upgrade; default 5 seconds. */
  public ChatServerBuilder handshakeTimeout(Duration timeout) {
    this.handshakeTimeout = requirePositive("handshakeTimeout", timeout);
    return this;
  }

  /** Time a connection has to send Connect and be authenticated; default 10 seconds. */
  public ChatServerBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = requirePositive("connectTimeout", timeout);
    return this;
  }

  /** WebSocket ping interval; default 15 seconds. */
  public ChatServerBuilder pingInterval(Duration interval) {
    this.pingInterval = requirePositive("pingInterval", interval);
    return this;
  }

  /** Most open connections; default {@value #DEFAULT_MAX_CONNECTIONS}. */
  public ChatServerBuilder maxConnections(int connections) {
    this.maxConnections = requireAtLeast("maxConnections", connections, 1);
    return this;
  }

  /**
   * Bytes a connection may have queued and unwritten before it is closed as a slow consumer;
   * default 1 MiB.
   */
  public ChatServerBuilder maxOutboundBytes(long bytes) {
    if (bytes < 4096) {
      throw new IllegalArgumentException("maxOutboundBytes must be at least 4096, was " + bytes);
    }
    this.maxOutboundBytes = bytes;
    return this;
  }

  /** Most rooms one session may be in; default {@value #DEFAULT_MAX_ROOMS_PER_SESSION}. */
  public ChatServerBuilder maxRoomsPerSession(int rooms) {
    this.maxRoomsPerSession = requireAtLeast("maxRoomsPerSession", rooms, 1);
    return this;
  }

  /** Largest message text in UTF-8 bytes; default 16 KiB. */
  public ChatServerBuilder maxTextBytes(int bytes) {
    this.maxTextBytes = requireAtLeast("maxTextBytes", bytes, 1);
    return this;
  }

  /** Largest message payload; default 32 KiB. */
  public ChatServerBuilder maxPayloadBytes(int bytes) {
    this.maxPayloadBytes = requireAtLeast("maxPayloadBytes", bytes, 0);
    return this;
  }

  /**
   * Per-session request rate: {@code perSecond} sustained, bursts up to {@code burst}. Requests
   * over it get error {@code RATE_LIMITED}; a session that keeps flooding is closed with {@link
   * dev.parley.chat.protocol.CloseCodes#FLOODING}.
   */
  public ChatServerBuilder requestRate(int perSecond, int burst) {
    requireAtLeast("perSecond", perSecond, 1);
    if (burst < perSecond) {
      throw new IllegalArgumentException(
          "burst " + burst + " must be at least perSecond " + perSecond);
    }
    this.requestsPerSecond = perSecond;
    this.requestBurst = burst;
    return this;
  }

  /**
   * Threads for the authenticator, the room policy and store continuations. Default: a fixed pool
   * of daemon threads (one per core, at least 2) owned and shut down by the server. A supplied
   * executor is not shut down by the server.
   */
  public ChatServerBuilder workerExecutor(ExecutorService executor) {
    this.workerExecutor = Objects.requireNonNull(executor, "executor");
    return this;
  }

  /** The clock for message timestamps, rate limits and deadlines; default UTC system clock. */
  public ChatServerBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * The randomness for message and session ids; default a new {@link java.security.SecureRandom}.
   */
  public ChatServerBuilder random(Random random) {
    this.random = Objects.requireNonNull(random, "random");
    return this;
  }

  /**
   * Makes this server one node of a cluster: the nodes share rooms through {@code bus} (for example
   * {@code RedisClusterBus} from {@code chat-cluster-redis}), and must also share one {@link
   * #messageStore(MessageStore) store}, which orders each room and dedupes resends for all of them.
   * The server starts the bus with its {@link #serverId(String) id} and closes it when it stops.
   * Default: none, a single node.
   */
  public ChatServerBuilder clusterBus(ClusterBus bus) {
    this.clusterBus = Objects.requireNonNull(bus, "bus");
    return this;
  }

  /**
   * How often a clustered node checks each room it serves against the store, delivering what the
   * bus lost and refreshing who is online on other nodes; default {@link
   * #DEFAULT_CATCH_UP_INTERVAL}. This bounds how late a message can reach this node's clients while
   * the bus is down. Only used with a {@link #clusterBus(ClusterBus) cluster bus}.
   */
  public ChatServerBuilder catchUpInterval(Duration interval) {
    this.catchUpInterval = requirePositive("catchUpInterval", interval);
    return this;
  }

  /** This node's id, reported in Welcome; default a random one. */
  public ChatServerBuilder serverId(String id) {
    this.serverId = requireText("serverId", id);
    return this;
  }

  // --- Hooks (MessageHook, SessionListener) ---

  /** Default for {@link #hookTimeout(Duration)}: 2 seconds. */
  public static final Duration DEFAULT_HOOK_TIMEOUT = Duration.ofSeconds(2);

  private final List<MessageHook> messageHooks = new ArrayList<>();
  private final List<SessionListener> sessionListeners = new ArrayList<>();
  private Duration hookTimeout = DEFAULT_HOOK_TIMEOUT;

  /**
   * Adds a hook on the message path: it screens every message before it is stored (accept, reject,
   * rewrite) and learns of it after. Hooks run in the order they were added, on the worker
   * executor, never on a transport thread; see {@link MessageHook} for threads, order and what a
   * failing hook means for the sender. Default: none.
   */
  public ChatServerBuilder messageHook(MessageHook hook) {
    messageHooks.add(Objects.requireNonNull(hook, "hook"));
    return this;
  }

  /**
   * Adds a listener for sessions connecting and disconnecting and members joining and leaving
   * rooms; see {@link SessionListener}. Default: none.
   */
  public ChatServerBuilder sessionListener(SessionListener listener) {
    sessionListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * How long {@link MessageHook#beforeStore} may take for one message, counted from when the
   * message reaches its room's lane; default {@link #DEFAULT_HOOK_TIMEOUT}. Past it the sender gets
   * {@code UNAVAILABLE} and may resend. Keep it well below the clients' request timeout (30 s for
   * the Java client).
   */
  public ChatServerBuilder hookTimeout(Duration timeout) {
    this.hookTimeout = requirePositive("hookTimeout", timeout);
    return this;
  }

  /** The message hooks, in the order they were added. */
  public List<MessageHook> messageHooks() {
    return List.copyOf(messageHooks);
  }

  /** The session listeners, in the order they were added. */
  public List<SessionListener> sessionListeners() {
    return List.copyOf(sessionListeners);
  }

  /** The budget of a before-store hook call. */
  public Duration hookTimeout() {
    return hookTimeout;
  }

  /**
   * Builds the server (not started).
   *
   * @throws IllegalStateException if no authenticator was set, if {@code port} and {@code httpPort}
   *     are the same (non-zero) port while the HTTP side is on, or if the message limits do not fit
   *     in {@code maxMessageBytes}
   */
  public ChatServer build() {
    if (httpEnabled && port != 0 && port == httpPort) {
      throw new IllegalStateException(
          "port and httpPort are both "
              + port
              + ": the WebSocket endpoint and the HTTP side (/healthz, /readyz, pages) each need"
              + " their own port; call httpPort(...) with another port (default "
              + DEFAULT_HTTP_PORT
              + "), or disableHttp()");
    }
    if (authenticator == null) {
      throw new IllegalStateException(
          "no authenticator: call authenticator(yourAuthenticator), or for demos and tests only"
              + " authenticator(DevelopmentAuthenticator.ANY_NICKNAME)");
    }
    if (maxTextBytes + maxPayloadBytes + 1024 > maxMessageBytes) {
      throw new IllegalStateException(
          "maxTextBytes ("
              + maxTextBytes
              + ") + maxPayloadBytes ("
              + maxPayloadBytes
              + ") + 1024 bytes of framing must fit in maxMessageBytes ("
              + maxMessageBytes
              + "); raise maxMessageBytes or lower the others");
    }
    return factory.apply(this);
  }

  // Read by the implementation.

  /** The WebSocket bind host: the one asked for, else the default for the authenticator. */
  public String host() {
    if (host != null) {
      return host;
    }
    return authenticator instanceof DevelopmentAuthenticator ? DEVELOPMENT_HOST : DEFAULT_HOST;
  }

  /** The WebSocket port (0: any). */
  public int port() {
    return port;
  }

  /** The HTTP bind host. */
  public String httpHost() {
    return httpHost == null ? host() : httpHost;
  }

  /** The HTTP port (0: any). */
  public int httpPort() {
    return httpPort;
  }

  /** Whether the HTTP side runs. */
  public boolean httpEnabled() {
    return httpEnabled;
  }

  /** Extra HTTP handlers by path. */
  public Map<String, HttpHandler> httpHandlers() {
    return Map.copyOf(httpHandlers);
  }

  /** The WebSocket path. */
  public String path() {
    return path;
  }

  /** The requested transport name, or {@code null}. */
  public String transportName() {
    return transport;
  }

  /** The authenticator. */
  public Authenticator authenticator() {
    return authenticator;
  }

  /** The store given, or {@code null} for the default in-memory one. */
  public MessageStore messageStore() {
    return messageStore;
  }

  /** The cluster bus given, or {@code null} for a single node. */
  public ClusterBus clusterBus() {
    return clusterBus;
  }

  /** See {@link #catchUpInterval(Duration)}. */
  public Duration catchUpInterval() {
    return catchUpInterval;
  }

  /** The room policy. */
  public RoomPolicy roomPolicy() {
    return roomPolicy;
  }

  /** See {@link #maxMessageBytes(int)}. */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** See {@link #maxFragmentsPerMessage(int)}. */
  public int maxFragmentsPerMessage() {
    return maxFragments;
  }

  /** See {@link #maxHandshakeBytes(int)}. */
  public int maxHandshakeBytes() {
    return maxHandshakeBytes;
  }

  /** See {@link #handshakeTimeout(Duration)}. */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /** See {@link #connectTimeout(Duration)}. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** See {@link #pingInterval(Duration)}. */
  public Duration pingInterval() {
    return pingInterval;
  }

  /** See {@link #maxConnections(int)}. */
  public int maxConnections() {
    return maxConnections;
  }

  /** See {@link #maxOutboundBytes(long)}. */
  public long maxOutboundBytes() {
    return maxOutboundBytes;
  }

  /** See {@link #maxRoomsPerSession(int)}. */
  public int maxRoomsPerSession() {
    return maxRoomsPerSession;
  }

  /** See {@link #maxTextBytes(int)}. */
  public int maxTextBytes() {
    return maxTextBytes;
  }

  /** See {@link #maxPayloadBytes(int)}. */
  public int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  /** See {@link #requestRate(int, int)}. */
  public int requestsPerSecond() {
    return requestsPerSecond;
  }

  /** See {@link #requestRate(int, int)}. */
  public int requestBurst() {
    return requestBurst;
  }

  /** The worker executor given, or {@code null} for the default. */
  public ExecutorService workerExecutor() {
    return workerExecutor;
  }

  /** The clock. */
  public Clock clock() {
    return clock;
  }

  /** The random given, or {@code null} for the default. */
  public Random random() {
    return random;
  }

  /** The server id given, or {@code null} for a random one. */
  public String serverId() {
    return serverId;
  }

  private static String requireText(String what, String value) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return value;
  }

  private static int requirePort(String what, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(what + " must be 0 to 65535, was " + port);
    }
    return port;
  }

  private static int requireAtLeast(String what, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(what + " must be at least " + min + ", was " + value);
    }
    return value;
  }

  private static Duration requirePositive(String what, Duration value) {
    Objects.requireNonNull(value, what);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + value);
    }
    return value;
  }
}
