package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.chat.testkit.store.AppendFault;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source over a pool that can lose the connection its next user takes: that user is held
 * until {@link #failHeld()}, which takes the connection away from under it. On PostgreSQL the
 * database itself ends every connection of the pool ({@code pg_terminate_backend}, from a separate
 * connection); on H2 the held connection's commit fails as a lost connection's does (SQLSTATE
 * 08006), after its statements ran. Thread-safe.
 */
final class LosingDataSource implements DataSource, AppendFault, AutoCloseable {
  private final HikariDataSource pool;
  private final String applicationName;
  private final AtomicBoolean holdNext = new AtomicBoolean();
  private final AtomicBoolean broken = new AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicInteger commitsToBreak =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile CountDownLatch held = new CountDownLatch(1);
  private volatile CountDownLatch released = new CountDownLatch(1);

  private LosingDataSource(HikariDataSource pool, String applicationName) {
    this.pool = pool;
    this.applicationName = applicationName;
  }

  /** Over a new pool on the H2 database file {@code file}. */
  static LosingDataSource h2(java.nio.file.Path file) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:file:" + file.toAbsolutePath());
    config.setUsername("sa");
    config.setPassword("");
    config.setMaximumPoolSize(6);
    return new LosingDataSource(new HikariDataSource(config), null);
  }

  /** Over a new pool on {@code db}'s schema, its connections named after the schema. */
  static LosingDataSource postgres(PostgresDatabase db) {
    HikariConfig config = new HikariConfig();
    String url = PostgresDatabase.URL;
    config.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + db.schema());
    config.setUsername(PostgresDatabase.USER);
    config.setPassword(PostgresDatabase.PASSWORD);
    config.setSchema(db.schema());
    config.setMaximumPoolSize(6);
    return new LosingDataSource(new HikariDataSource(config), db.schema());
  }

  @Override
  public void holdNextWrite() {
    held = new CountDownLatch(1);
    released = new CountDownLatch(1);
    holdNext.set(true);
  }

  @Override
  public void awaitHeld(long timeoutSeconds) throws InterruptedException {
    assertThat(held.await(timeoutSeconds, TimeUnit.SECONDS))
        .as("the store took a connection to write")
        .isTrue();
  }

  @Override
  public void failHeld() {
    if (applicationName != null) {
      terminateBackends();
    } else {
      broken.set(true);
    }
    released.countDown();
  }

  /** Ends, from the database side, every connection this pool has open now. */
  int terminateBackends() {
    try (Connection c =
            DriverManager.getConnection(
                PostgresDatabase.URL, PostgresDatabase.USER, PostgresDatabase.PASSWORD);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE application_name = ? AND pid <> pg_backend_pid()")) {
      s.setString(1, applicationName);
      try (var r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not terminate the pool's connections", e);
    }
  }

  /** Breaks the commits of the next {@code n} connections taken (H2's lost connections). */
  void breakNextCommits(int n) {
    commitsToBreak.set(n);
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = pool.getConnection();
    if (!holdNext.compareAndSet(true, false)) {
      if (commitsToBreak.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return commitFails(c);
      }
      return c;
    }
    held.countDown();
    try {
      if (!released.await(60, TimeUnit.SECONDS)) {
        c.close();
        throw new SQLException("held for a minute without being released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      c.close();
      throw new SQLException("interrupted while held", e);
    }
    return broken.compareAndSet(true, false) ? commitFails(c) : c;
  }

  /** {@code c}, except that its commit fails as a lost connection's does. */
  private static Connection commitFails(Connection c) {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("commit")) {
                throw new SQLException("the connection was lost", "08006");
              }
              try {
                return method.invoke(c, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("only the pool's own user");
  }

  @Override
  public void close() {
    pool.close();
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return pool.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return pool.isWrapperFor(type);
  }
}
