package dev.parley.chat.server;

import dev.parley.chat.server.internal.EventSettings;
import dev.parley.chat.spi.EventSink;
import java.time.Duration;
import java.util.Objects;

/**
 * How a server hands its events (messages stored, rooms created, members joining and leaving, users
 * going online and offline) to an {@link EventSink}: given to {@link
 * ChatServerBuilder#events(EventOptions)}, which turns events on. Made with {@link
 * #builder(EventSink)}; every setting has a documented default.
 *
 * <p>Events go through the message store's outbox ({@code MessageStore.outbox()}): the JDBC store
 * writes a message's event in the message's own transaction, and one node of a cluster at a time
 * (the holder of the relay lease) publishes what waits to the sink, in order per room, removing
 * what the sink confirmed. Sending a message never waits for the sink. See docs/events.md.
 *
 * <pre>{@code
 * ChatServer server =
 *     ChatServer.builder()
 *         .messageStore(jdbcStore)
 *         .events(
 *             EventOptions.builder(RabbitMqEventSink.builder().uri(amqpUri).build())
 *                 .maxOutboxEvents(5_000_000)
 *                 .build())
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe. The server closes the sink when it stops.
 */
public final class EventOptions {
  /** Default of {@link Builder#maxOutboxEvents}: 1,000,000 events. */
  public static final long DEFAULT_MAX_OUTBOX_EVENTS = 1_000_000;

  /** Default of {@link Builder#batchSize}: 500 events. */
  public static final int DEFAULT_BATCH_SIZE = 500;

  /** Default of {@link Builder#pollInterval}: 200 ms. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(200);

  /** Default of {@link Builder#leaseTtl}: 15 seconds. */
  public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(15);

  /** Default of {@link Builder#publishTimeout}: 30 seconds. */
  public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(30);

  /** Default of {@link Builder#retry}: from 200 ms, doubling, to 10 seconds. */
  public static final Duration DEFAULT_RETRY_INITIAL = Duration.ofMillis(200);

  /** Default longest wait of {@link Builder#retry}: 10 seconds. */
  public static final Duration DEFAULT_RETRY_MAX = Duration.ofSeconds(10);

  /** Default of {@link Builder#backlogInterval}: 1 second. */
  public static final Duration DEFAULT_BACKLOG_INTERVAL = Duration.ofSeconds(1);

  private final EventSettings settings;

  private EventOptions(EventSettings settings) {
    this.settings = settings;
  }

  /** A builder for events going to {@code sink}. */
  public static Builder builder(EventSink sink) {
    return new Builder(sink);
  }

  /** Options with every default, for events going to {@code sink}. */
  public static EventOptions of(EventSink sink) {
    return builder(sink).build();
  }

  EventSettings settings() {
    return settings;
  }

  /** Builds {@link EventOptions}. Not thread-safe; {@link #build()} copies it. */
  public static final class Builder {
    private final EventSink sink;
    private long maxOutboxEvents = DEFAULT_MAX_OUTBOX_EVENTS;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration leaseTtl = DEFAULT_LEASE_TTL;
    private Duration publishTimeout = DEFAULT_PUBLISH_TIMEOUT;
    private Duration retryInitial = DEFAULT_RETRY_INITIAL;
    private Duration retryMax = DEFAULT_RETRY_MAX;
    private Duration backlogInterval = DEFAULT_BACKLOG_INTERVAL;

    private Builder(EventSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * The outbox's bound. While this many events wait (the sink has been unreachable for long), new
     * events are not written and are counted in {@code parley.events.dropped}; chat goes on. Size
     * it for the longest sink outage to ride out: events per second at peak times the outage's
     * seconds (docs/operations.md). Default {@value #DEFAULT_MAX_OUTBOX_EVENTS}.
     */
    public Builder maxOutboxEvents(long events) {
      if (events < 1) {
        throw new IllegalArgumentException("maxOutboxEvents must be at least 1, was " + events);
      }
      this.maxOutboxEvents = events;
      return this;
    }

    /** Most events published in one batch. Default {@value #DEFAULT_BATCH_SIZE}. */
    public Builder batchSize(int events) {
      if (events < 1 || events > 10_000) {
        throw new IllegalArgumentException("batchSize must be 1 to 10000, was " + events);
      }
      this.batchSize = events;
      return this;
    }

    /**
     * How often an idle relay looks for events that other nodes of the cluster wrote (its own node
     * wakes it within 100 ms). Default 200 ms.
     */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = positive(interval, "pollInterval");
      return this;
    }

    /**
     * How long the relay lease lasts unless its holder renews it (every third of it): a node that
     * dies while relaying is replaced by another after at most this long. Default 15 s.
     */
    public Builder leaseTtl(Duration ttl) {
      this.leaseTtl = positive(ttl, "leaseTtl");
      return this;
    }

    /**
     * How long the relay waits for the sink to confirm a batch before it counts as failed and is
     * published again. Default 30 s.
     */
    public Builder publishTimeout(Duration timeout) {
      this.publishTimeout = positive(timeout, "publishTimeout");
      return this;
    }

    /**
     * The relay's wait after a failed batch: {@code initial}, doubled per failure in a row, at most
     * {@code max}; or, when the sink's failure carries a retry-after (such as a breaker's time left
     * open), that. Default 200 ms to 10 s.
     */
    public Builder retry(Duration initial, Duration max) {
      positive(initial, "initial");
      positive(max, "max");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("max must not be below initial");
      }
      this.retryInitial = initial;
      this.retryMax = max;
      return this;
    }

    /** How often the outbox's size and oldest event are measured. Default 1 s. */
    public Builder backlogInterval(Duration interval) {
      this.backlogInterval = positive(interval, "backlogInterval");
      return this;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }

    /** The options; the builder can be used again. */
    public EventOptions build() {
      return new EventOptions(
          new EventSettings(
              sink,
              maxOutboxEvents,
              batchSize,
              pollInterval,
              leaseTtl,
              publishTimeout,
              retryInitial,
              retryMax,
              backlogInterval));
    }
  }
}
