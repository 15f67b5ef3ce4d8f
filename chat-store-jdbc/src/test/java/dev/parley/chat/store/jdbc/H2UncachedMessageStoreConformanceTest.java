package dev.parley.chat.store.jdbc;

/** The store contract on H2 with the cache off: every read goes to the database. */
class H2UncachedMessageStoreConformanceTest extends H2MessageStoreConformanceTest {
  @Override
  JdbcMessageStoreBuilder configure(JdbcMessageStoreBuilder builder) {
    return builder.cache(0, 0);
  }
}
