package dev.parley.chat.store.jdbc;

/**
 * The store contract as several server processes sharing one PostgreSQL database run it: the store
 * is not the only writer, so every read checks the room's row first, and four writer threads commit
 * concurrently.
 */
class PostgresSharedMessageStoreConformanceIT extends PostgresMessageStoreConformanceIT {
  @Override
  JdbcMessageStoreBuilder configure(JdbcMessageStoreBuilder builder) {
    return builder.exclusiveWriter(false).writerThreads(4);
  }
}
