package dev.parley.chat.store.jdbc;

import java.util.Locale;

/**
 * The databases the store runs on. The SQL is standard except for what each constant names here.
 *
 * <p>Immutable and thread-safe.
 */
public enum SqlDialect {
  /** H2 2.x, embedded in the application's process (file or in-memory databases). */
  H2("VARBINARY"),
  /** PostgreSQL 12 or later. */
  POSTGRESQL("BYTEA");

  private final String binaryType;

  SqlDialect(String binaryType) {
    this.binaryType = binaryType;
  }

  /** The column type of variable-length bytes: the only difference in the schema. */
  public String binaryType() {
    return binaryType;
  }

  /**
   * The dialect of a JDBC URL.
   *
   * @throws IllegalArgumentException if the URL names a database the store does not support
   */
  public static SqlDialect forJdbcUrl(String jdbcUrl) {
    String url = jdbcUrl.toLowerCase(Locale.ROOT);
    if (url.startsWith("jdbc:h2:")) {
      return H2;
    }
    if (url.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "unsupported database URL "
            + jdbcUrl
            + ": the JDBC store runs on H2 (jdbc:h2:...) and PostgreSQL (jdbc:postgresql:...)");
  }
}
