package dev.parley.chat.store.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import dev.parley.chat.spi.EventOutbox;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.RoomPosition;
import dev.parley.chat.store.jdbc.internal.AppendWriter;
import dev.parley.chat.store.jdbc.internal.JdbcEventOutbox;
import dev.parley.chat.store.jdbc.internal.RoomCache;
import dev.parley.chat.store.jdbc.internal.RoomRow;
import dev.parley.chat.store.jdbc.internal.StoreMetrics;
import dev.parley.chat.store.jdbc.internal.StoreQueries;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable {@link MessageStore} on JDBC, for H2 (embedded, the default) and PostgreSQL. Build one
 * with {@link #builder()}; it creates or migrates its tables (Flyway) when built, or, with {@link
 * JdbcMessageStoreBuilder#connectInBackground()}, on its own thread once the database answers.
 *
 * <p>How it keeps the {@link MessageStore} contract:
 *
 * <ul>
 *   <li>Appends are queued and committed by writer threads, many per transaction (group commit). In
 *       that transaction each room's row is locked, seqs continue from its head, and the message
 *       rows are inserted: seqs are gapless and in commit order even when several processes share
 *       the database. Unique constraints on (room, seq) and (sender, client message id) back this
 *       up.
 *   <li>An append's future completes only after its transaction committed. On PostgreSQL the store
 *       runs with {@code synchronous_commit = on}: the commit's WAL record is on disk, so nothing
 *       acknowledged is lost when Parley, PostgreSQL or the machine crashes (given {@code fsync =
 *       on}; the store warns at start when it is off). On H2 it sets {@code WRITE_DELAY 0}: each
 *       commit is written to the database file before it returns, so nothing acknowledged is lost
 *       when the process is killed; a power failure may lose what the operating system had not yet
 *       written to the disk. There is no faster, weaker mode: a database that loses acknowledged
 *       appends would give their seqs again under the same epoch, which clients cannot detect.
 *   <li>Reads come from an in-memory cache of each hot room's newest messages when it holds the
 *       whole range asked for, otherwise from the database, on reader threads.
 *   <li>Each room has a random epoch, chosen when its row is created, so it changes only if the
 *       room's history is lost (the row is gone). Seqs are never reused: retention moves the oldest
 *       kept seq forward and never lowers the head.
 * </ul>
 *
 * <p>Thread-safe. Append futures complete on the store's completion thread ({@code
 * parley-store-completer-0}), in commit order; read futures on its reader threads, or on the
 * caller's thread when the cache answers. Callers must not block in their continuations.
 */
public final class JdbcMessageStore implements MessageStore {
  private static final Logger log = LoggerFactory.getLogger(JdbcMessageStore.class);
  private static final String MIGRATIONS = "classpath:dev/parley/chat/store/jdbc/migration";

  private final SqlDialect dialect;
  private final HikariDataSource ownedPool;
  private final boolean exclusive;
  private final int cachedMessagesPerRoom;
  private final Cache<RoomId, RoomCache> caches;
  private final AppendWriter writer;
  private final ExecutorService readers;
  private final ExecutorService completer;
  private final ScheduledExecutorService sweeper;
  private final StoreQueries queries;
  private final Retention retention;
  private final Clock clock;
  private final StoreMetrics metrics;
  private final ScheduledExecutorService initialiser;
  private volatile boolean initialised;
  private final ExecutorService accessThreads;
  private final JdbcRoomAccessStore roomAccess;
  private final ExecutorService outboxThread;
  private final JdbcEventOutbox outbox;
  private volatile int failedAttempts;

  private JdbcMessageStore(
      JdbcMessageStoreBuilder b, DataSource dataSource, HikariDataSource pool, boolean ready) {
    this.initialised = ready;
    this.initialiser =
        ready ? null : Executors.newSingleThreadScheduledExecutor(daemon("parley-store-init-"));
    this.dialect = b.dialect;
    this.ownedPool = pool;
    this.exclusive = b.exclusive;
    this.cachedMessagesPerRoom = b.cachedMessagesPerRoom;
    this.retention = b.retention;
    this.clock = b.clock;
    this.metrics = StoreMetrics.create(b.meterRegistry);
    this.caches = Caffeine.newBuilder().maximumSize(b.cachedRooms).executor(Runnable::run).build();
    this.queries = new StoreQueries(dataSource, b.random);
    // a pool of our own sets synchronous_commit on every connection; someone else's, per
    // transaction
    String setup =
        pool == null && dialect == SqlDialect.POSTGRESQL
            ? "SET LOCAL synchronous_commit TO on"
            : null;
    this.completer = Executors.newSingleThreadExecutor(daemon("parley-store-completer-"));
    this.writer =
        new AppendWriter(
            dataSource,
            setup,
            b.writerThreads,
            b.groupCommit ? b.maxBatchSize : 1,
            b.maxPendingAppends,
            b.retention.maxMessagesPerRoom(),
            b.random,
            this::committed,
            this::knownRoom,
            completer,
            metrics);
    this.readers = Executors.newFixedThreadPool(b.readerThreads, daemon("parley-store-reader-"));
    this.accessThreads = Executors.newFixedThreadPool(2, daemon("parley-store-access-"));
    this.outboxThread = Executors.newSingleThreadExecutor(daemon("parley-store-outbox-"));
    this.outbox = new JdbcEventOutbox(dataSource, outboxThread, clock, () -> initialised);
    this.roomAccess = new JdbcRoomAccessStore(dataSource, accessThreads, outbox);
    if (b.retention.age().isPresent()) {
      long every = b.retentionSweepInterval.toMillis();
      this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("parley-store-retention-"));
      sweeper.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    } else {
      this.sweeper = null;
    }
  }

  /**
   * The {@link dev.parley.chat.spi.RoomAccessStore} in this store's database, over its connection
   * pool: give it to every node's {@code ChatServerBuilder.roomAccessStore} so that bans, mutes,
   * roles and visibility hold across a cluster. Closed with this store.
   */
  public JdbcRoomAccessStore roomAccessStore() {
    return roomAccess;
  }

  /**
   * The transactional outbox of events, in table {@code parley_event_outbox}: a stored message's
   * event is written in the append's transaction when the request asks for one. Shared by every
   * store over the same database, with one relay lease among them.
   */
  @Override
  public Optional<EventOutbox> outbox() {
    return Optional.of(outbox);
  }

  /** A builder; choose the database with one of its {@code h2File}, {@code jdbcUrl}, ... */
  public static JdbcMessageStoreBuilder builder() {
    return new JdbcMessageStoreBuilder();
  }

  static JdbcMessageStore open(JdbcMessageStoreBuilder b) {
    if (b.connectInBackground) {
      HikariDataSource pool = b.dataSource == null ? pool(b) : null;
      DataSource dataSource = pool != null ? pool : b.dataSource;
      JdbcMessageStore store = new JdbcMessageStore(b, dataSource, pool, false);
      store.initialiser.execute(new Initialiser(store, b, dataSource));
      return store;
    }
    HikariDataSource pool = null;
    DataSource dataSource = b.dataSource;
    try {
      if (dataSource == null) {
        pool = pool(b);
        dataSource = pool;
      }
      prepareDatabase(b, dataSource);
      migrate(b, dataSource);
      JdbcMessageStore store = new JdbcMessageStore(b, dataSource, pool, true);
      logOpened(b);
      return store;
    } catch (SQLException | RuntimeException e) {
      if (pool != null) {
        pool.close();
      }
      if (e instanceof JdbcStoreException j) {
        throw j;
      }
      throw new JdbcStoreException("could not open the message store: " + e.getMessage(), e);
    }
  }

  private static void logOpened(JdbcMessageStoreBuilder b) {
    log.info(
        "Parley JDBC message store on {}: {}, {} writer thread(s)",
        b.dialect,
        b.groupCommit ? "group commit up to " + b.maxBatchSize + " appends" : "no group commit",
        b.writerThreads);
  }

  /**
   * Connects and migrates on the store's initialiser thread until it succeeds, waiting longer after
   * each failure. Warns at the first failure and then at most once a minute; the others are logged
   * at debug.
   */
  private static final class Initialiser implements Runnable {
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** The failure with its cause: the pool's timeout says little without the driver's reason. */
    private static String describe(Throwable e) {
      Throwable cause = e.getCause();
      return cause == null || cause == e ? e.toString() : e + " (" + cause + ")";
    }

    private final JdbcMessageStore store;
    private final JdbcMessageStoreBuilder b;
    private final DataSource dataSource;
    private long delayNanos;
    private int failures;
    private long lastWarn;

    Initialiser(JdbcMessageStore store, JdbcMessageStoreBuilder b, DataSource dataSource) {
      this.store = store;
      this.b = b;
      this.dataSource = dataSource;
      this.delayNanos = b.firstRetry.toNanos();
    }

    @Override
    public void run() {
      try {
        prepareDatabase(b, dataSource);
        migrate(b, dataSource);
        store.initialised = true;
        store.initialiser.shutdown();
        if (failures > 0) {
          log.info("Reached the database after {} failed attempt(s)", failures);
        }
        logOpened(b);
      } catch (SQLException | RuntimeException e) {
        if (store.initialiser.isShutdown()) {
          return; // closed meanwhile
        }
        failures++;
        store.failedAttempts = failures;
        long now = System.nanoTime();
        if (failures == 1 || now - lastWarn >= WARN_EVERY_NANOS) {
          lastWarn = now;
          log.warn(
              "Waiting for the database to create or migrate the message store's tables ({} failed"
                  + " attempt(s), next in {} ms; appends and reads fail until then): {}",
              failures,
              TimeUnit.NANOSECONDS.toMillis(delayNanos),
              describe(e));
        } else {
          log.debug("Database still unreachable (attempt {}): {}", failures, describe(e));
        }
        try {
          store.initialiser.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
          return;
        }
        delayNanos = Math.min(delayNanos * 2, b.maxRetry.toNanos());
      }
    }
  }

  private static HikariDataSource pool(JdbcMessageStoreBuilder b) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("parley-store");
    config.setJdbcUrl(b.jdbcUrl);
    config.setUsername(b.user);
    config.setPassword(b.password);
    config.setMaximumPoolSize(b.writerThreads + b.readerThreads + 2);
    config.setMinimumIdle(1);
    long timeout = b.connectionTimeout.toMillis();
    // how long an append or read waits for a connection; at start, how long the store tries to
    // reach the database (a node started during a failover waits for the new primary)
    config.setConnectionTimeout(timeout);
    // in the background the store's own initialiser waits for the database instead
    config.setInitializationFailTimeout(b.connectInBackground ? -1 : timeout);
    // a connection taken after being idle is checked first (isValid, within this); a broken one
    // (its database died, or failed over) is dropped from the pool as soon as a statement on it
    // fails, and the next connection is opened afresh, on whatever host the URL finds
    config.setValidationTimeout(Math.min(5_000, timeout));
    // idle connections are tested this often, so the pool holds few dead ones when it is needed
    config.setKeepaliveTime(KEEPALIVE.toMillis());
    // the pool's own meters (hikaricp.connections.*, tag pool=parley-store) in the same registry
    Object registry = StoreMetrics.resolve(b.meterRegistry);
    if (registry != null) {
      config.setMetricRegistry(registry);
    }
    if (b.schema != null) {
      config.setSchema(b.schema);
    }
    if (b.dialect == SqlDialect.POSTGRESQL) {
      config.setConnectionInitSql("SET synchronous_commit TO on");
      postgresTimeouts(b).forEach(config::addDataSourceProperty);
    }
    return new HikariDataSource(config);
  }

  private static final Duration KEEPALIVE = Duration.ofSeconds(30);

  /**
   * The PostgreSQL driver's timeouts for the store's own pool. Parameters in the URL win over these
   * (the driver reads the URL last).
   */
  static Map<String, String> postgresTimeouts(JdbcMessageStoreBuilder b) {
    long seconds = Math.max(1, b.connectionTimeout.toSeconds());
    return Map.of(
        // per host tried: a multi-host URL moves on to the next host after this
        "connectTimeout", Long.toString(Math.min(5, seconds)),
        "loginTimeout", Long.toString(seconds),
        "socketTimeout", Long.toString(b.socketTimeout.toSeconds()),
        "tcpKeepAlive", "true",
        // a multi-host URL remembers which host was the primary for this long; a failed-over
        // database is found again sooner
        "hostRecheckSeconds", "2");
  }

  private static void prepareDatabase(JdbcMessageStoreBuilder b, DataSource dataSource)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      if (b.dialect == SqlDialect.H2) {
        // 0: every commit is written to the database file before commit() returns
        s.execute("SET WRITE_DELAY 0");
      } else {
        try (ResultSet r = s.executeQuery("SHOW fsync")) {
          if (r.next() && !"on".equalsIgnoreCase(r.getString(1))) {
            log.warn(
                "PostgreSQL runs with fsync = {}: a crash of its machine can lose acknowledged"
                    + " messages",
                r.getString(1));
          }
        }
      }
    }
  }

  private static void migrate(JdbcMessageStoreBuilder b, DataSource dataSource) {
    var flyway =
        Flyway.configure(JdbcMessageStore.class.getClassLoader())
            .dataSource(dataSource)
            .locations(MIGRATIONS)
            .table("parley_schema_history")
            // through SLF4J like the rest of Parley, even when no SLF4J provider is present (auto
            // detection would then fall back to java.util.logging and print to stderr)
            .loggers("slf4j")
            .placeholders(Map.of("binary_type", b.dialect.binaryType()));
    if (b.schema != null) {
      flyway = flyway.schemas(b.schema).defaultSchema(b.schema).createSchemas(true);
    }
    flyway.load().migrate();
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Whether the store has reached its database and created or migrated its tables. Always {@code
   * true} unless built with {@link JdbcMessageStoreBuilder#connectInBackground()}; then {@code
   * false} until its initialiser succeeded, and appends and reads fail meanwhile.
   */
  public boolean isInitialised() {
    return initialised;
  }

  /**
   * How many times the store's initialiser has failed to reach or migrate the database (with {@link
   * JdbcMessageStoreBuilder#connectInBackground()}; otherwise 0). It stops counting once the store
   * is initialised.
   */
  public int failedInitialisationAttempts() {
    return failedAttempts;
  }

  private <T> CompletableFuture<T> notInitialised() {
    return CompletableFuture.failedFuture(
        new JdbcStoreException(
            "the message store has not reached its database yet; try again later", null));
  }

  /** The database this store runs on. */
  public SqlDialect dialect() {
    return dialect;
  }

  @Override
  public CompletableFuture<AppendResult> append(AppendRequest request) {
    if (!initialised) {
      return notInitialised();
    }
    return writer.append(request);
  }

  private void committed(RoomId room, List<ChatMessage> added, RoomRow row) {
    RoomCache cache = cache(room);
    cache.learn(row);
    cache.add(added);
  }

  private boolean knownRoom(RoomId room) {
    RoomCache cache = caches.getIfPresent(room);
    return cache != null && cache.row() != null;
  }

  private RoomCache cache(RoomId room) {
    return caches.get(room, r -> new RoomCache(cachedMessagesPerRoom));
  }

  @Override
  public CompletableFuture<HistorySlice> read(
      RoomId room, long fromSeq, ReadDirection direction, int limit) {
    Optional<IllegalArgumentException> invalid = MessageStore.checkRead(fromSeq, limit);
    if (invalid.isPresent()) {
      return CompletableFuture.failedFuture(invalid.get());
    }
    if (!initialised) {
      return notInitialised();
    }
    RoomCache cache = cache(room);
    RoomRow known = exclusive ? cache.row() : null;
    if (known != null) {
      Optional<HistorySlice> hit = StoreQueries.fromCache(cache, known, fromSeq, direction, limit);
      if (hit.isPresent()) {
        metrics.read(true);
        return CompletableFuture.completedFuture(hit.get());
      }
    }
    metrics.read(false);
    return onReader(() -> queries.read(cache, room, fromSeq, direction, limit));
  }

  @Override
  public CompletableFuture<RoomPosition> position(RoomId room) {
    if (!initialised) {
      return notInitialised();
    }
    RoomCache cache = cache(room);
    RoomRow known = exclusive ? cache.row() : null;
    if (known != null) {
      metrics.read(true);
      return CompletableFuture.completedFuture(known.position());
    }
    metrics.read(false);
    return onReader(() -> queries.position(cache, room));
  }

  /**
   * The blobs that kept messages reference, from the {@code parley_message_blob} rows each append
   * writes in its transaction and each trim removes with its messages. Answered on a reader thread.
   */
  @Override
  public CompletableFuture<Set<String>> referencedBlobs() {
    if (!initialised) {
      return notInitialised();
    }
    return onReader(queries::referencedBlobs, "could not read the referenced blobs: ");
  }

  private <T> CompletableFuture<T> onReader(SqlSupplier<T> work) {
    return onReader(work, "could not read history: ");
  }

  private <T> CompletableFuture<T> onReader(SqlSupplier<T> work, String failure) {
    Supplier<T> task =
        () -> {
          try {
            return work.get();
          } catch (SQLException e) {
            throw new JdbcStoreException(failure + e.getMessage(), e);
          }
        };
    try {
      return CompletableFuture.supplyAsync(task, readers);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new IllegalStateException("the store is closed", e));
    }
  }

  @FunctionalInterface
  private interface SqlSupplier<T> {
    T get() throws SQLException;
  }

  /**
   * Removes, in every room, the messages older than the retention's age limit (only from each
   * room's oldest end), as the periodic sweep does. Does nothing without an age limit.
   *
   * @return how many messages were removed
   * @throws JdbcStoreException if the database fails
   */
  public long trimExpired() {
    Optional<Duration> age = retention.age();
    if (age.isEmpty()) {
      return 0;
    }
    try {
      return queries.trimOlderThan(
          clock.instant().minus(age.get()), (room, row) -> cache(room).learn(row));
    } catch (SQLException e) {
      throw new JdbcStoreException("could not trim expired messages: " + e.getMessage(), e);
    }
  }

  private void sweepQuietly() {
    if (!initialised) {
      return;
    }
    try {
      long removed = trimExpired();
      if (removed > 0) {
        log.debug("Retention removed {} expired messages", removed);
      }
    } catch (RuntimeException e) {
      log.warn("Retention sweep failed; will try again: {}", e.toString());
    }
  }

  /**
   * Commits the appends already queued, then stops the store's threads and closes its connection
   * pool (not a data source given to the builder). Appends made after this fail.
   */
  @Override
  public void close() {
    if (initialiser != null) {
      initialiser.shutdownNow();
      try {
        if (!initialiser.awaitTermination(10, TimeUnit.SECONDS)) {
          log.warn("The message store's initialiser did not stop within 10 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    writer.close();
    completer.shutdown();
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    readers.shutdown();
    accessThreads.shutdown();
    outboxThread.shutdown();
    try {
      if (!accessThreads.awaitTermination(10, TimeUnit.SECONDS)) {
        accessThreads.shutdownNow();
      }
      if (!readers.awaitTermination(10, TimeUnit.SECONDS)) {
        readers.shutdownNow();
      }
      if (!outboxThread.awaitTermination(10, TimeUnit.SECONDS)) {
        outboxThread.shutdownNow();
      }
      if (sweeper != null) {
        sweeper.awaitTermination(10, TimeUnit.SECONDS);
      }
      completer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownedPool != null) {
      ownedPool.close();
    }
  }
}
