package dev.parley.chat.store.jdbc;

import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.testkit.events.EventOutboxConformanceSuite;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * The outbox contract on PostgreSQL, one new schema per test, with a second store over the same
 * schema as a second node. Fails in CI and skips elsewhere when PostgreSQL is not running.
 */
class PostgresEventOutboxConformanceIT extends EventOutboxConformanceSuite {
  private final List<PostgresDatabase> databases = new ArrayList<>();
  private final Map<MessageStore, PostgresDatabase> owners = new IdentityHashMap<>();

  @Override
  protected MessageStore newStore() {
    PostgresDatabase db = PostgresDatabase.requireRunning();
    databases.add(db);
    MessageStore store = db.storeBuilder().exclusiveWriter(false).build();
    owners.put(store, db);
    return store;
  }

  @Override
  protected MessageStore newStoreOverSameStorage(MessageStore first) {
    return owners.get(first).storeBuilder().exclusiveWriter(false).build();
  }

  @AfterEach
  void dropSchemas() {
    for (PostgresDatabase db : databases) {
      db.close();
    }
    databases.clear();
  }
}
