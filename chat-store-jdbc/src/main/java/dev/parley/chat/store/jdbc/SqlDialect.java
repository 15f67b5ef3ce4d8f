package dev.parley.chat.store.jdbc;

import java.util.Locale;

/**
 * The databases the store runs on. The SQL is standard except for what each constant names here.
 *
 * <p>Immutable and thread-safe.
 */
public enum SqlDialect {
  /** H2 2.x, embedded in the application's process (file or in-memory databases). */
  H2("VARBINARY", "org.h2.Driver", "com.h2database:h2"),
  /** PostgreSQL 12 or later. */
  POSTGRESQL("BYTEA", "org.postgresql.Driver", "org.postgresql:postgresql");

  private final String binaryType;
  private final String driverClass;
  private final String driverArtifact;

  SqlDialect(String binaryType, String driverClass, String driverArtifact) {
    this.binaryType = binaryType;
    this.driverClass = driverClass;
    this.driverArtifact = driverArtifact;
  }

  /** The column type of variable-length bytes: the only difference in the schema. */
  public String binaryType() {
    return binaryType;
  }

  /** The class name of the database's JDBC driver. */
  String driverClass() {
    return driverClass;
  }

  /** The Maven coordinates (groupId:artifactId) of the database's JDBC driver. */
  String driverArtifact() {
    return driverArtifact;
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
