package dev.parley.chat.store.jdbc;

import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.testkit.store.MessageStoreConformanceSuite;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * The store contract on PostgreSQL, one new schema per store. Fails in CI and skips elsewhere when
 * PostgreSQL is not running (see {@link PostgresDatabase}).
 */
class PostgresMessageStoreConformanceIT extends MessageStoreConformanceSuite {
  private final List<PostgresDatabase> databases = new ArrayList<>();
  private final Map<MessageStore, PostgresDatabase> owners = new IdentityHashMap<>();

  private MessageStore open(PostgresDatabase db, Retention retention) {
    MessageStore store = configure(db.storeBuilder().retention(retention)).build();
    owners.put(store, db);
    return store;
  }

  /** Options of the stores under test. */
  JdbcMessageStoreBuilder configure(JdbcMessageStoreBuilder builder) {
    return builder;
  }

  private PostgresDatabase newDatabase() {
    PostgresDatabase db = PostgresDatabase.requireRunning();
    databases.add(db);
    return db;
  }

  @Override
  protected MessageStore newStore() {
    return open(newDatabase(), Retention.KEEP_ALL);
  }

  @Override
  protected MessageStore newStoreKeepingAtMost(int maxPerRoom) {
    return open(newDatabase(), Retention.keepLatest(maxPerRoom));
  }

  @Override
  protected MessageStore reopen(MessageStore closed) {
    return open(owners.get(closed), Retention.KEEP_ALL);
  }

  private final List<LosingDataSource> pools = new ArrayList<>();

  @Override
  protected StoreWithFault newStoreWithAppendFault() {
    PostgresDatabase db = newDatabase();
    LosingDataSource pool = LosingDataSource.postgres(db);
    pools.add(pool);
    MessageStore store =
        configure(db.storeBuilder().dataSource(pool, SqlDialect.POSTGRESQL)).build();
    return new StoreWithFault(store, pool);
  }

  /** Runs after the suite's own clean-up (subclass after-methods run first, so close here). */
  @AfterEach
  void dropSchemas() {
    // the suite closes its stores after this method; a schema dropped under an open pool is fine
    // for PostgreSQL, and the pool is closed right after
    pools.forEach(LosingDataSource::close);
    pools.clear();
    for (PostgresDatabase db : databases) {
      db.close();
    }
    databases.clear();
  }
}
