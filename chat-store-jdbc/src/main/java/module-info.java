/**
 * The durable JDBC message store. The database driver is the application's to add: {@code
 * com.h2database} (H2) or {@code org.postgresql.jdbc} (PostgreSQL), found through {@link
 * java.sql.DriverManager}. The schema migrations are opened so that Flyway can read them.
 */
module dev.parley.chat.store.jdbc {
  requires transitive dev.parley.chat.api;
  requires transitive java.sql;
  requires com.github.benmanes.caffeine;
  requires com.google.gson;
  requires com.zaxxer.hikari;
  requires flyway.core;
  requires org.slf4j;
  // Metrics: optional. Micrometer's core jar names itself micrometer.core (Automatic-Module-Name).
  requires static micrometer.core;

  exports dev.parley.chat.store.jdbc;

  opens dev.parley.chat.store.jdbc.migration;
}
