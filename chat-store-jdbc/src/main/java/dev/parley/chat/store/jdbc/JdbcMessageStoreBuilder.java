package dev.parley.chat.store.jdbc;

import dev.parley.chat.store.jdbc.internal.StoreMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;

/**
 * Configures a {@link JdbcMessageStore}. Choose the database with exactly one of {@link #h2File},
 * {@link #jdbcUrl} or {@link #dataSource}; everything else has a default suited to chat.
 *
 * <p>Not thread-safe: configure it on one thread, then call {@link #build()}.
 */
public final class JdbcMessageStoreBuilder {
  /** Default most appends committed in one transaction. */
  public static final int DEFAULT_MAX_BATCH = 512;

  /** Default appends waiting for a writer before new ones are refused. */
  public static final int DEFAULT_MAX_PENDING_APPENDS = 65_536;

  /** Default recent messages kept in memory per hot room, to serve resumes without a read. */
  public static final int DEFAULT_CACHED_MESSAGES_PER_ROOM = 512;

  /** Default rooms whose recent messages are kept in memory. */
  public static final long DEFAULT_CACHED_ROOMS = 10_000;

  /** Default interval between sweeps for messages past the age limit. */
  public static final Duration DEFAULT_RETENTION_SWEEP_INTERVAL = Duration.ofMinutes(1);

  /**
   * Default longest wait for a database connection: an append or read that waits longer fails (the
   * server answers {@code UNAVAILABLE}, which clients retry).
   */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Default longest wait for the database's answer on an open PostgreSQL connection before the
   * connection is given up as dead.
   */
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Default wait before the second attempt to reach the database with {@link
   * #connectInBackground()}.
   */
  public static final Duration DEFAULT_FIRST_RETRY = Duration.ofMillis(500);

  /**
   * Default longest wait between attempts to reach the database with {@link
   * #connectInBackground()}.
   */
  public static final Duration DEFAULT_MAX_RETRY = Duration.ofSeconds(30);

  String jdbcUrl;
  String user;
  String password;
  DataSource dataSource;
  SqlDialect dialect;
  String schema;
  boolean groupCommit = true;
  int maxBatchSize = DEFAULT_MAX_BATCH;
  int writerThreads;
  int readerThreads = 2;
  int maxPendingAppends = DEFAULT_MAX_PENDING_APPENDS;
  Retention retention = Retention.KEEP_ALL;
  Duration retentionSweepInterval = DEFAULT_RETENTION_SWEEP_INTERVAL;
  int cachedMessagesPerRoom = DEFAULT_CACHED_MESSAGES_PER_ROOM;
  long cachedRooms = DEFAULT_CACHED_ROOMS;
  boolean exclusive = true;
  Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
  Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;
  Clock clock = Clock.systemUTC();
  RandomGenerator random;
  // Object, not MeterRegistry: the builder must load and run without Micrometer.
  Object meterRegistry = StoreMetrics.GLOBAL_REGISTRY;
  boolean connectInBackground;
  Duration firstRetry = DEFAULT_FIRST_RETRY;
  Duration maxRetry = DEFAULT_MAX_RETRY;

  JdbcMessageStoreBuilder() {}

  /**
   * Stores messages in an H2 database file at {@code file} (H2 adds {@code .mv.db}), created with
   * its folders when missing. Only one process may open it at a time. Needs H2's driver, {@code
   * com.h2database:h2}, in the application's dependencies.
   */
  public JdbcMessageStoreBuilder h2File(Path file) {
    Objects.requireNonNull(file, "file");
    return jdbcUrl("jdbc:h2:file:" + file.toAbsolutePath(), "sa", "");
  }

  /**
   * Connects with a JDBC URL ({@code jdbc:h2:...} or {@code jdbc:postgresql://...}); the store
   * opens and closes its own connection pool. The database's driver must be on the class path or
   * module path: this module brings neither, so add {@code com.h2database:h2} or {@code
   * org.postgresql:postgresql} to the application ({@link #build()} says which is missing).
   */
  public JdbcMessageStoreBuilder jdbcUrl(String jdbcUrl, String user, String password) {
    this.dialect = SqlDialect.forJdbcUrl(Objects.requireNonNull(jdbcUrl, "jdbcUrl"));
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.dataSource = null;
    return this;
  }

  /**
   * Uses the application's own pool; the store never closes it. Its connections must allow
   * transactions ({@code setAutoCommit(false)}); on PostgreSQL they should run with {@code
   * synchronous_commit = on} (the store sets it on each transaction it opens).
   */
  public JdbcMessageStoreBuilder dataSource(DataSource dataSource, SqlDialect dialect) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    this.jdbcUrl = null;
    return this;
  }

  /**
   * The PostgreSQL schema of the store's tables, created if missing. Default: the connection's
   * current schema ({@code public}).
   */
  public JdbcMessageStoreBuilder schema(String schema) {
    if (!schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
      throw new IllegalArgumentException(
          "schema must be a plain SQL identifier (letters, digits, _), was " + schema);
    }
    this.schema = schema;
    return this;
  }

  /**
   * Whether concurrent appends share transactions. Default {@code true}. With {@code false} every
   * append commits alone (one disk flush each): slower, and only useful to measure the difference.
   */
  public JdbcMessageStoreBuilder groupCommit(boolean groupCommit) {
    this.groupCommit = groupCommit;
    return this;
  }

  /** The most appends one transaction commits. Default {@value #DEFAULT_MAX_BATCH}. */
  public JdbcMessageStoreBuilder maxBatchSize(int maxBatchSize) {
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("maxBatchSize must be positive, was " + maxBatchSize);
    }
    this.maxBatchSize = maxBatchSize;
    return this;
  }

  /**
   * Threads (each with its own connection) that commit appends. Rooms are shared out among them by
   * hash, and each room's appends are committed by its one thread in arrival order, so a sender's
   * messages keep their order; more threads help only with many rooms. Default: 1 on H2, which
   * writes one file anyway; 2 on PostgreSQL with group commit; 16 without.
   */
  public JdbcMessageStoreBuilder writerThreads(int writerThreads) {
    if (writerThreads < 1) {
      throw new IllegalArgumentException("writerThreads must be positive, was " + writerThreads);
    }
    this.writerThreads = writerThreads;
    return this;
  }

  /** Threads that read history the cache cannot serve. Default 2. */
  public JdbcMessageStoreBuilder readerThreads(int readerThreads) {
    if (readerThreads < 1) {
      throw new IllegalArgumentException("readerThreads must be positive, was " + readerThreads);
    }
    this.readerThreads = readerThreads;
    return this;
  }

  /**
   * Appends that may wait to be committed, shared evenly among the writer threads (each holds
   * {@code maxPendingAppends / writerThreads}); more fail at once (the server answers {@code
   * UNAVAILABLE}, which clients retry). Default {@value #DEFAULT_MAX_PENDING_APPENDS}.
   */
  public JdbcMessageStoreBuilder maxPendingAppends(int maxPendingAppends) {
    if (maxPendingAppends < 1) {
      throw new IllegalArgumentException(
          "maxPendingAppends must be positive, was " + maxPendingAppends);
    }
    this.maxPendingAppends = maxPendingAppends;
    return this;
  }

  /** How much history each room keeps. Default {@link Retention#KEEP_ALL}. */
  public JdbcMessageStoreBuilder retention(Retention retention) {
    this.retention = Objects.requireNonNull(retention, "retention");
    return this;
  }

  /**
   * How often messages past {@link Retention#maxAge()} are removed. Default one minute. {@link
   * JdbcMessageStore#trimExpired()} runs a sweep at once.
   */
  public JdbcMessageStoreBuilder retentionSweepInterval(Duration interval) {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("interval must be positive, was " + interval);
    }
    this.retentionSweepInterval = interval;
    return this;
  }

  /**
   * Recent messages kept in memory per room, and how many rooms. Defaults {@value
   * #DEFAULT_CACHED_MESSAGES_PER_ROOM} and {@value #DEFAULT_CACHED_ROOMS}; 0 messages turns the
   * cache off. The limit counts messages, not bytes: size it for the heap.
   */
  public JdbcMessageStoreBuilder cache(int messagesPerRoom, long rooms) {
    if (messagesPerRoom < 0 || rooms < 0) {
      throw new IllegalArgumentException("cache sizes must not be negative");
    }
    this.cachedMessagesPerRoom = messagesPerRoom;
    this.cachedRooms = rooms;
    return this;
  }

  /**
   * Whether this store is the only writer of its database. Default {@code true}: the store knows
   * every room's head without asking the database, and a resume near the head is served from
   * memory. Set {@code false} when several server processes share one database; each read then
   * looks up the room's head (one primary-key read) before using the cache.
   */
  public JdbcMessageStoreBuilder exclusiveWriter(boolean exclusive) {
    this.exclusive = exclusive;
    return this;
  }

  /**
   * How long the store waits for a connection from its pool (its own, with {@link #jdbcUrl}) before
   * the append or read fails; also how long {@link #build()} tries to reach the database, and, on
   * PostgreSQL, how long logging in may take. While a database fails over, appends fail after this
   * long and clients resend them. At least one second; default 10 seconds ({@link
   * #DEFAULT_CONNECTION_TIMEOUT}).
   */
  public JdbcMessageStoreBuilder connectionTimeout(Duration timeout) {
    this.connectionTimeout = atLeastOneSecond(timeout, "connectionTimeout");
    return this;
  }

  /**
   * PostgreSQL with {@link #jdbcUrl} only: how long the store waits for an answer on an open
   * connection before giving the connection up (the driver's {@code socketTimeout}). Without it, a
   * primary whose machine vanished, or a network that drops packets, would hold a writer thread
   * until the operating system gave up on the connection, many minutes later. The append fails, not
   * acknowledged, and clients resend it. It must exceed the longest statement the store runs (a
   * commit that waits for a synchronous standby, a retention sweep); {@link Duration#ZERO} waits
   * forever. A {@code socketTimeout} parameter in the URL wins. Default 30 seconds ({@link
   * #DEFAULT_SOCKET_TIMEOUT}).
   */
  public JdbcMessageStoreBuilder socketTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (!timeout.isZero()) {
      atLeastOneSecond(timeout, "socketTimeout");
    }
    this.socketTimeout = timeout;
    return this;
  }

  private static Duration atLeastOneSecond(Duration timeout, String name) {
    Objects.requireNonNull(timeout, name);
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(name + " must be at least 1 second, was " + timeout);
    }
    return timeout;
  }

  /** The clock for age-based retention. Default: the system clock in UTC. */
  public JdbcMessageStoreBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** Where new rooms' epochs come from. Default: a {@link SecureRandom}. */
  public JdbcMessageStoreBuilder random(RandomGenerator random) {
    this.random = Objects.requireNonNull(random, "random");
    return this;
  }

  /**
   * Where the store records its meters (group-commit transactions, batch sizes, queue depth,
   * failures, cache and database reads; the list is in {@code docs/metrics.md}). Micrometer ({@code
   * io.micrometer:micrometer-core}) is optional: call this only with Micrometer on the class path.
   * Default: Micrometer's {@code Metrics.globalRegistry} when Micrometer is on the class path,
   * nothing when it is not. {@code null} records nothing.
   */
  // An application that calls this reads micrometer.core itself (it made the registry).
  @SuppressWarnings("exports")
  public JdbcMessageStoreBuilder meterRegistry(MeterRegistry registry) {
    this.meterRegistry = registry;
    return this;
  }

  /**
   * Lets {@link #build()} return at once, also while the database is unreachable: the store then
   * connects and creates or migrates its tables on its own thread ({@code parley-store-init-0}),
   * trying again after 500 ms ({@link #DEFAULT_FIRST_RETRY}), doubling up to 30 seconds ({@link
   * #DEFAULT_MAX_RETRY}), until it succeeds. Until then every append and read fails at once with a
   * {@link JdbcStoreException} (the server answers {@code UNAVAILABLE}, which clients retry) and
   * {@link JdbcMessageStore#isInitialised()} is {@code false}. {@link JdbcMessageStore#close()}
   * stops the attempts. Default: off, {@link #build()} connects and migrates before it returns and
   * throws when it cannot.
   */
  public JdbcMessageStoreBuilder connectInBackground() {
    return connectInBackground(DEFAULT_FIRST_RETRY, DEFAULT_MAX_RETRY);
  }

  /**
   * As {@link #connectInBackground()}, waiting {@code firstRetry} after the first failed attempt,
   * doubling each time up to {@code maxRetry}. Each attempt itself waits up to {@link
   * #connectionTimeout} for a connection.
   */
  public JdbcMessageStoreBuilder connectInBackground(Duration firstRetry, Duration maxRetry) {
    Objects.requireNonNull(firstRetry, "firstRetry");
    Objects.requireNonNull(maxRetry, "maxRetry");
    if (firstRetry.isNegative() || firstRetry.isZero() || maxRetry.compareTo(firstRetry) < 0) {
      throw new IllegalArgumentException(
          "need 0 < firstRetry <= maxRetry, was " + firstRetry + " and " + maxRetry);
    }
    this.connectInBackground = true;
    this.firstRetry = firstRetry;
    this.maxRetry = maxRetry;
    return this;
  }

  /**
   * Connects, creates or migrates the tables, and starts the writer threads. With {@link
   * #connectInBackground()} it only starts the threads and returns; the store connects and migrates
   * on its own thread.
   *
   * @throws IllegalStateException if no database was chosen, or if the chosen database's JDBC
   *     driver is on neither the class path nor the module path (the message names the artifact to
   *     add)
   * @throws JdbcStoreException if the database cannot be reached or migrated (not with {@link
   *     #connectInBackground()})
   */
  public JdbcMessageStore build() {
    if (jdbcUrl == null && dataSource == null) {
      throw new IllegalStateException(
          "choose a database: h2File(...), jdbcUrl(...) or dataSource(...)");
    }
    if (jdbcUrl != null) {
      requireDriver(
          dialect,
          List.of(
              Thread.currentThread().getContextClassLoader(),
              JdbcMessageStoreBuilder.class.getClassLoader()));
    }
    if (writerThreads == 0) {
      writerThreads = dialect == SqlDialect.H2 ? 1 : groupCommit ? 2 : 16;
    }
    if (random == null) {
      random = new SecureRandom();
    }
    return JdbcMessageStore.open(this);
  }

  /**
   * Fails with a message naming the artifact to add when none of {@code loaders} (null ones are
   * skipped) can load the dialect's JDBC driver. The store's pool finds drivers through {@link
   * java.sql.DriverManager}, which would otherwise only say "no suitable driver".
   */
  static void requireDriver(SqlDialect dialect, List<ClassLoader> loaders) {
    for (ClassLoader loader : loaders) {
      if (loader == null) {
        continue;
      }
      try {
        Class.forName(dialect.driverClass(), false, loader);
        return;
      } catch (ClassNotFoundException | LinkageError e) {
        // not visible to this loader: try the next
      }
    }
    throw new IllegalStateException(
        "no JDBC driver for "
            + dialect
            + " ("
            + dialect.driverClass()
            + ") on the class path or module path: add the dependency "
            + dialect.driverArtifact()
            + " to the application (chat-store-jdbc does not bring a database driver)");
  }
}
