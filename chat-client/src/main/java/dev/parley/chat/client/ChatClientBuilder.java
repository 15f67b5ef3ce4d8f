package dev.parley.chat.client;

import dev.parley.chat.client.internal.ClientConfig;
import dev.parley.chat.spi.ClientTransportProvider;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Configures a {@link ChatClient}. Not thread-safe: configure it on one thread, build once and
 * share the client. {@link #build()} validates and copies every setting into the client, which does
 * not see later changes to the builder.
 *
 * <p>Every setter validates at once and names the bad value. Calling a setter again replaces the
 * earlier value, except where two calls contradict each other: naming a transport and giving one,
 * adding the same endpoint twice; those fail at once with a message that says which call to remove.
 *
 * <p><b>Who owns what you pass in.</b> The client shuts down only what it created: its default
 * callback pool, its default timer and the transport it looked up. A {@link
 * #callbackExecutor(Executor) callback executor}, {@link #scheduler(ScheduledExecutorService)
 * scheduler} or {@link #transport(ClientTransportProvider) transport} you pass in stays yours, to
 * shut down after {@link ChatClient#close()}.
 */
public final class ChatClientBuilder {
  /** Default for {@link #connectTimeout(Duration)}: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Default for {@link #requestTimeout(Duration)}: 30 seconds. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** Default first reconnect delay: 200 milliseconds (before jitter). */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);

  /** Default longest reconnect delay: 30 seconds (before jitter). */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  /** Default for {@link #heartbeatInterval(Duration)}: 15 seconds. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(15);

  /** Default for {@link #maxOutbox(int)}: 1,000 unacknowledged sends per session. */
  public static final int DEFAULT_MAX_OUTBOX = 1_000;

  /** Default for {@link #maxMessageBytes(int)}: 1 MiB (history pages can be large). */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

  /** Default for {@link #uploadChunkSize(int)}: 1 MiB. */
  public static final int DEFAULT_UPLOAD_CHUNK_BYTES = 1024 * 1024;

  private final Function<ClientConfig, ChatClient> factory;
  private final List<URI> endpoints = new ArrayList<>();
  private String transportName;
  private ClientTransportProvider transport;
  private String clientName = "parley-java";
  private String clientVersion = "0.1.0";
  private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
  private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
  private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
  private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
  private int maxOutbox = DEFAULT_MAX_OUTBOX;
  private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
  private Executor callbackExecutor;
  private ScheduledExecutorService scheduler;
  private Random random;
  private Clock clock = Clock.systemUTC();
  private SSLContext sslContext; // null: the JDK's default
  private String sslSource; // which call set sslContext, for the error if both are used
  private ProximityPolicy proximity; // null: the endpoints in the order given
  private URI sseFallback; // null: WebSocket only
  private URI httpEndpoint; // null: derived from an SSE endpoint, if any
  private int uploadChunkBytes = DEFAULT_UPLOAD_CHUNK_BYTES;

  ChatClientBuilder(Function<ClientConfig, ChatClient> factory) {
    this.factory = factory;
  }

  /**
   * Adds a server endpoint, such as {@code ws://localhost:7450/chat}. With several, the session
   * tries them in order and moves on to the next when one fails.
   *
   * <p>An {@code http://} or {@code https://} endpoint is a server's Server-Sent Events endpoint
   * (its WebSocket path with {@code /sse} appended, on its HTTP port, such as {@code
   * http://localhost:7451/chat/sse}): the session connects to it over SSE only, with the {@code
   * "sse"} transport that ships with this module. To use SSE only when WebSocket fails, see {@link
   * #sseFallback(URI)} instead.
   *
   * @throws IllegalStateException if {@code endpoint} was already added
   */
  public ChatClientBuilder endpoint(URI endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    String scheme = endpoint.getScheme();
    if (scheme == null || endpoint.getHost() == null) {
      throw new IllegalArgumentException(
          "endpoint must be an absolute ws://, wss://, http:// or https:// URI with a host, was "
              + endpoint);
    }
    if (endpoints.contains(endpoint)) {
      throw new IllegalStateException(
          "endpoint "
              + endpoint
              + " was already added; add each endpoint once (the session already comes back to it"
              + " after trying the others)");
    }
    endpoints.add(endpoint);
    return this;
  }

  /**
   * Ranks the endpoints by round-trip time before connecting and whenever a connection ends, and
   * tries them fastest healthy first, instead of in the order they were added (see {@link
   * ProximityPolicy} for the probe, the ranking and when the session moves). Default: off, the
   * endpoints in the order they were added; with one endpoint nothing is probed either way. Probing
   * runs on the client's own threads; the ranking is reported to {@link
   * ChatListener#onEndpointsRanked} on the callback executor.
   *
   * @throws NullPointerException if {@code policy} is null
   */
  public ChatClientBuilder proximity(ProximityPolicy policy) {
    this.proximity = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * Falls back to Server-Sent Events when WebSocket does not get through: after two WebSocket
   * attempts in a row fail before their upgrade completed (the upgrade refused or answered with
   * another status than 101, no answer in time, a proxy that breaks upgrades), the session connects
   * to {@code endpoint} over SSE for its next attempts, and tries WebSocket again at its first
   * reconnect five minutes or more after it moved. An attempt that cannot reach the host at all
   * (connection refused, unknown host) does not count: the server is down, and SSE would not help.
   * On the first connect, the session tries the fallback before it gives up.
   *
   * <p>{@code endpoint} is the server's SSE endpoint: its WebSocket path with {@code /sse}
   * appended, on its HTTP port ({@code http://host:7451/chat/sse} by default; {@code https://} when
   * the HTTP side has TLS, verified like {@code wss://}). Over SSE the session behaves as over
   * WebSocket (rooms, sends, resume); {@link ChatSession#endpoint()} then returns this URI, and the
   * {@link ChatListener#onStateChanged state change} to CONNECTED says so. Default: none, WebSocket
   * only.
   *
   * @throws IllegalArgumentException if {@code endpoint} is not an absolute http:// or https:// URI
   *     with a host
   */
  public ChatClientBuilder sseFallback(URI endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    String scheme = endpoint.getScheme();
    if (endpoint.getHost() == null
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
      throw new IllegalArgumentException(
          "sseFallback must be an absolute http:// or https:// URI with a host (the server's SSE"
              + " endpoint, such as http://host:7451/chat/sse), was "
              + endpoint);
    }
    this.sseFallback = endpoint;
    return this;
  }

  /**
   * The server's HTTP side, where {@link ChatSession#upload(java.nio.file.Path) uploads} go: its
   * WebSocket path on its HTTP port, such as {@code http://host:7451/chat} ({@code https://} when
   * the HTTP side has TLS, verified like {@code wss://}); uploads go to {@code
   * <httpEndpoint>/uploads}. Default: the {@link #sseFallback(URI) SSE fallback}, or else the first
   * {@code http(s)://} endpoint, without its trailing {@code /sse}; with neither, uploads fail with
   * {@code INVALID_ARGUMENT} until this is set.
   *
   * @throws IllegalArgumentException if {@code endpoint} is not an absolute http:// or https:// URI
   *     with a host, or has a query or fragment
   */
  public ChatClientBuilder httpEndpoint(URI endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    String scheme = endpoint.getScheme();
    if (endpoint.getHost() == null
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
        || endpoint.getRawQuery() != null
        || endpoint.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "httpEndpoint must be an absolute http:// or https:// URI with a host and no query (the"
              + " server's HTTP side, such as http://host:7451/chat), was "
              + endpoint);
    }
    this.httpEndpoint = endpoint;
    return this;
  }

  /**
   * The largest piece of a file an upload sends in one request. After a lost connection, an upload
   * resumes from what the server has, so at most one chunk is sent twice; a stream given to {@link
   * ChatSession#upload(java.io.InputStream, String, long)} is held in memory one chunk at a time.
   * Default {@value #DEFAULT_UPLOAD_CHUNK_BYTES} bytes.
   *
   * @throws IllegalArgumentException if {@code bytes} is below 1,024 or above 64 MiB
   */
  public ChatClientBuilder uploadChunkSize(int bytes) {
    if (bytes < 1024 || bytes > 64 * 1024 * 1024) {
      throw new IllegalArgumentException(
          "uploadChunkSize must be between 1024 bytes and 64 MiB, was " + bytes);
    }
    this.uploadChunkBytes = bytes;
    return this;
  }

  /**
   * Selects the client transport by name (for example {@code "jdk"}, the default transport on
   * {@code java.net.http.WebSocket} that ships with this module) instead of the highest priority
   * one found on the class path that supports every endpoint.
   *
   * @throws IllegalStateException if a transport was given with {@link
   *     #transport(ClientTransportProvider)}
   */
  public ChatClientBuilder transport(String name) {
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
   * Uses {@code provider} as the client transport, without looking on the class path: for a
   * transport the application configures itself, or one the {@link java.util.ServiceLoader} cannot
   * see. It must support every endpoint ({@link #build()} checks). It stays the application's: the
   * client does not close it.
   *
   * @throws IllegalStateException if a transport was named with {@link #transport(String)}
   */
  public ChatClientBuilder transport(ClientTransportProvider provider) {
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
   * Verifies {@code wss://} servers against the certificates in {@code trustStore} instead of the
   * JDK's default trust store (for a private certificate authority, or a self-signed server in
   * tests). The host name is verified too. Default: the JDK's default trust store.
   *
   * @throws IllegalArgumentException if the store cannot be used as a trust store
   * @throws IllegalStateException if {@link #sslContext(SSLContext)} was called too
   */
  public ChatClientBuilder trustStore(KeyStore trustStore) {
    Objects.requireNonNull(trustStore, "trustStore");
    requireNoSslYet("trustStore(...)");
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      this.sslContext = context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use the trust store: " + e.getMessage(), e);
    }
    this.sslSource = "trustStore(...)";
    return this;
  }

  /**
   * Uses {@code context} for {@code wss://} (its trust managers decide which servers are trusted;
   * its key managers, if any, give a client certificate). The client still verifies the host name
   * and offers TLS 1.3 and 1.2 only. Default: the JDK's default context.
   *
   * @throws IllegalStateException if {@link #trustStore(KeyStore)} was called too
   */
  public ChatClientBuilder sslContext(SSLContext context) {
    Objects.requireNonNull(context, "context");
    requireNoSslYet("sslContext(...)");
    this.sslContext = context;
    this.sslSource = "sslContext(...)";
    return this;
  }

  private void requireNoSslYet(String call) {
    if (sslSource != null) {
      throw new IllegalStateException(
          "TLS trust was already set with " + sslSource + "; use one of trustStore and sslContext");
    }
  }

  /** The name and version the client reports to the server, for its logs. */
  public ChatClientBuilder clientInfo(String name, String version) {
    this.clientName = requireText("client name", name);
    this.clientVersion = requireText("client version", version);
    return this;
  }

  /** How long one connection attempt (TCP, upgrade and welcome) may take. */
  public ChatClientBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = requirePositive("connectTimeout", timeout);
    return this;
  }

  /**
   * How long a join, leave or history request waits for its answer before failing with {@code
   * UNAVAILABLE}; the time counts from the call, across reconnects. Sends have no timeout: they
   * stay in the outbox until acknowledged, refused, or the session closes.
   */
  public ChatClientBuilder requestTimeout(Duration timeout) {
    this.requestTimeout = requirePositive("requestTimeout", timeout);
    return this;
  }

  /**
   * Reconnect delays: the n-th consecutive failure waits a random time between 0 and {@code
   * min(max, initial * 2^n)} (full jitter).
   */
  public ChatClientBuilder reconnectBackoff(Duration initial, Duration max) {
    requirePositive("initial backoff", initial);
    requirePositive("max backoff", max);
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "max backoff " + max + " is shorter than initial backoff " + initial);
    }
    this.initialBackoff = initial;
    this.maxBackoff = max;
    return this;
  }

  /**
   * How often the session pings a quiet connection. A connection that stays silent for two
   * intervals is considered dead and replaced.
   */
  public ChatClientBuilder heartbeatInterval(Duration interval) {
    this.heartbeatInterval = requirePositive("heartbeatInterval", interval);
    return this;
  }

  /**
   * Most unacknowledged sends a session keeps (sent or waiting for a connection). A send beyond it
   * fails at once with {@code LIMIT_EXCEEDED}.
   */
  public ChatClientBuilder maxOutbox(int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("maxOutbox must be positive, was " + max);
    }
    this.maxOutbox = max;
    return this;
  }

  /**
   * Largest inbound WebSocket message accepted, after reassembling fragments. A larger one ends the
   * connection (close code 1009) and the session reconnects.
   */
  public ChatClientBuilder maxMessageBytes(int max) {
    if (max < 1024) {
      throw new IllegalArgumentException("maxMessageBytes must be at least 1024, was " + max);
    }
    this.maxMessageBytes = max;
    return this;
  }

  /**
   * Where listener callbacks run, and where the session's futures complete. Each session runs its
   * callbacks one at a time, in order, on this executor. Default: a cached pool of daemon threads
   * named {@code parley-callback-N} (a thread idle for 2 seconds exits), owned and shut down by the
   * client. A supplied executor is not shut down by the client. A direct executor ({@code
   * Runnable::run}) would run application code on network and timer threads: for tests only.
   */
  public ChatClientBuilder callbackExecutor(Executor executor) {
    this.callbackExecutor = Objects.requireNonNull(executor, "executor");
    return this;
  }

  /**
   * Timers (reconnect delays, heartbeats, request timeouts). Default: one daemon thread named
   * {@code parley-client-timer}, owned and shut down by the client. A supplied scheduler is not
   * shut down by the client.
   */
  public ChatClientBuilder scheduler(ScheduledExecutorService scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /** The randomness for backoff jitter and client message ids. Default: a new {@link Random}. */
  public ChatClientBuilder random(Random random) {
    this.random = Objects.requireNonNull(random, "random");
    return this;
  }

  /** The clock for timestamps. Default: {@link Clock#systemUTC()}. */
  public ChatClientBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * Builds the client from a copy of this builder's settings: changing the builder afterwards does
   * not change the client.
   *
   * @throws IllegalStateException if no endpoint was given, no transport fits the endpoints, or the
   *     {@link #proximity(ProximityPolicy) proximity policy} names a probe URI for an endpoint that
   *     was not added
   */
  public ChatClient build() {
    return factory.apply(config());
  }

  /** Validates the combination and copies the settings; what {@link #build()} hands over. */
  ClientConfig config() {
    if (endpoints.isEmpty()) {
      throw new IllegalStateException(
          "no endpoint: call endpoint(URI.create(\"ws://host:port/chat\")) before build()");
    }
    if (proximity != null) {
      for (URI endpoint : proximity.probes().keySet()) {
        if (!endpoints.contains(endpoint)) {
          throw new IllegalStateException(
              "the proximity policy has a probe URI for "
                  + endpoint
                  + ", which is not an endpoint; add it with endpoint(...) or remove its probe");
        }
      }
    }
    return new ClientConfig(
        endpoints,
        transportName,
        transport,
        clientName,
        clientVersion,
        connectTimeout,
        requestTimeout,
        initialBackoff,
        maxBackoff,
        heartbeatInterval,
        maxOutbox,
        maxMessageBytes,
        callbackExecutor,
        scheduler,
        random != null ? random : new Random(),
        clock,
        sslContext,
        proximity,
        sseFallback,
        httpEndpoint != null ? httpEndpoint : derivedHttpEndpoint(),
        uploadChunkBytes);
  }

  /** The SSE fallback or the first http(s) endpoint, without a trailing {@code /sse}. */
  private URI derivedHttpEndpoint() {
    URI sse = sseFallback;
    if (sse == null) {
      sse =
          endpoints.stream()
              .filter(
                  e ->
                      "http".equalsIgnoreCase(e.getScheme())
                          || "https".equalsIgnoreCase(e.getScheme()))
              .findFirst()
              .orElse(null);
    }
    if (sse == null) {
      return null;
    }
    String path = sse.getRawPath() == null ? "" : sse.getRawPath();
    if (path.endsWith("/sse")) {
      path = path.substring(0, path.length() - "/sse".length());
    }
    return URI.create(sse.getScheme() + "://" + sse.getRawAuthority() + path);
  }

  private static String requireText(String what, String value) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
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
