package dev.parley.chat.examples.notify;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The services the notification worker's tests use: the local RabbitMQ, and a fresh H2 or
 * PostgreSQL database per test.
 *
 * <p>RabbitMQ is at {@code PARLEY_TEST_RABBITMQ_URI} (default {@code
 * amqp://guest:guest@127.0.0.1:5672/%2f}), PostgreSQL at {@code PARLEY_TEST_PG_URL} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test}, user {@code PARLEY_TEST_PG_USER}, default {@code
 * postgres}, password {@code PARLEY_TEST_PG_PASSWORD}, default empty). When one cannot be reached,
 * the tests that need it fail if the environment variable {@code CI} is {@code true} and are
 * skipped otherwise, with a message saying how to run them.
 *
 * <p>Thread-safe.
 */
final class TestServices {
  static final String RABBITMQ_URI =
      System.getenv()
          .getOrDefault("PARLEY_TEST_RABBITMQ_URI", "amqp://guest:guest@127.0.0.1:5672/%2f");
  static final String PG_URL =
      System.getenv().getOrDefault("PARLEY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String PG_USER = System.getenv().getOrDefault("PARLEY_TEST_PG_USER", "postgres");
  static final String PG_PASSWORD = System.getenv().getOrDefault("PARLEY_TEST_PG_PASSWORD", "");

  private TestServices() {}

  /** Returns if RabbitMQ answers; fails (in CI) or skips (elsewhere) the calling test otherwise. */
  static void requireRabbitMq() {
    try {
      connect().close();
    } catch (Exception e) {
      URI u = URI.create(RABBITMQ_URI);
      unavailable(
          "RabbitMQ",
          "RabbitMQ is not reachable at "
              + u.getHost()
              + ":"
              + (u.getPort() < 0 ? 5672 : u.getPort())
              + " ("
              + e
              + "). Start a local RabbitMQ (rabbitmq-server -detached, user guest) on port 5672,"
              + " or point PARLEY_TEST_RABBITMQ_URI at one, to run these tests.");
    }
  }

  /** A new connection to the broker, for the tests' own publishing and admin actions. */
  static Connection connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(RABBITMQ_URI);
    factory.setAutomaticRecoveryEnabled(false);
    return factory.newConnection("parley-notify-test");
  }

  /** A name no other test or run uses, such as {@code parley.test.notify.1a2b3c4d}. */
  static String unique(String kind) {
    return "parley.test."
        + kind
        + "."
        + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
  }

  /** A database of its own, dropped on close. */
  interface TestDatabase extends AutoCloseable {
    DataSource dataSource();

    @Override
    void close() throws SQLException;
  }

  /** An H2 database in memory, kept until closed. */
  static TestDatabase h2() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:notify-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return new TestDatabase() {
      @Override
      public DataSource dataSource() {
        return ds;
      }

      @Override
      public void close() throws SQLException {
        try (java.sql.Connection c = ds.getConnection();
            Statement s = c.createStatement()) {
          s.execute("SHUTDOWN");
        }
      }
    };
  }

  /** A schema of its own in the local PostgreSQL; fails (in CI) or skips when it is not there. */
  static TestDatabase postgres() throws SQLException {
    String schema = "parley_notify_" + UUID.randomUUID().toString().replace("-", "");
    try (java.sql.Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      unavailable(
          "PostgreSQL",
          "PostgreSQL is not reachable at "
              + PG_URL
              + " as "
              + PG_USER
              + " ("
              + e.getMessage()
              + "). Start a local PostgreSQL with trust authentication and a database 'test',"
              + " or point PARLEY_TEST_PG_URL/USER/PASSWORD at one, to run these tests.");
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(PG_URL);
    ds.setUser(PG_USER);
    ds.setPassword(PG_PASSWORD);
    ds.setCurrentSchema(schema);
    return new TestDatabase() {
      @Override
      public DataSource dataSource() {
        return ds;
      }

      @Override
      public void close() throws SQLException {
        try (java.sql.Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
            Statement s = c.createStatement()) {
          s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
      }
    };
  }

  private static void unavailable(String service, String how) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("CI must run the " + service + " tests. " + how);
    }
    Assumptions.abort(how);
  }
}
