package dev.parley.chat.server;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.server.internal.AbuseLimits;
import dev.parley.chat.server.internal.AccessSettings;
import dev.parley.chat.server.internal.BreakerSettings;
import dev.parley.chat.server.internal.PresenceSettings;
import dev.parley.chat.server.internal.ServerSettings;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.EventSink;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.OriginPolicy;
import dev.parley.chat.spi.RoomAccessStore;
import dev.parley.chat.spi.ServerTls;
import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.spi.WebSocketCompression;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Configures a {@link ChatServer}. Not thread-safe: configure it on one thread. The server it
 * builds is thread-safe and does not see later changes to the builder: {@link #build()} validates
 * and copies every setting into the server.
 *
 * <p>Setters validate at once and name the bad value. Calling a setter again replaces the earlier
 * value (so that a shared base configuration can be refined), except where two calls contradict
 * each other; those fail at once with a message that says which call to remove: turning the HTTP
 * side off and configuring it, naming a transport and giving one, adding the same HTTP path twice.
 * {@link #build()} checks the combination.
 *
 * <p><b>Who owns what you pass in.</b> The server closes or shuts down only what it created itself:
 * its default in-memory store, its default worker pool, its timer, its HTTP side and its transport.
 * What the application passes in stays the application's, to close after the server: the {@link
 * #messageStore(MessageStore) store}, the {@link #workerExecutor(Executor) worker executor}, the
 * {@link #authenticator(Authenticator) authenticator}, the {@link #roomPolicy(RoomPolicy) room
 * policy}, the {@link #transport(ServerTransportProvider) transport provider}, the clock and the
 * random. The one exception is the {@link #clusterBus(ClusterBus) cluster bus}: the server joins
 * the cluster with it on {@link ChatServer#start()} and leaves (closes it) on {@link
 * ChatServer#close()}, because a bus serves exactly one node and cannot be started twice.
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

  /**
   * Default WebSocket port: 7450. Not 8080: the server runs inside an application that often
   * already serves HTTP on 8080 (Tomcat, Jetty, Spring Boot) or 8081 (their management port), and a
   * clash there would stop the application from starting.
   */
  public static final int DEFAULT_PORT = 7450;

  /**
   * Default HTTP side port ({@code /healthz}, {@code /readyz}, pages): 7451, next to the WebSocket.
   */
  public static final int DEFAULT_HTTP_PORT = 7451;

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

  /**
   * Default for {@link #tokenExpiryLead(Duration)}: a session is told 60 seconds before its
   * credentials expire (or half their remaining lifetime before, if that is shorter).
   */
  public static final Duration DEFAULT_TOKEN_EXPIRY_LEAD = Duration.ofSeconds(60);

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

  private final Function<ServerSettings, ChatServer> factory;
  private String host; // null: not asked for; see resolvedHost()
  private int port = DEFAULT_PORT;
  private String httpHost;
  private Integer httpPort; // null: not asked for (DEFAULT_HTTP_PORT)
  private boolean serverSentEvents = true;
  private boolean httpDisabled;
  private String path = Protocol.DEFAULT_PATH;
  private String transportName;
  private ServerTransportProvider transport;
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
  private Duration tokenExpiryLead = DEFAULT_TOKEN_EXPIRY_LEAD;
  private Duration pingInterval = DEFAULT_PING_INTERVAL;
  private int maxConnections = DEFAULT_MAX_CONNECTIONS;
  private long maxOutboundBytes = DEFAULT_MAX_OUTBOUND_BYTES;
  private int maxRoomsPerSession = DEFAULT_MAX_ROOMS_PER_SESSION;
  private int maxTextBytes = Protocol.DEFAULT_MAX_TEXT_BYTES;
  private int maxPayloadBytes = Protocol.DEFAULT_MAX_PAYLOAD_BYTES;
  private int requestsPerSecond = DEFAULT_REQUESTS_PER_SECOND;
  private int requestBurst = DEFAULT_REQUEST_BURST;
  private Executor workerExecutor;
  private boolean catchUpIntervalSet;
  private Clock clock = Clock.systemUTC();
  private Random random;
  private String serverId;
  private final Map<String, PageHandler> httpHandlers = new LinkedHashMap<>();
  // Object, not MeterRegistry: the builder must load and run without Micrometer.
  private Object meterRegistry = ServerSettings.GLOBAL_METER_REGISTRY;
  private ServerTls tls;
  private WebSocketCompression compression = WebSocketCompression.disabled();
  private AttachmentOptions attachments;
  private EventOptions events;

  ChatServerBuilder(Function<ServerSettings, ChatServer> factory) {
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

  /**
   * The WebSocket port; default {@value #DEFAULT_PORT}, 0 picks a free one (see {@link
   * ChatServer#address()}).
   */
  public ChatServerBuilder port(int port) {
    this.port = requirePort("port", port);
    return this;
  }

  /**
   * Serves {@code wss://} instead of {@code ws://}, and {@code https://} on the HTTP side (which
   * then also sends {@code Strict-Transport-Security}), with this certificate; default none
   * (plain). Build it with {@link ServerTls#fromPem} or {@link ServerTls#fromKeyStore}; keep it to
   * {@link ServerTls#reload() reload} the certificate while the server runs. TLS 1.3 and 1.2 only.
   * See docs/security.md, "Transport security".
   */
  public ChatServerBuilder tls(ServerTls tls) {
    this.tls = Objects.requireNonNull(tls, "tls");
    return this;
  }

  /**
   * Compresses WebSocket messages with {@code permessage-deflate} (RFC 7692) for clients that offer
   * it (browsers do; Parley's Java client does not, and gets uncompressed frames); default {@link
   * WebSocketCompression#disabled()}. {@link WebSocketCompression#permessageDeflate()} turns it on
   * with the defaults. An incoming compressed message is held to {@link #maxMessageBytes} after
   * inflating too. Costs CPU and about 300 KiB of native memory per compressing connection; see
   * docs/operations.md, "Compression".
   */
  public ChatServerBuilder compression(WebSocketCompression compression) {
    this.compression = Objects.requireNonNull(compression, "compression");
    return this;
  }

  /**
   * The HTTP side's port; default {@value #DEFAULT_HTTP_PORT}, 0 picks a free one. The HTTP side
   * binds the same host as the WebSocket endpoint unless {@link #httpHost(String)} says otherwise.
   *
   * @throws IllegalStateException if the HTTP side was turned off with {@link #disableHttp()}
   */
  public ChatServerBuilder httpPort(int port) {
    requirePort("httpPort", port);
    requireHttpOn("httpPort(" + port + ")");
    this.httpPort = port;
    return this;
  }

  /**
   * The host for the HTTP side; default the WebSocket endpoint's host.
   *
   * @throws IllegalStateException if the HTTP side was turned off with {@link #disableHttp()}
   */
  public ChatServerBuilder httpHost(String host) {
    requireText("httpHost", host);
    requireHttpOn("httpHost(\"" + host + "\")");
    this.httpHost = host;
    return this;
  }

  /**
   * Whether the HTTP side also speaks the protocol over Server-Sent Events and POSTs, for clients
   * whose network breaks WebSocket upgrades; default true. The endpoint is the WebSocket path with
   * {@code /sse} appended ({@code /chat/sse}), on the HTTP side's port, with the same
   * authentication, limits and guarantees (docs/protocol.md, "Server-Sent Events"). Without the
   * HTTP side there is none.
   */
  public ChatServerBuilder serverSentEvents(boolean enabled) {
    this.serverSentEvents = enabled;
    return this;
  }

  /**
   * Turns events on: what happens on the server (messages stored, rooms created, members joining
   * and leaving, users going online and offline) goes to the sink of {@code options}, through the
   * message store's outbox, off the send path (docs/events.md). The server closes the sink when it
   * stops. Default: off.
   */
  public ChatServerBuilder events(EventOptions options) {
    this.events = Objects.requireNonNull(options, "options");
    return this;
  }

  /** Turns events on with every default: {@code events(EventOptions.of(sink))}. */
  public ChatServerBuilder events(EventSink sink) {
    return events(EventOptions.of(sink));
  }

  /**
   * Turns attachments on: files are uploaded over the HTTP side ({@code <path>/uploads}, the tus
   * protocol), stored in the options' blob store, attached to messages by upload token and
   * downloaded from signed links (docs/attachments.md). Default: off, and a Send with attachments
   * is refused. The blob store stays the application's.
   *
   * @throws IllegalStateException if the HTTP side was turned off with {@link #disableHttp()}
   */
  public ChatServerBuilder attachments(AttachmentOptions options) {
    Objects.requireNonNull(options, "options");
    requireHttpOn("attachments(...)");
    this.attachments = options;
    return this;
  }

  /**
   * Turns the HTTP side off (no health endpoints, no pages).
   *
   * @throws IllegalStateException if the HTTP side was configured with {@link #httpPort(int)},
   *     {@link #httpHost(String)} or {@link #httpHandler(String, PageHandler)}: one of the two
   *     calls is a mistake
   */
  public ChatServerBuilder disableHttp() {
    String configured =
        httpPort != null
            ? "httpPort(" + httpPort + ")"
            : httpHost != null
                ? "httpHost(\"" + httpHost + "\")"
                : attachments != null
                    ? "attachments(...)"
                    : httpHandlers.isEmpty()
                        ? null
                        : "httpHandler(\"" + httpHandlers.keySet().iterator().next() + "\", ...)";
    if (configured != null) {
      throw new IllegalStateException(
          "the HTTP side was configured with "
              + configured
              + "; remove that call, or remove disableHttp() to keep the HTTP side");
    }
    this.httpDisabled = true;
    return this;
  }

  /**
   * Serves {@code handler} on the HTTP side under {@code path} (for example a web page): requests
   * whose path starts with {@code path} reach it (the longest matching path wins). Runs on the HTTP
   * side's own threads. {@code /healthz} and {@code /readyz} are reserved; each path may be added
   * once. The handler stays the application's.
   *
   * @throws IllegalArgumentException if {@code path} does not start with {@code /} or is reserved
   * @throws IllegalStateException if the HTTP side was turned off with {@link #disableHttp()}, or a
   *     handler for {@code path} was already added
   */
  public ChatServerBuilder httpHandler(String path, PageHandler handler) {
    requireText("path", path);
    Objects.requireNonNull(handler, "handler");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("HTTP path must start with '/', was '" + path + "'");
    }
    if (path.equals("/healthz") || path.equals("/readyz")) {
      throw new IllegalArgumentException(
          path
              + " is reserved for the server's health checks; serve your handler under another path");
    }
    requireHttpOn("httpHandler(\"" + path + "\", ...)");
    if (httpHandlers.containsKey(path)) {
      throw new IllegalStateException(
          "a handler for "
              + path
              + " was already added; add each path once (one handler can serve several files"
              + " below it)");
    }
    httpHandlers.put(path, handler);
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

  /**
   * Selects the server transport by name among those found with {@link java.util.ServiceLoader},
   * instead of the highest-priority one: {@code "netty"} (the default, which this module depends
   * on) or {@code "java-websocket"} (add {@code dev.parley:chat-transport-jws}), or a third-party
   * transport's name.
   *
   * @throws IllegalStateException if a transport was given with {@link
   *     #transport(ServerTransportProvider)}
   */
  public ChatServerBuilder transport(String name) {
    requireText("transport", name);
    if (transport != null) {
      throw new IllegalStateException(
          "a transport was already given with transport(provider) ('"
              + transport.name()
              + "'); remove that call to select '"
              + name
              + "' by name");
    }
    this.transportName = name;
    return this;
  }

  /**
   * Uses {@code provider} as the server transport, without looking on the class path: for a
   * transport the application configures itself, or one the {@link java.util.ServiceLoader} cannot
   * see. The provider stays the application's; the server closes only the transport it creates with
   * it.
   *
   * @throws IllegalStateException if a transport was named with {@link #transport(String)}
   */
  public ChatServerBuilder transport(ServerTransportProvider provider) {
    Objects.requireNonNull(provider, "provider");
    if (transportName != null) {
      throw new IllegalStateException(
          "the transport was already selected by name with transport(\""
              + transportName
              + "\"); remove that call to give a transport instance");
    }
    this.transport = provider;
    return this;
  }

  /**
   * Who the connecting clients are. Required: there is no default, so that no server goes to
   * production accepting anyone. For demos and tests use {@link
   * DevelopmentAuthenticator#ANY_NICKNAME}. Called on the worker executor; it stays the
   * application's (the server never closes it).
   */
  public ChatServerBuilder authenticator(Authenticator authenticator) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    return this;
  }

  /**
   * Where messages are kept. Default: an {@link InMemoryMessageStore} keeping {@value
   * #DEFAULT_IN_MEMORY_HISTORY} messages per room, lost when the process ends, created and closed
   * by the server. A store passed here stays the application's: the server does not close it, so
   * close it after {@link ChatServer#close()} (it may outlive the server, or serve several).
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

  /**
   * How long before a session's credentials expire the server tells the client ({@code
   * TokenExpiring}), so that it can send fresh ones ({@code Reauthenticate}); default {@link
   * #DEFAULT_TOKEN_EXPIRY_LEAD}. When the credentials have less than twice this left at Connect (or
   * at the last refresh), the client is told halfway through their remaining lifetime instead. A
   * session whose credentials expire without fresh ones is closed with {@link
   * dev.parley.chat.protocol.CloseCodes#TOKEN_EXPIRED}. Only sessions whose {@link
   * dev.parley.chat.spi.Authenticator#identify} returned an expiry are concerned.
   */
  public ChatServerBuilder tokenExpiryLead(Duration lead) {
    this.tokenExpiryLead = requirePositive("tokenExpiryLead", lead);
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
   * Threads for the authenticator and the room policy. Default: a fixed pool of daemon threads
   * named {@code parley-worker-N} (one per core, at least 2), created and shut down by the server.
   * An executor passed here stays the application's: the server never shuts it down. It must not
   * run tasks on the calling thread (the caller may be a transport I/O thread).
   */
  public ChatServerBuilder workerExecutor(Executor executor) {
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
   * The server starts the bus with its {@link #serverId(String) id} and closes it when it stops (a
   * bus serves one node and cannot be restarted): give each server its own bus. Default: none, a
   * single node.
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
    this.catchUpIntervalSet = true;
    return this;
  }

  /** This node's id, reported in Welcome; default a random one. */
  public ChatServerBuilder serverId(String id) {
    this.serverId = requireText("serverId", id);
    return this;
  }

  /**
   * Where the server records its meters (connections, handshakes, frames, send-to-ack and
   * send-to-delivery latency, fan-out, slow consumers, errors by code, store appends...; the list
   * is in {@code docs/metrics.md}). Micrometer ({@code io.micrometer:micrometer-core}) is an
   * optional dependency: call this only with Micrometer on the class path. Default: Micrometer's
   * {@code Metrics.globalRegistry} when Micrometer is on the class path, and nothing when it is not
   * (no Micrometer class is loaded then). {@code null} records nothing, even with Micrometer
   * present.
   *
   * <p>The library binds no JVM or process meters; bind Micrometer's own binders (for example
   * {@code JvmMemoryMetrics}) where the application creates its registry.
   */
  // An application that calls this reads micrometer.core itself (it made the registry); the
  // server requires it "static", so applications without metrics need not have it.
  @SuppressWarnings("exports")
  public ChatServerBuilder meterRegistry(MeterRegistry registry) {
    this.meterRegistry = registry;
    return this;
  }

  // --- Room access: visibility, roles, bans, mutes ---

  /** Default for {@link #accessCacheTtl(Duration)}: 5 seconds. */
  public static final Duration DEFAULT_ACCESS_CACHE_TTL = Duration.ofSeconds(5);

  /** Default for {@link #accessCacheMaxEntries(int)}. */
  public static final int DEFAULT_ACCESS_CACHE_MAX_ENTRIES = 100_000;

  private RoomAccessStore roomAccessStore;
  private Duration accessCacheTtl = DEFAULT_ACCESS_CACHE_TTL;
  private int accessCacheMaxEntries = DEFAULT_ACCESS_CACHE_MAX_ENTRIES;

  /**
   * Where rooms' visibility, members' roles, bans and mutes are kept. Default: an {@link
   * InMemoryRoomAccessStore}, lost when the process ends and not shared with other nodes; a cluster
   * gives every node the same shared store (such as the JDBC one) so that a ban holds on every
   * node. A store passed here stays the application's: the server does not close it.
   */
  public ChatServerBuilder roomAccessStore(RoomAccessStore store) {
    this.roomAccessStore = Objects.requireNonNull(store, "store");
    return this;
  }

  /**
   * How long a node uses what it read of a user's access to a room before reading it again; default
   * {@link #DEFAULT_ACCESS_CACHE_TTL}. A change made on this node takes effect here at once; one
   * made on another node takes effect here within about this long (members of loaded rooms are
   * checked again every period, so a banned user is removed even while idle). Each period costs one
   * store read per member of a room loaded on this node.
   */
  public ChatServerBuilder accessCacheTtl(Duration ttl) {
    this.accessCacheTtl = requirePositive("accessCacheTtl", ttl);
    return this;
  }

  /**
   * Most (room, user) access entries a node keeps; default {@value
   * #DEFAULT_ACCESS_CACHE_MAX_ENTRIES}. The least recently used go first, and are read again when
   * needed.
   */
  public ChatServerBuilder accessCacheMaxEntries(int entries) {
    this.accessCacheMaxEntries = requireAtLeast("accessCacheMaxEntries", entries, 1);
    return this;
  }

  // --- Presence in busy and large rooms ---

  /** Default for {@link #presenceWindow(Duration)}: 50 milliseconds. */
  public static final Duration DEFAULT_PRESENCE_WINDOW = Duration.ofMillis(50);

  /** Default for {@link #largeRoomThreshold(int)}: 1,000 online users. */
  public static final int DEFAULT_LARGE_ROOM_THRESHOLD = 1_000;

  private Duration presenceWindow = DEFAULT_PRESENCE_WINDOW;
  private int largeRoomThreshold = DEFAULT_LARGE_ROOM_THRESHOLD;

  /**
   * How long a room gathers presence changes (users coming online or going offline in it) before
   * announcing them; default {@link #DEFAULT_PRESENCE_WINDOW}. At the end of the window each member
   * hears each changed user's state once: a client that asked for {@code presence-batch} in one
   * {@code PresenceBatch} frame, any other client in one {@code Presence} frame per changed user.
   * Anything else the room sends (a message, typing, a receipt) first announces what was gathered,
   * so presence never arrives after a message that followed it. {@link Duration#ZERO} announces
   * every change at once, one frame per change. At most 10 seconds.
   */
  public ChatServerBuilder presenceWindow(Duration window) {
    Objects.requireNonNull(window, "window");
    if (window.isNegative() || window.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException(
          "presenceWindow must be between 0 and 10 seconds, not " + window);
    }
    this.presenceWindow = window;
    return this;
  }

  /**
   * From how many online users on a room is large; default {@value #DEFAULT_LARGE_ROOM_THRESHOLD}.
   * In a room with more online users than this, presence and signals would cost every member a
   * frame for every other member: members instead learn the online count ({@code Joined} and {@code
   * PresenceBatch} carry it, without names; clients that did not ask for {@code presence-batch} get
   * no presence frames), and typing and read receipts are not forwarded (receipts are still checked
   * and recorded).
   */
  public ChatServerBuilder largeRoomThreshold(int users) {
    this.largeRoomThreshold = requireAtLeast("largeRoomThreshold", users, 1);
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

  // --- Breakers around the store and the bus ---

  /** Default for {@link #dependencyTimeout(Duration)}: 5 seconds. */
  public static final Duration DEFAULT_DEPENDENCY_TIMEOUT = Duration.ofSeconds(5);

  /** Default for {@link #breakerFailureRateThreshold(int)}: 50 percent. */
  public static final int DEFAULT_BREAKER_FAILURE_RATE_THRESHOLD = 50;

  /** Default for {@link #breakerWindowSize(int)}: 20 calls. */
  public static final int DEFAULT_BREAKER_WINDOW_SIZE = 20;

  /** Default for {@link #breakerOpenDuration(Duration)}: 5 seconds. */
  public static final Duration DEFAULT_BREAKER_OPEN_DURATION = Duration.ofSeconds(5);

  /** Default for {@link #maxPendingStoreCalls(int)}: 1,000. */
  public static final int DEFAULT_MAX_PENDING_STORE_CALLS = 1_000;

  /** Default first delay of {@link #dependencyReconnectBackoff}: 500 milliseconds. */
  public static final Duration DEFAULT_RECONNECT_INITIAL = Duration.ofMillis(500);

  /** Default longest delay of {@link #dependencyReconnectBackoff}: 30 seconds. */
  public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(30);

  private Duration dependencyTimeout = DEFAULT_DEPENDENCY_TIMEOUT;
  private int breakerFailureRateThreshold = DEFAULT_BREAKER_FAILURE_RATE_THRESHOLD;
  private int breakerWindowSize = DEFAULT_BREAKER_WINDOW_SIZE;
  private Duration breakerOpenDuration = DEFAULT_BREAKER_OPEN_DURATION;
  private int maxPendingStoreCalls = DEFAULT_MAX_PENDING_STORE_CALLS;
  private Duration reconnectInitial = DEFAULT_RECONNECT_INITIAL;
  private Duration reconnectMax = DEFAULT_RECONNECT_MAX;

  /**
   * How long one call to the message store (an append, a history read, a room's position) or to the
   * cluster bus (a presence read) may take before the server gives up on it, answers the client
   * {@code UNAVAILABLE} (retryable) and counts the call as failed for the dependency's circuit
   * breaker; default {@link #DEFAULT_DEPENDENCY_TIMEOUT}. A store call given up on may still
   * complete later: the client's resend, with the same client message id, is then a duplicate and
   * is answered with the stored message. Keep it below the clients' request timeout (30 s for the
   * Java client).
   */
  public ChatServerBuilder dependencyTimeout(Duration timeout) {
    this.dependencyTimeout = requirePositive("dependencyTimeout", timeout);
    return this;
  }

  /**
   * The share of failed calls, in percent of the last {@link #breakerWindowSize(int) window}, that
   * opens a dependency's circuit breaker; default {@link #DEFAULT_BREAKER_FAILURE_RATE_THRESHOLD}.
   * While the store's breaker is open, sends, joins and history reads are refused at once with
   * {@code UNAVAILABLE} and a retry-after, and {@code /readyz} is false.
   *
   * @throws IllegalArgumentException if not 1 to 100
   */
  public ChatServerBuilder breakerFailureRateThreshold(int percent) {
    if (percent < 1 || percent > 100) {
      throw new IllegalArgumentException(
          "breakerFailureRateThreshold must be 1 to 100 (percent), was " + percent);
    }
    this.breakerFailureRateThreshold = percent;
    return this;
  }

  /**
   * How many of a dependency's most recent calls its breaker judges; the failure rate is not
   * computed before that many were made; default {@link #DEFAULT_BREAKER_WINDOW_SIZE}.
   *
   * @throws IllegalArgumentException if below 1
   */
  public ChatServerBuilder breakerWindowSize(int calls) {
    this.breakerWindowSize = requireAtLeast("breakerWindowSize", calls, 1);
    return this;
  }

  /**
   * How long an open breaker refuses calls before it lets a few probe calls through (the server
   * probes the store itself, so it recovers without traffic); the probes' outcome closes it again
   * or keeps it open for another period. Also the retry-after clients are told while it is open.
   * Default {@link #DEFAULT_BREAKER_OPEN_DURATION}.
   */
  public ChatServerBuilder breakerOpenDuration(Duration duration) {
    this.breakerOpenDuration = requirePositive("breakerOpenDuration", duration);
    return this;
  }

  /**
   * Most calls to the message store waiting for an answer at once; beyond it the server refuses at
   * once with {@code UNAVAILABLE} and a retry-after instead of queuing more behind a slow store.
   * Default {@link #DEFAULT_MAX_PENDING_STORE_CALLS}.
   *
   * @throws IllegalArgumentException if below 1
   */
  public ChatServerBuilder maxPendingStoreCalls(int calls) {
    this.maxPendingStoreCalls = requireAtLeast("maxPendingStoreCalls", calls, 1);
    return this;
  }

  /**
   * Delays between attempts to start the cluster bus when its broker is unreachable at {@link
   * ChatServer#start()}: the server starts anyway, not ready, and tries again in the background
   * after {@code initial}, doubling up to {@code max}, until the bus joins. Default {@link
   * #DEFAULT_RECONNECT_INITIAL} to {@link #DEFAULT_RECONNECT_MAX}.
   *
   * @throws IllegalArgumentException if a delay is not positive, or {@code max} is below {@code
   *     initial}
   */
  public ChatServerBuilder dependencyReconnectBackoff(Duration initial, Duration max) {
    requirePositive("initial reconnect delay", initial);
    requirePositive("max reconnect delay", max);
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "max reconnect delay " + max + " is shorter than the initial delay " + initial);
    }
    this.reconnectInitial = initial;
    this.reconnectMax = max;
    return this;
  }

  // --- Abuse limits: per user, per address, per origin ---

  /** Default sustained sends per second per user, over all of the user's connections: 20. */
  public static final int DEFAULT_USER_SENDS_PER_SECOND = 20;

  /** Default burst of sends per user: 50. */
  public static final int DEFAULT_USER_SEND_BURST = 50;

  /** Default sustained joins per second per user: 10. */
  public static final int DEFAULT_USER_JOINS_PER_SECOND = 10;

  /** Default burst of joins per user: 100. */
  public static final int DEFAULT_USER_JOIN_BURST = 100;

  /** Default sustained history reads per second per user: 20. */
  public static final int DEFAULT_USER_HISTORY_READS_PER_SECOND = 20;

  /** Default burst of history reads per user: 100. */
  public static final int DEFAULT_USER_HISTORY_READ_BURST = 100;

  /** Default most connections one user may have open on one node: 32. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_USER = 32;

  /** Default most rooms one user may be in, over all of the user's sessions: 1,024. */
  public static final int DEFAULT_MAX_ROOMS_PER_USER = 1024;

  /** Default largest Connect token: 8 KiB of UTF-8. */
  public static final int DEFAULT_MAX_TOKEN_BYTES = 8 * 1024;

  /** Default most sockets one remote IP address may have open at once: 1,000. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1000;

  private AbuseLimits.Rate userSendRate =
      new AbuseLimits.Rate(DEFAULT_USER_SENDS_PER_SECOND, DEFAULT_USER_SEND_BURST);
  private AbuseLimits.Rate userJoinRate =
      new AbuseLimits.Rate(DEFAULT_USER_JOINS_PER_SECOND, DEFAULT_USER_JOIN_BURST);
  private AbuseLimits.Rate userHistoryReadRate =
      new AbuseLimits.Rate(DEFAULT_USER_HISTORY_READS_PER_SECOND, DEFAULT_USER_HISTORY_READ_BURST);
  private int maxConnectionsPerUser = DEFAULT_MAX_CONNECTIONS_PER_USER;
  private int maxRoomsPerUser = DEFAULT_MAX_ROOMS_PER_USER;
  private int maxTokenBytes = DEFAULT_MAX_TOKEN_BYTES;
  private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
  private OriginPolicy originPolicy = OriginPolicy.sameHost();

  /**
   * Sends one user may make, over all of the user's connections to this node: {@code perSecond}
   * sustained, bursts up to {@code burst}; default {@value #DEFAULT_USER_SENDS_PER_SECOND} a
   * second, bursts of {@value #DEFAULT_USER_SEND_BURST}. A send over it is refused with {@code
   * RATE_LIMITED} and a retry-after (when the user's next token is there), which the client honours
   * before resending. Counted per node: a user connected to two nodes gets twice the rate.
   *
   * @throws IllegalArgumentException if {@code perSecond} is below 1 or {@code burst} below it
   */
  public ChatServerBuilder userSendRate(int perSecond, int burst) {
    this.userSendRate = rate("userSendRate", perSecond, burst);
    return this;
  }

  /**
   * Joins one user may make, over all connections to this node; default {@value
   * #DEFAULT_USER_JOINS_PER_SECOND} a second, bursts of {@value #DEFAULT_USER_JOIN_BURST}. The
   * rejoins of a resuming Connect are not counted (they are bounded by {@link
   * #maxRoomsPerSession(int)}). Refusals as for {@link #userSendRate(int, int)}.
   *
   * @throws IllegalArgumentException if {@code perSecond} is below 1 or {@code burst} below it
   */
  public ChatServerBuilder userJoinRate(int perSecond, int burst) {
    this.userJoinRate = rate("userJoinRate", perSecond, burst);
    return this;
  }

  /**
   * History reads one user may make, over all connections to this node; default {@value
   * #DEFAULT_USER_HISTORY_READS_PER_SECOND} a second, bursts of {@value
   * #DEFAULT_USER_HISTORY_READ_BURST}. Refusals as for {@link #userSendRate(int, int)}.
   *
   * @throws IllegalArgumentException if {@code perSecond} is below 1 or {@code burst} below it
   */
  public ChatServerBuilder userHistoryReadRate(int perSecond, int burst) {
    this.userHistoryReadRate = rate("userHistoryReadRate", perSecond, burst);
    return this;
  }

  /**
   * Most connections one user may have open on this node; default {@value
   * #DEFAULT_MAX_CONNECTIONS_PER_USER}. One more is refused at Connect, after authentication, with
   * {@code LIMIT_EXCEEDED} and close code {@link
   * dev.parley.chat.protocol.CloseCodes#TOO_MANY_CONNECTIONS}.
   *
   * @throws IllegalArgumentException if below 1
   */
  public ChatServerBuilder maxConnectionsPerUser(int connections) {
    this.maxConnectionsPerUser = requireAtLeast("maxConnectionsPerUser", connections, 1);
    return this;
  }

  /**
   * Most distinct rooms one user may be in at once, over all of the user's sessions on this node;
   * default {@value #DEFAULT_MAX_ROOMS_PER_USER}. A join past it is refused with {@code
   * LIMIT_EXCEEDED}. A room several of the user's sessions are in counts once.
   *
   * @throws IllegalArgumentException if below 1
   */
  public ChatServerBuilder maxRoomsPerUser(int rooms) {
    this.maxRoomsPerUser = requireAtLeast("maxRoomsPerUser", rooms, 1);
    return this;
  }

  /**
   * Largest token a client may send in Connect, in UTF-8 bytes; default {@value
   * #DEFAULT_MAX_TOKEN_BYTES}. A larger one is refused before the authenticator sees it, with
   * {@code AUTHENTICATION_FAILED} and close code 4001, as a token the authenticator refused.
   *
   * @throws IllegalArgumentException if below 64
   */
  public ChatServerBuilder maxTokenBytes(int bytes) {
    this.maxTokenBytes = requireAtLeast("maxTokenBytes", bytes, 64);
    return this;
  }

  /**
   * Most sockets one remote IP address may have open at once, upgraded or not; default {@value
   * #DEFAULT_MAX_CONNECTIONS_PER_ADDRESS} (and never more than {@link #maxConnections(int)}). One
   * more is closed by the transport as soon as it is accepted. Behind a reverse proxy every
   * connection comes from the proxy's address: raise this to {@code maxConnections} there and limit
   * clients at the proxy.
   *
   * @throws IllegalArgumentException if below 1
   */
  public ChatServerBuilder maxConnectionsPerAddress(int connections) {
    this.maxConnectionsPerAddress = requireAtLeast("maxConnectionsPerAddress", connections, 1);
    return this;
  }

  /**
   * The web pages that may open a WebSocket to this server, by origin ({@code
   * https://chat.example.com}, {@code http://localhost:3000}), or {@code "*"} alone for every page.
   * A browser upgrade with another {@code Origin} is refused with HTTP 403. Upgrades without an
   * {@code Origin} header (clients that are not browser pages) are always allowed. Default: pages
   * whose origin's host is the host the client connected to, on any port ({@link
   * OriginPolicy#sameHost()}), which lets the server's own HTTP side serve a page that connects.
   *
   * @throws IllegalArgumentException if none is given, an entry is not an origin, or {@code "*"} is
   *     given with others
   */
  public ChatServerBuilder allowedOrigins(String... origins) {
    Objects.requireNonNull(origins, "origins");
    List<String> list = Arrays.asList(origins);
    if (list.contains("*")) {
      if (list.size() > 1) {
        throw new IllegalArgumentException(
            "allowedOrigins: \"*\" allows every origin; give it alone, not with " + list);
      }
      this.originPolicy = OriginPolicy.anyOrigin();
      return this;
    }
    try {
      this.originPolicy = OriginPolicy.allowing(list);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("allowedOrigins: " + e.getMessage(), e);
    }
    return this;
  }

  private static AbuseLimits.Rate rate(String what, int perSecond, int burst) {
    requireAtLeast(what + " perSecond", perSecond, 1);
    if (burst < perSecond) {
      throw new IllegalArgumentException(
          what + " burst " + burst + " must be at least perSecond " + perSecond);
    }
    return new AbuseLimits.Rate(perSecond, burst);
  }

  /**
   * Builds the server (not started) from a copy of this builder's settings: changing the builder
   * afterwards does not change the server. The builder may be used again to build another.
   *
   * @throws IllegalStateException if no authenticator was set, if {@code port} and {@code httpPort}
   *     are the same (non-zero) port while the HTTP side is on, if the message limits do not fit in
   *     {@code maxMessageBytes}, if a cluster bus was given without a shared store, or if {@code
   *     catchUpInterval} was set without a cluster bus
   */
  public ChatServer build() {
    return factory.apply(settings());
  }

  /** Validates the combination and copies the settings; what {@link #build()} hands over. */
  ServerSettings settings() {
    int httpPort = this.httpPort == null ? DEFAULT_HTTP_PORT : this.httpPort;
    if (!httpDisabled && port != 0 && port == httpPort) {
      throw new IllegalStateException(
          "port and httpPort are both "
              + port
              + ": the WebSocket endpoint and the HTTP side (/healthz, /readyz, pages) each need"
              + " their own port; call httpPort(...) with another port (default "
              + DEFAULT_HTTP_PORT
              + "), or disableHttp()");
    }
    if (clusterBus != null && messageStore == null) {
      throw new IllegalStateException(
          "clusterBus(...) was set without messageStore(...): the nodes of a cluster must share one"
              + " store (for example JdbcMessageStore on PostgreSQL); call messageStore(sharedStore)");
    }
    if (clusterBus == null && catchUpIntervalSet) {
      throw new IllegalStateException(
          "catchUpInterval("
              + catchUpInterval
              + ") is used only by a node of a cluster; call clusterBus(bus), or remove"
              + " catchUpInterval(...)");
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
    String resolvedHost =
        host != null
            ? host
            : authenticator instanceof DevelopmentAuthenticator ? DEVELOPMENT_HOST : DEFAULT_HOST;
    return new ServerSettings(
        resolvedHost,
        port,
        !httpDisabled,
        httpHost == null ? resolvedHost : httpHost,
        httpPort,
        httpHandlers,
        path,
        transportName,
        transport,
        authenticator,
        messageStore,
        clusterBus,
        catchUpInterval,
        roomPolicy,
        maxMessageBytes,
        maxFragments,
        maxHandshakeBytes,
        handshakeTimeout,
        connectTimeout,
        tokenExpiryLead,
        pingInterval,
        maxConnections,
        maxOutboundBytes,
        maxRoomsPerSession,
        maxTextBytes,
        maxPayloadBytes,
        requestsPerSecond,
        requestBurst,
        new AbuseLimits(
            userSendRate,
            userJoinRate,
            userHistoryReadRate,
            maxConnectionsPerUser,
            maxRoomsPerUser,
            maxTokenBytes,
            Math.min(maxConnectionsPerAddress, maxConnections),
            originPolicy),
        workerExecutor,
        clock,
        random != null ? random : new SecureRandom(),
        serverId,
        messageHooks,
        sessionListeners,
        hookTimeout,
        new BreakerSettings(
            dependencyTimeout,
            breakerFailureRateThreshold,
            breakerWindowSize,
            breakerOpenDuration,
            maxPendingStoreCalls,
            reconnectInitial,
            reconnectMax),
        meterRegistry,
        new AccessSettings(roomAccessStore, accessCacheTtl, accessCacheMaxEntries),
        tls,
        new PresenceSettings(presenceWindow, largeRoomThreshold),
        serverSentEvents && !httpDisabled,
        compression,
        attachments == null ? null : attachments.settings(),
        events == null ? null : events.settings());
  }

  private void requireHttpOn(String call) {
    if (httpDisabled) {
      throw new IllegalStateException(
          "the HTTP side was turned off with disableHttp(); remove that call to use " + call);
    }
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
