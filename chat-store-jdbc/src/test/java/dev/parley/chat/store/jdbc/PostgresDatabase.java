package dev.parley.chat.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The local PostgreSQL the tests use, and a fresh schema per use, dropped on close.
 *
 * <p>Where it is: {@code PARLEY_TEST_PG_URL} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test}), user {@code PARLEY_TEST_PG_USER} (default {@code
 * postgres}), password {@code PARLEY_TEST_PG_PASSWORD} (default empty). When it cannot be reached,
 * tests fail if the environment variable {@code CI} is {@code true} (CI must run them) and are
 * skipped otherwise, with a message saying how to run them.
 *
 * <p>Not thread-safe; one per test class or test.
 */
public final class PostgresDatabase implements AutoCloseable {
  public static final String URL =
      System.getenv().getOrDefault("PARLEY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  public static final String USER = System.getenv().getOrDefault("PARLEY_TEST_PG_USER", "postgres");
  public static final String PASSWORD = System.getenv().getOrDefault("PARLEY_TEST_PG_PASSWORD", "");

  private final String schema;

  private PostgresDatabase(String schema) {
    this.schema = schema;
  }

  /** Connects, or fails (in CI) or skips (elsewhere) the calling test. */
  public static PostgresDatabase requireRunning() {
    try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD)) {
      c.isValid(5);
    } catch (SQLException e) {
      String how =
          "PostgreSQL is not reachable at "
              + URL
              + " as "
              + USER
              + " ("
              + e.getMessage()
              + "). Start a local PostgreSQL with trust authentication and a database 'test',"
              + " or point PARLEY_TEST_PG_URL/USER/PASSWORD at one, to run these tests.";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("CI must run the PostgreSQL tests. " + how, e);
      }
      Assumptions.abort(how);
    }
    return new PostgresDatabase(
        "parley_test_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT));
  }

  /** A schema no one else uses, created by the store on first use. */
  public String schema() {
    return schema;
  }

  /** A store builder on this database's schema. */
  public JdbcMessageStoreBuilder storeBuilder() {
    return JdbcMessageStore.builder().jdbcUrl(URL, USER, PASSWORD).schema(schema);
  }

  /** Drops the schema and everything in it. */
  @Override
  public void close() {
    try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop test schema " + schema, e);
    }
  }
}
