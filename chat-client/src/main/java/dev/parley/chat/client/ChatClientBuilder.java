package dev.parley.chat.client;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Configures a {@link ChatClient}. Not thread-safe; build once and share the client. Every setter
 * validates at once and names the bad value; {@link #build()} checks the combination.
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

  private final Function<ChatClientBuilder, ChatClient> factory;
  private final List<URI> endpoints = new ArrayList<>();
  private String transport;
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

  ChatClientBuilder(Function<ChatClientBuilder, ChatClient> factory) {
    this.factory = factory;
  }

  /**
   * Adds a server endpoint, such as {@code ws://localhost:8080/chat}. With several, the session
   * tries them in order and moves on to the next when one fails.
   */
  public ChatClientBuilder endpoint(URI endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    String scheme = endpoint.getScheme();
    if (scheme == null || endpoint.getHost() == null) {
      throw new IllegalArgumentException(
          "endpoint must be an absolute ws:// or wss:// URI with a host, was " + endpoint);
    }
    endpoints.add(endpoint);
    return this;
  }

  /**
   * Selects the client transport by name (for example {@code "jdk"}, the default transport on
   * {@code java.net.http.WebSocket} that ships with this module) instead of the highest priority
   * one found on the class path that supports every endpoint.
   */
  public ChatClientBuilder transport(String name) {
    this.transport = requireText("transport", name);
    return this;
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
   * Builds the client.
   *
   * @throws IllegalStateException if no endpoint was given, or no transport fits the endpoints
   */
  public ChatClient build() {
    if (endpoints.isEmpty()) {
      throw new IllegalStateException(
          "no endpoint: call endpoint(URI.create(\"ws://host:port/chat\")) before build()");
    }
    return factory.apply(this);
  }

  /** The endpoints, in the order given. */
  public List<URI> endpoints() {
    return List.copyOf(endpoints);
  }

  /** The transport name requested, or {@code null} for automatic selection. */
  public String transportName() {
    return transport;
  }

  /** The client name reported to the server. */
  public String clientName() {
    return clientName;
  }

  /** The client version reported to the server. */
  public String clientVersion() {
    return clientVersion;
  }

  /** See {@link #connectTimeout(Duration)}. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** See {@link #requestTimeout(Duration)}. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** See {@link #reconnectBackoff(Duration, Duration)}. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** See {@link #reconnectBackoff(Duration, Duration)}. */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** See {@link #heartbeatInterval(Duration)}. */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** See {@link #maxOutbox(int)}. */
  public int maxOutbox() {
    return maxOutbox;
  }

  /** See {@link #maxMessageBytes(int)}. */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** The callback executor given, or {@code null} for the default. */
  public Executor callbackExecutor() {
    return callbackExecutor;
  }

  /** The scheduler given, or {@code null} for the default. */
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** The random given, or {@code null} for the default. */
  public Random random() {
    return random;
  }

  /** The clock. */
  public Clock clock() {
    return clock;
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
