package dev.parley.chat.store.jdbc;

/**
 * The store contract on H2 with the cache off, so every read goes to the database, and with three
 * writer threads, so transactions on one room wait for each other's row locks.
 */
class H2UncachedMessageStoreConformanceIT extends H2MessageStoreConformanceIT {
  @Override
  JdbcMessageStoreBuilder configure(JdbcMessageStoreBuilder builder) {
    return builder.cache(0, 0).writerThreads(3);
  }
}
