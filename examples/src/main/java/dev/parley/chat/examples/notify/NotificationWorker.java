package dev.parley.chat.examples.notify;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.parley.chat.events.rabbitmq.RabbitMqEventSink;
import dev.parley.chat.protocol.EventCodec;
import dev.parley.chat.spi.ChatEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifies room members of the messages they were offline for, from Parley's events on RabbitMQ,
 * with one notification per member, room and coalescing window, and exactly-once effects in a JDBC
 * database. How it works, its tables and why it is exactly once: docs/notification-worker.md.
 *
 * <p><b>Queue.</b> On {@link Builder#build()} the worker declares the exchange (topic, durable, as
 * {@link RabbitMqEventSink} does), a durable queue ({@value #DEFAULT_QUEUE} unless configured) and
 * its bindings {@link #BINDING_KEYS}, and consumes from it with manual acknowledgements and a
 * prefetch. Bodies are decoded by their {@code content-type}: {@code application/json} with {@link
 * EventCodec#fromJson}, {@code application/x-protobuf} (or none) with {@link EventCodec#decode}.
 *
 * <p><b>State.</b> Room members (from {@code member.joined} and {@code member.left}), open windows,
 * the ids of events already applied and the notification log are tables in the {@link DataSource}
 * (H2 or PostgreSQL), created on start if missing. A stored message notifies the room's members
 * less the members it was delivered to live and less its sender. Per member and room, the first
 * such message opens a window of {@link Builder#window} from the message's time; later messages
 * inside it only count. When the window has ended by the worker's {@link Clock}, one notification
 * is written for it, with the count and the range of seqs.
 *
 * <p><b>Exactly-once effects.</b> Each event is applied in one transaction that first inserts its
 * id into the seen-ids table (a repeat finds it there, and nothing else happens), then changes the
 * tables; the message is acknowledged only after the commit. A failure before the commit rolls back
 * and returns the message to the queue; a crash after the commit and before the acknowledgement
 * brings the message back, and the seen-ids table absorbs it. A window is closed and its
 * notification row written in one transaction. The {@link Notifier} is called after that commit and
 * the row is marked delivered after it returns, so delivery is at least once, with a stable {@link
 * Notification#id()}.
 *
 * <p><b>Bad input.</b> A message that cannot be decoded (bad bytes, an unknown content type, an
 * event type from a later version) is logged, acknowledged and counted in {@link Stats#dropped()};
 * events of other types are acknowledged and counted in {@link Stats#ignored()}.
 *
 * <p><b>Threads.</b> Thread-safe: {@link #stats()} and {@link #close()} may be called from any
 * thread. Events are processed one at a time on the AMQP client's consumer thread for the worker's
 * channel. Windows are closed and the {@link Notifier} is called on the worker's one flusher thread
 * (every {@link Builder#flushInterval}, and at once after a transaction wrote a notification). A
 * worker's threads are named {@code parley-notify-<n>-...}; {@link #close()} ends them all.
 */
public final class NotificationWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationWorker.class);

  /** The queue when none is given. */
  public static final String DEFAULT_QUEUE = "parley.notifications";

  /** The routing keys the queue is bound with: stored messages, joins and leaves of every room. */
  public static final List<String> BINDING_KEYS =
      List.of("message.stored.*", "member.joined.*", "member.left.*");

  /** The coalescing window when none is given. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

  /** Unacknowledged messages the broker sends ahead, when no other number is given. */
  public static final int DEFAULT_PREFETCH = 32;

  /** How often due windows are closed and notifications delivered, when not configured. */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);

  /** How long the worker waits before returning a message it failed on, when not configured. */
  public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(1);

  /** How long event ids and delivered notifications are kept, when not configured. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

  /** The database when neither a data source nor a URL is given: an H2 file in the directory. */
  public static final String DEFAULT_JDBC_URL = "jdbc:h2:./parley-notifications";

  private static final int DELIVERY_BATCH = 100;
  private static final AtomicInteger WORKERS = new AtomicInteger();

  /**
   * What a worker has done so far, counted since it was built. Immutable and thread-safe.
   *
   * @param processed events applied (first deliveries of stored messages, joins and leaves)
   * @param duplicates deliveries of events applied before, skipped
   * @param ignored events of other types, acknowledged without effect
   * @param dropped messages that could not be decoded, acknowledged and dropped
   * @param failed attempts that failed before the commit and were returned to the queue
   * @param notificationsWritten notifications written to the log by this worker
   * @param delivered notifications the {@link Notifier} accepted
   * @param deliveryFailures calls to the {@link Notifier} that threw
   */
  public record Stats(
      long processed,
      long duplicates,
      long ignored,
      long dropped,
      long failed,
      long notificationsWritten,
      long delivered,
      long deliveryFailures) {}

  /** Test hooks: called inside the transaction before its commit, and after it. */
  interface Hooks {
    /** Called after the effect was applied, before the commit. */
    default void beforeCommit(ChatEvent event) throws Exception {}

    /** Called after the commit, before the acknowledgement. */
    default void afterCommit(ChatEvent event, NotificationWorker worker) throws Exception {}
  }

  private final int number = WORKERS.incrementAndGet();
  private final String queue;
  private final DataSource dataSource;
  private final HikariDataSource ownedDataSource;
  private final NotificationStore store;
  private final Notifier notifier;
  private final Clock clock;
  private final Duration retryDelay;
  private final Duration retention;
  private final Hooks hooks;
  private final ReentrantLock transactions = new ReentrantLock();
  private final ScheduledExecutorService flusher;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong ignored = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong deliveryFailures = new AtomicLong();
  private final AtomicLong flushes = new AtomicLong();
  private volatile long lastPruneMs;
  private Connection connection;
  private Channel channel;
  private String consumerTag;

  private NotificationWorker(Builder b) {
    this.queue = b.queue;
    if (b.dataSource != null) {
      this.dataSource = b.dataSource;
      this.ownedDataSource = null;
    } else {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(b.jdbcUrl);
      config.setUsername(b.jdbcUser);
      config.setPassword(b.jdbcPassword);
      config.setMaximumPoolSize(4);
      config.setMinimumIdle(1);
      config.setPoolName("parley-notify-" + number + "-db");
      this.ownedDataSource = new HikariDataSource(config);
      this.dataSource = ownedDataSource;
    }
    this.store = new NotificationStore(b.window);
    this.notifier = b.notifier;
    this.clock = b.clock;
    this.retryDelay = b.retryDelay;
    this.retention = b.retention;
    this.hooks = b.hooks;
    this.lastPruneMs = clock.millis();
    this.flusher = Executors.newSingleThreadScheduledExecutor(named("flusher", true));
  }

  /** A builder with the defaults: local RabbitMQ as guest, H2 file, {@link LoggingNotifier}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The queue this worker consumes. */
  public String queue() {
    return queue;
  }

  /** What the worker has done so far. */
  public Stats stats() {
    return new Stats(
        processed.get(),
        duplicates.get(),
        ignored.get(),
        dropped.get(),
        failed.get(),
        written.get(),
        delivered.get(),
        deliveryFailures.get());
  }

  private void start(Builder b) throws IOException {
    try {
      NotificationStore.createTables(dataSource);
    } catch (SQLException e) {
      throw new IOException("could not create the notification tables: " + e.getMessage(), e);
    }
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(b.uri);
    } catch (Exception e) {
      throw new IllegalArgumentException("not an AMQP URI: " + e.getMessage(), e);
    }
    factory.setThreadFactory(named("amqp", true));
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(b.recoveryInterval.toMillis());
    try {
      connection = factory.newConnection("parley-notification-worker-" + number);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("RabbitMQ did not answer in time", e);
    }
    channel = connection.createChannel();
    channel.exchangeDeclare(b.exchange, BuiltinExchangeType.TOPIC, true);
    channel.queueDeclare(queue, true, false, false, Map.of());
    for (String key : BINDING_KEYS) {
      channel.queueBind(queue, b.exchange, key);
    }
    channel.basicQos(b.prefetch);
    consumerTag =
        channel.basicConsume(
            queue,
            false,
            "parley-notify-" + number,
            new DefaultConsumer(channel) {
              @Override
              public void handleDelivery(
                  String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                onDelivery(envelope.getDeliveryTag(), properties, body);
              }

              @Override
              public void handleCancel(String tag) {
                LOG.warn("the broker cancelled the consumer of queue {} (was it deleted?)", queue);
              }
            });
    long every = b.flushInterval.toMillis();
    flusher.scheduleWithFixedDelay(this::flush, every, every, TimeUnit.MILLISECONDS);
    LOG.info("notification worker {} consuming {} from {}", number, queue, b.exchange);
  }

  private void onDelivery(long tag, AMQP.BasicProperties properties, byte[] body) {
    if (closed.get()) {
      return; // not acknowledged: closing the connection returns it to the queue
    }
    ChatEvent event;
    try {
      event = decode(properties.getContentType(), body);
    } catch (RuntimeException e) {
      dropped.incrementAndGet();
      LOG.warn(
          "dropping a message that is not an event this worker knows (event id header {},"
              + " content type {}, {} bytes): {}",
          eventIdHeader(properties),
          properties.getContentType(),
          body.length,
          e.toString());
      acknowledge(tag);
      return;
    }
    if (!(event instanceof ChatEvent.MessageStored
        || event instanceof ChatEvent.MemberJoined
        || event instanceof ChatEvent.MemberLeft)) {
      ignored.incrementAndGet();
      acknowledge(tag);
      return;
    }
    boolean applied;
    try {
      applied = apply(event);
    } catch (Exception e) {
      failed.incrementAndGet();
      LOG.warn("could not apply event {}; it goes back to the queue", event.id(), e);
      pause();
      reject(tag);
      return;
    }
    (applied ? processed : duplicates).incrementAndGet();
    try {
      hooks.afterCommit(event, this);
    } catch (Exception e) {
      LOG.warn("failed after applying event {}; it goes back to the queue", event.id(), e);
      reject(tag);
      return;
    }
    acknowledge(tag);
  }

  static ChatEvent decode(String contentType, byte[] body) {
    String type = contentType == null ? "" : contentType.split(";", 2)[0].trim();
    if (type.equalsIgnoreCase(EventCodec.JSON_CONTENT_TYPE)) {
      return EventCodec.fromJson(new String(body, StandardCharsets.UTF_8));
    }
    if (type.isEmpty() || type.equalsIgnoreCase(EventCodec.PROTOBUF_CONTENT_TYPE)) {
      return EventCodec.decode(body);
    }
    throw new IllegalArgumentException("unknown content type " + contentType);
  }

  /** Applies the event in one transaction; false if it had been applied before. */
  private boolean apply(ChatEvent event) throws Exception {
    transactions.lock();
    try (java.sql.Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        long now = clock.millis();
        if (!store.markSeen(c, event.id(), now)) {
          c.rollback();
          return false;
        }
        int notifications = 0;
        if (event instanceof ChatEvent.MessageStored m) {
          for (var user : store.recipients(c, m)) {
            notifications += store.addToWindow(c, user, m, now);
          }
        } else if (event instanceof ChatEvent.MemberJoined j) {
          store.changeMembership(c, j.roomId(), j.user(), true, j.at().toEpochMilli());
        } else if (event instanceof ChatEvent.MemberLeft l) {
          store.changeMembership(c, l.roomId(), l.user(), false, l.at().toEpochMilli());
        }
        hooks.beforeCommit(event);
        c.commit();
        if (notifications > 0) {
          written.addAndGet(notifications);
          flushSoon();
        }
        return true;
      } catch (Exception e) {
        try {
          c.rollback();
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } finally {
      transactions.unlock();
    }
  }

  private void flushSoon() {
    try {
      flusher.execute(this::flush);
    } catch (RejectedExecutionException closing) {
      // the worker is closing; the next worker's flush delivers it
    }
  }

  /** Closes the windows that have ended and delivers what is undelivered. On the flusher thread. */
  private void flush() {
    if (closed.get()) {
      return;
    }
    try {
      closeDueWindows();
      deliverUndelivered();
      pruneNowAndThen();
    } catch (Exception e) {
      LOG.warn("notification flush failed; trying again in a moment", e);
    } finally {
      flushes.incrementAndGet();
    }
  }

  /** For tests: how the names of this worker's threads begin. */
  String threadNamePrefix() {
    return "parley-notify-" + number + "-";
  }

  /** For tests: flushes completed so far. */
  long flushes() {
    return flushes.get();
  }

  private void closeDueWindows() throws SQLException {
    transactions.lock();
    try (java.sql.Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        int n = store.closeDueWindows(c, clock.millis());
        c.commit();
        written.addAndGet(n);
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } finally {
      transactions.unlock();
    }
  }

  private void deliverUndelivered() throws SQLException {
    while (!closed.get()) {
      List<Notification> batch;
      try (java.sql.Connection c = dataSource.getConnection()) {
        batch = store.undelivered(c, DELIVERY_BATCH);
      }
      for (Notification n : batch) {
        try {
          notifier.deliver(n);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (Exception e) {
          deliveryFailures.incrementAndGet();
          LOG.warn(
              "could not deliver notification {}; trying again later: {}", n.id(), e.toString());
          return;
        }
        try (java.sql.Connection c = dataSource.getConnection()) {
          store.markDelivered(c, n.id(), clock.millis());
        }
        delivered.incrementAndGet();
      }
      if (batch.size() < DELIVERY_BATCH) {
        return;
      }
    }
  }

  private void pruneNowAndThen() throws SQLException {
    long now = clock.millis();
    if (now - lastPruneMs < Math.max(60_000, retention.toMillis() / 100)) {
      return;
    }
    lastPruneMs = now;
    try (java.sql.Connection c = dataSource.getConnection()) {
      store.prune(c, now - retention.toMillis());
    }
  }

  private void pause() {
    try {
      Thread.sleep(retryDelay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acknowledge(long tag) {
    try {
      channel.basicAck(tag, false);
    } catch (IOException | RuntimeException e) {
      LOG.info("could not acknowledge delivery {} ({}); the broker will send it again", tag, e);
    }
  }

  private void reject(long tag) {
    try {
      channel.basicNack(tag, false, true);
    } catch (IOException | RuntimeException e) {
      LOG.info("could not return delivery {} ({}); the broker will send it again", tag, e);
    }
  }

  private static Object eventIdHeader(AMQP.BasicProperties properties) {
    Map<String, Object> headers = properties.getHeaders();
    return headers == null ? null : headers.get(RabbitMqEventSink.EVENT_ID_HEADER);
  }

  /** For tests: drops the broker connection at once, as if the process had died. */
  void abortConnection() {
    connection.abort();
  }

  private ThreadFactory named(String role, boolean daemon) {
    AtomicInteger threads = new AtomicInteger();
    return r -> {
      Thread t =
          new Thread(r, "parley-notify-" + number + "-" + role + "-" + threads.incrementAndGet());
      t.setDaemon(daemon);
      return t;
    };
  }

  /**
   * Stops consuming (unacknowledged messages go back to the queue), waits for the event being
   * applied, stops the flusher, closes the broker connection and, if the worker opened it, the
   * database pool. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (channel != null && channel.isOpen()) {
      try {
        channel.basicCancel(consumerTag);
      } catch (IOException | RuntimeException e) {
        LOG.debug("cancelling the consumer failed", e);
      }
    }
    transactions.lock(); // waits for a transaction under way
    transactions.unlock();
    flusher.shutdownNow();
    try {
      if (!flusher.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("the flusher of notification worker {} did not stop in time", number);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (connection != null) {
      connection.abort(5_000);
    }
    if (ownedDataSource != null) {
      ownedDataSource.close();
    }
    LOG.info("notification worker {} closed", number);
  }

  /**
   * Settings of a {@link NotificationWorker}. Not thread-safe. {@link #build()} reads the settings
   * as they are when it is called, so a builder may be changed and used again.
   */
  public static final class Builder {
    private String uri = "amqp://guest:guest@localhost:5672/%2f";
    private String exchange = RabbitMqEventSink.DEFAULT_EXCHANGE;
    private String queue = DEFAULT_QUEUE;
    private DataSource dataSource;
    private String jdbcUrl = DEFAULT_JDBC_URL;
    private String jdbcUser;
    private String jdbcPassword;
    private Notifier notifier = new LoggingNotifier();
    private Duration window = DEFAULT_WINDOW;
    private int prefetch = DEFAULT_PREFETCH;
    private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
    private Duration retryDelay = DEFAULT_RETRY_DELAY;
    private Duration recoveryInterval = Duration.ofSeconds(5);
    private Duration retention = DEFAULT_RETENTION;
    private Clock clock = Clock.systemUTC();
    private Hooks hooks = new Hooks() {};

    private Builder() {}

    /** The broker, as an AMQP URI such as {@code amqp://user:pass@host:5672/%2f}. */
    public Builder uri(String uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      return this;
    }

    /** The exchange the server's events are published to (default {@code parley.events}). */
    public Builder exchange(String exchange) {
      this.exchange = Objects.requireNonNull(exchange, "exchange");
      return this;
    }

    /**
     * The worker's durable queue (default {@value NotificationWorker#DEFAULT_QUEUE}); workers
     * sharing it share work.
     */
    public Builder queue(String queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
      return this;
    }

    /** The database; the worker does not close it. Overrides {@link #jdbcUrl}. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * The database by URL (H2 or PostgreSQL), in a small pool the worker opens and closes. Default
     * {@value NotificationWorker#DEFAULT_JDBC_URL}.
     */
    public Builder jdbcUrl(String url, String user, String password) {
      this.jdbcUrl = Objects.requireNonNull(url, "url");
      this.jdbcUser = user;
      this.jdbcPassword = password;
      this.dataSource = null;
      return this;
    }

    /** Where notifications go (default {@link LoggingNotifier}). */
    public Builder notifier(Notifier notifier) {
      this.notifier = Objects.requireNonNull(notifier, "notifier");
      return this;
    }

    /** How long a window stays open from its first message (default one minute). */
    public Builder window(Duration window) {
      this.window = positive(window, "window");
      return this;
    }

    /**
     * Unacknowledged messages the broker sends ahead (default {@value
     * NotificationWorker#DEFAULT_PREFETCH}).
     */
    public Builder prefetch(int prefetch) {
      if (prefetch < 1 || prefetch > 65_535) {
        throw new IllegalArgumentException("prefetch is 1 to 65535, not " + prefetch);
      }
      this.prefetch = prefetch;
      return this;
    }

    /** How often due windows are closed and notifications delivered (default one second). */
    public Builder flushInterval(Duration flushInterval) {
      this.flushInterval = positive(flushInterval, "flushInterval");
      return this;
    }

    /** How long to wait before returning a message the worker failed on (default one second). */
    public Builder retryDelay(Duration retryDelay) {
      Objects.requireNonNull(retryDelay, "retryDelay");
      if (retryDelay.isNegative()) {
        throw new IllegalArgumentException("retryDelay must not be negative");
      }
      this.retryDelay = retryDelay;
      return this;
    }

    /** How often the AMQP client tries to recover a lost connection (default five seconds). */
    public Builder recoveryInterval(Duration recoveryInterval) {
      this.recoveryInterval = positive(recoveryInterval, "recoveryInterval");
      return this;
    }

    /**
     * How long event ids and delivered notifications are kept (default seven days): longer than a
     * message can wait in the queue, or a late repeat would be applied again.
     */
    public Builder retention(Duration retention) {
      this.retention = positive(retention, "retention");
      return this;
    }

    /** The clock that closes windows and stamps rows (default the system's, UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    Builder hooks(Hooks hooks) {
      this.hooks = Objects.requireNonNull(hooks, "hooks");
      return this;
    }

    /**
     * Creates the tables if missing, connects, declares the exchange, queue and bindings, and
     * starts consuming.
     *
     * @throws IOException if the database or the broker cannot be reached
     */
    public NotificationWorker build() throws IOException {
      NotificationWorker worker;
      try {
        worker = new NotificationWorker(this);
      } catch (HikariPool.PoolInitializationException e) {
        throw new IOException("could not open the database: " + e.getMessage(), e);
      }
      try {
        worker.start(this);
        return worker;
      } catch (IOException | RuntimeException e) {
        worker.close();
        throw e;
      }
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
