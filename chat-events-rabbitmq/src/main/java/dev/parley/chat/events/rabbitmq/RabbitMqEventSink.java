package dev.parley.chat.events.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.protocol.EventCodec;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.spi.EventSink;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EventSink} on RabbitMQ: each event becomes one persistent message on a durable topic
 * exchange, and a batch's future completes once the broker has confirmed every message of it
 * (publisher confirms).
 *
 * <p>Messages: the body is the event in the chosen {@link Format} ({@link EventCodec#encode} or
 * {@link EventCodec#toJson}); the routing key is {@link EventCodec#routingKey}, {@code <type>.<room
 * or user>} (such as {@code message.stored.lobby}); the header {@value #EVENT_ID_HEADER} carries
 * {@link ChatEvent#id()} for consumers' de-duplication, and so does the property {@code message-id}
 * (unless the id's UTF-8 form is longer than AMQP's 255 bytes, which no id Parley makes is); {@code
 * type} = {@link ChatEvent#type()}, {@code content-type}, {@code timestamp} = {@link
 * ChatEvent#at()} (whole seconds), {@code delivery-mode} 2 (persistent) and {@code app-id} {@code
 * parley}. The exchange is declared (topic, durable) on every new connection or channel; queues and
 * their bindings are the consumers' business. RabbitMQ confirms and drops a message that no queue
 * is bound for.
 *
 * <p>Lifecycle: {@link Builder#build()} starts the sink's one publishing thread and does not
 * connect; the first {@link #publish} connects. The AMQP client's automatic recovery reconnects a
 * lost connection in the background (every {@link Builder#recoveryInterval}) and declares the
 * exchange again; a connection still down after {@value #GIVE_UP_INTERVALS} recovery intervals, one
 * that never opened, and a channel the broker closed are replaced by the publishing thread on the
 * next batch. {@link #close()} fails the batches still queued and closes the connection.
 *
 * <p>Failures: every failed future fails with a retryable {@link ChatException} {@link
 * ErrorCode#UNAVAILABLE} whose message says what went wrong (the broker unreachable, the connection
 * lost, a negative acknowledgement, the channel closed by the broker with its reply text, no
 * confirm in time). A failed batch may have partly arrived; publish it again. Once a batch has
 * failed, the batches queued behind it fail too without being sent, so that nothing overtakes the
 * events that the caller is going to publish again. A circuit breaker (Resilience4j) counts
 * batches: when most of the last {@link Builder#breakerWindow} failed, publishes fail at once, with
 * a retry-after, for {@link Builder#breakerOpenDuration}; then one batch is let through to try.
 *
 * <p>Thread-safe. {@link #publish} never blocks: it queues the batch (at most {@link
 * Builder#maxQueuedBatches}; beyond that it fails at once) for the publishing thread, which sends
 * batches one at a time in the order they were queued. Futures complete on the publishing thread,
 * on the calling thread (when failed at once) or, for {@link Builder#publishTimeout}, on a JDK
 * timer thread; dependent actions should not block.
 */
public final class RabbitMqEventSink implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(RabbitMqEventSink.class);

  /** How the events are written in the message bodies. */
  public enum Format {
    /** Protocol Buffers, {@code application/x-protobuf}: compact; the schema is in chat-api. */
    PROTOBUF,
    /** JSON, {@code application/json}: readable in the management UI and by any consumer. */
    JSON
  }

  /** The exchange when none is given. */
  public static final String DEFAULT_EXCHANGE = "parley.events";

  /** How long the broker has to confirm a batch when no other time is given. */
  public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(5);

  /** How long opening a connection may take when no other time is given. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** The longest a publish's future stays incomplete, when no other time is given. */
  public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(15);

  /** How often the client tries to recover a lost connection, when no other time is given. */
  public static final Duration DEFAULT_RECOVERY_INTERVAL = Duration.ofSeconds(1);

  /** Batches waiting for the publishing thread, at most, when no other number is given. */
  public static final int DEFAULT_MAX_QUEUED_BATCHES = 64;

  /** Batches the breaker judges the broker by, when no other number is given. */
  public static final int DEFAULT_BREAKER_WINDOW = 4;

  /** The shortest retry-after of a refusal by the open breaker: a trial batch may be out. */
  static final Duration MIN_RETRY_AFTER = Duration.ofMillis(50);

  /** How long an open breaker refuses publishes, when no other time is given. */
  public static final Duration DEFAULT_BREAKER_OPEN_DURATION = Duration.ofSeconds(5);

  /** The message header that carries the event id, on every message. */
  public static final String EVENT_ID_HEADER = "parley-event-id";

  /** Recovery intervals after which a connection still down is replaced. */
  static final int GIVE_UP_INTERVALS = BrokerConnection.GIVE_UP_INTERVALS;

  private static final AtomicInteger SINKS = new AtomicInteger();

  private final Builder settings;
  private final ConnectionFactory factory;
  private final String where;
  private final String contentType;
  private final CircuitBreaker breaker;
  private final ThreadPoolExecutor publisher;
  private final AtomicLong failures = new AtomicLong();
  private final BrokerConnection connection;
  private volatile boolean closed;

  /** When the breaker last opened, by the sink's clock; null before it first did. */
  private volatile Instant openedAt;

  /** The publisher's latest thread, joined on close: a pool has terminated before it has ended. */
  private volatile Thread publisherThread;

  private RabbitMqEventSink(Builder b, ConnectionFactory factory, String where) {
    this.settings = b.copy();
    this.factory = factory;
    this.where = where;
    this.contentType =
        b.format == Format.JSON ? EventCodec.JSON_CONTENT_TYPE : EventCodec.PROTOBUF_CONTENT_TYPE;
    this.breaker =
        CircuitBreaker.of(
            "parley-events-rabbitmq",
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(b.breakerWindow)
                .minimumNumberOfCalls(b.breakerWindow)
                .failureRateThreshold(50)
                .waitDurationInOpenState(b.breakerOpenDuration)
                .permittedNumberOfCallsInHalfOpenState(1)
                .clock(b.clock)
                .build());
    breaker
        .getEventPublisher()
        .onStateTransition(
            e -> {
              if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAt = b.clock.instant();
              }
              LOG.warn("RabbitMQ event sink breaker {}", e.getStateTransition());
            });
    int number = SINKS.incrementAndGet();
    this.publisher =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(b.maxQueuedBatches),
            r -> {
              Thread t = new Thread(r, "parley-events-rabbitmq-" + number);
              t.setDaemon(true);
              publisherThread = t;
              return t;
            });
    this.connection =
        new BrokerConnection(
            factory, where, b.exchange, b.recoveryInterval, b.connectTimeout, b.clock);
    factory.setThreadFactory(
        r -> {
          Thread t = new Thread(r, "parley-events-rabbitmq-" + number + "-io");
          t.setDaemon(true);
          return t;
        });
  }

  /** A builder with the defaults ({@code amqp://guest:guest@localhost:5672/%2f}). */
  public static Builder builder() {
    return new Builder();
  }

  /** The exchange the events go to. */
  public String exchange() {
    return settings.exchange;
  }

  /** The format of the message bodies. */
  public Format format() {
    return settings.format;
  }

  /**
   * Queues {@code events} for the publishing thread and returns at once; the future completes when
   * the broker has confirmed them all, or fails as the class comment says.
   *
   * <p>The events are encoded on the calling thread: an event that cannot be encoded fails the
   * future at once with an {@link IllegalArgumentException}, and nothing of the batch is sent.
   *
   * @throws NullPointerException if {@code events} or one of them is null
   */
  @Override
  public CompletableFuture<Void> publish(List<ChatEvent> events) {
    List<ChatEvent> batch = List.copyOf(events);
    List<Message> messages = new ArrayList<>(batch.size());
    try {
      for (ChatEvent event : batch) {
        messages.add(new Message(EventCodec.routingKey(event), properties(event), body(event)));
      }
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("an event cannot be published: " + e.getMessage(), e));
    }
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the event sink is closed"));
    }
    if (batch.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    if (!breaker.tryAcquirePermission()) {
      Duration left = untilTrial();
      return CompletableFuture.failedFuture(
          new ChatException(
              ErrorCode.UNAVAILABLE,
              "RabbitMQ at "
                  + where
                  + " failed too often; events are refused for another "
                  + left.toMillis()
                  + " ms",
              left));
    }
    Send send = new Send(messages, failures.get());
    try {
      publisher.execute(send);
    } catch (RejectedExecutionException e) {
      breaker.releasePermission();
      return CompletableFuture.failedFuture(
          closed
              ? new IllegalStateException("the event sink is closed")
              : new ChatException(
                  ErrorCode.UNAVAILABLE,
                  settings.maxQueuedBatches + " batches already wait for RabbitMQ at " + where,
                  settings.confirmTimeout));
    }
    // a timer that is cancelled (and forgotten by the JDK's delay scheduler) once the batch ends,
    // so a busy sink does not keep every batch of the last publishTimeout reachable
    CompletableFuture<Void> timer =
        new CompletableFuture<Void>()
            .completeOnTimeout(null, settings.publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
    timer.thenRun(
        () ->
            send.fail(
                unavailable(
                    "RabbitMQ at "
                        + where
                        + " did not confirm the events within "
                        + settings.publishTimeout,
                    null)));
    send.result.whenComplete((ignored, failure) -> timer.cancel(false));
    return send.result.copy();
  }

  /**
   * Fails the batches still queued and the one being sent (their futures fail with {@link
   * IllegalStateException}), waits up to the confirm timeout for the publishing thread to have
   * ended, and closes the connection, which ends the AMQP client's threads. Later publishes fail.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Runnable queued : publisher.shutdownNow()) {
      breaker.releasePermission();
      ((Send) queued).fail(new IllegalStateException("the event sink was closed"));
    }
    try {
      long deadline = System.nanoTime() + settings.confirmTimeout.toNanos();
      boolean ended =
          publisher.awaitTermination(settings.confirmTimeout.toNanos(), TimeUnit.NANOSECONDS);
      Thread thread = publisherThread;
      if (thread != null && thread != Thread.currentThread()) {
        TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, deadline - System.nanoTime()));
        ended &= !thread.isAlive();
      }
      if (!ended) {
        LOG.warn("RabbitMQ event sink: the publishing thread did not stop in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connection.close();
  }

  /**
   * How long until the open breaker lets a batch try again: what is left of its open time, or a
   * moment while a trial batch is out (half open), never less than {@link #MIN_RETRY_AFTER}.
   */
  private Duration untilTrial() {
    Instant opened = openedAt;
    if (opened == null) {
      return settings.breakerOpenDuration;
    }
    Duration left =
        Duration.between(settings.clock.instant(), opened.plus(settings.breakerOpenDuration));
    return left.compareTo(MIN_RETRY_AFTER) < 0 ? MIN_RETRY_AFTER : left;
  }

  private void send(Send send) {
    if (send.result.isDone()) {
      breaker.releasePermission(); // timed out while queued
      return;
    }
    if (send.failuresBefore != failures.get()) {
      breaker.releasePermission();
      send.fail(
          unavailable(
              "an earlier batch failed; these events were not sent, publish them again", null));
      return;
    }
    long start = System.nanoTime();
    try {
      Channel ch = connection.channel();
      for (Message message : send.messages) {
        ch.basicPublish(
            settings.exchange, message.routingKey(), false, message.properties(), message.body());
      }
      boolean allAcked = ch.waitForConfirms(settings.confirmTimeout.toMillis());
      if (!allAcked) {
        throw unavailable(
            "RabbitMQ at " + where + " refused the events (negative acknowledgement)", null);
      }
      breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      send.succeed();
    } catch (InterruptedException e) {
      breaker.releasePermission();
      send.fail(new IllegalStateException("the event sink was closed", e));
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      connection.discardChannel();
      failed(
          send,
          start,
          unavailable(
              "RabbitMQ at "
                  + where
                  + " did not confirm the events within "
                  + settings.confirmTimeout,
              e));
    } catch (ChatException e) {
      failed(send, start, e);
    } catch (IOException | ShutdownSignalException e) {
      failed(send, start, unavailable(describe(e), e));
    } catch (RuntimeException e) {
      failed(send, start, unavailable("publishing to RabbitMQ at " + where + " failed: " + e, e));
    }
  }

  private void failed(Send send, long start, ChatException error) {
    breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, error);
    LOG.debug(
        "RabbitMQ event sink: a batch of {} failed: {}", send.messages.size(), error.getMessage());
    send.fail(error);
  }

  private byte[] body(ChatEvent event) {
    return settings.format == Format.JSON
        ? EventCodec.toJson(event).getBytes(StandardCharsets.UTF_8)
        : EventCodec.encode(event);
  }

  private AMQP.BasicProperties properties(ChatEvent event) {
    // message-id is an AMQP short string (255 bytes of UTF-8); an event id may be longer, so the
    // header always carries it and message-id whenever it fits
    String id = event.id();
    return new AMQP.BasicProperties.Builder()
        .messageId(id.getBytes(StandardCharsets.UTF_8).length <= 255 ? id : null)
        .headers(Map.of(EVENT_ID_HEADER, id))
        .type(event.type())
        .contentType(contentType)
        .timestamp(Date.from(event.at()))
        .deliveryMode(2)
        .appId("parley")
        .build();
  }

  private String describe(Exception e) {
    ShutdownSignalException shutdown =
        e instanceof ShutdownSignalException s
            ? s
            : e.getCause() instanceof ShutdownSignalException s ? s : null;
    if (shutdown != null
        && !shutdown.isHardError()
        && !shutdown.isInitiatedByApplication()
        && shutdown.getReason() instanceof AMQP.Channel.Close close) {
      return "RabbitMQ at "
          + where
          + " refused the events and closed the channel: "
          + close.getReplyText();
    }
    if (shutdown != null || e instanceof com.rabbitmq.client.AlreadyClosedException) {
      return "the connection to RabbitMQ at " + where + " was lost: " + e.getMessage();
    }
    return "cannot reach RabbitMQ at " + where + ": " + e;
  }

  private static ChatException unavailable(String message, Throwable cause) {
    return cause == null
        ? new ChatException(ErrorCode.UNAVAILABLE, message)
        : new ChatException(ErrorCode.UNAVAILABLE, message, cause);
  }

  /** One event, ready to send. */
  private record Message(String routingKey, AMQP.BasicProperties properties, byte[] body) {}

  /** One batch and its future. */
  private final class Send implements Runnable {
    final List<Message> messages;
    final long failuresBefore;
    final CompletableFuture<Void> result = new CompletableFuture<>();
    private final AtomicBoolean settled = new AtomicBoolean();

    Send(List<Message> messages, long failuresBefore) {
      this.messages = messages;
      this.failuresBefore = failuresBefore;
    }

    @Override
    public void run() {
      send(this);
    }

    void succeed() {
      if (settled.compareAndSet(false, true)) {
        result.complete(null);
      }
    }

    /** Counts the failure before completing, so that a publish from a callback is not failed. */
    void fail(Throwable error) {
      if (settled.compareAndSet(false, true)) {
        failures.incrementAndGet();
        result.completeExceptionally(error);
      }
    }
  }

  /**
   * Settings for a {@link RabbitMqEventSink}; {@link #build()} checks them and copies them. Not
   * thread-safe; the sink it builds is.
   */
  public static final class Builder {
    private String uri = "amqp://guest:guest@localhost:5672/%2f";
    private String exchange = DEFAULT_EXCHANGE;
    private Format format = Format.PROTOBUF;
    private Duration confirmTimeout = DEFAULT_CONFIRM_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration publishTimeout = DEFAULT_PUBLISH_TIMEOUT;
    private Duration recoveryInterval = DEFAULT_RECOVERY_INTERVAL;
    private int maxQueuedBatches = DEFAULT_MAX_QUEUED_BATCHES;
    private int breakerWindow = DEFAULT_BREAKER_WINDOW;
    private Duration breakerOpenDuration = DEFAULT_BREAKER_OPEN_DURATION;
    private SSLContext sslContext;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    private Builder copy() {
      Builder c = new Builder();
      c.uri = uri;
      c.exchange = exchange;
      c.format = format;
      c.confirmTimeout = confirmTimeout;
      c.connectTimeout = connectTimeout;
      c.publishTimeout = publishTimeout;
      c.recoveryInterval = recoveryInterval;
      c.maxQueuedBatches = maxQueuedBatches;
      c.breakerWindow = breakerWindow;
      c.breakerOpenDuration = breakerOpenDuration;
      c.sslContext = sslContext;
      c.clock = clock;
      return c;
    }

    /**
     * The broker, as an AMQP URI: {@code amqp://user:password@host:port/vhost} (the default vhost
     * {@code /} is written {@code %2f}), or {@code amqps://} for TLS, checked against {@link
     * #sslContext} (default: the JVM's trusted certificates) and the host name.
     */
    public Builder uri(String uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      return this;
    }

    /** The topic exchange to publish to (default {@value #DEFAULT_EXCHANGE}); declared durable. */
    public Builder exchange(String exchange) {
      Objects.requireNonNull(exchange, "exchange");
      if (exchange.isEmpty() || exchange.length() > 255 || exchange.startsWith("amq.")) {
        throw new IllegalArgumentException(
            "an exchange name has 1 to 255 characters and does not start with amq., not '"
                + exchange
                + "'");
      }
      this.exchange = exchange;
      return this;
    }

    /** How bodies are written (default {@link Format#PROTOBUF}). */
    public Builder format(Format format) {
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    /** How long the broker has to confirm a batch (default 5 s). */
    public Builder confirmTimeout(Duration timeout) {
      this.confirmTimeout = positive(timeout, "confirmTimeout");
      return this;
    }

    /** How long opening a connection may take (default 5 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * The longest a publish's future stays incomplete, time in the queue included (default 15 s);
     * then it fails, and the batch is not sent if it has not started.
     */
    public Builder publishTimeout(Duration timeout) {
      this.publishTimeout = positive(timeout, "publishTimeout");
      return this;
    }

    /** How often a lost connection is tried again (default 1 s). */
    public Builder recoveryInterval(Duration interval) {
      this.recoveryInterval = positive(interval, "recoveryInterval");
      return this;
    }

    /** Batches that may wait for the publishing thread (default 64); more fail at once. */
    public Builder maxQueuedBatches(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxQueuedBatches must be 1 or more, was " + max);
      }
      this.maxQueuedBatches = max;
      return this;
    }

    /**
     * The breaker: it opens when half or more of the last {@code window} batches failed, and then
     * refuses publishes for {@code openDuration} (defaults 4 and 5 s).
     */
    public Builder breaker(int window, Duration openDuration) {
      if (window < 1) {
        throw new IllegalArgumentException("the breaker window must be 1 or more, was " + window);
      }
      this.breakerWindow = window;
      this.breakerOpenDuration = positive(openDuration, "openDuration");
      return this;
    }

    /** The trusted certificates for an {@code amqps://} URI (default: the JVM's). */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /** The clock the breaker and the reconnect rule read (default: the system clock, UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Checks the settings and starts a sink (its publishing thread; it connects on the first
     * publish).
     *
     * @throws IllegalArgumentException if the URI is not an AMQP URI
     */
    public RabbitMqEventSink build() {
      ConnectionFactory factory = new ConnectionFactory();
      URI parsed;
      try {
        parsed = new URI(uri);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not a URI: " + e.getMessage(), e);
      }
      String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
        throw new IllegalArgumentException(
            "the RabbitMQ URI must start with amqp:// or amqps://, not '" + scheme + ":'");
      }
      try {
        factory.setUri(parsed);
        if (scheme.equals("amqps")) {
          factory.useSslProtocol(sslContext != null ? sslContext : SSLContext.getDefault());
          factory.enableHostnameVerification();
        }
      } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
        throw new IllegalArgumentException("not a usable AMQP URI: " + e.getMessage(), e);
      }
      factory.setAutomaticRecoveryEnabled(true);
      factory.setTopologyRecoveryEnabled(true);
      factory.setNetworkRecoveryInterval(recoveryInterval.toMillis());
      factory.setConnectionTimeout((int) connectTimeout.toMillis());
      factory.setHandshakeTimeout((int) connectTimeout.toMillis());
      factory.setChannelRpcTimeout((int) confirmTimeout.toMillis());
      String where =
          scheme
              + "://"
              + factory.getHost()
              + ":"
              + factory.getPort()
              + "/"
              + URLEncoder.encode(factory.getVirtualHost(), StandardCharsets.UTF_8);
      return new RabbitMqEventSink(this, factory, where);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(name + " must be positive and under 24 days, was " + d);
      }
      return d;
    }
  }
}
