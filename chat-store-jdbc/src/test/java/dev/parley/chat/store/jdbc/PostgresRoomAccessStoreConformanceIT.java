package dev.parley.chat.store.jdbc;

import dev.parley.chat.spi.EventOutbox;
import dev.parley.chat.spi.RoomAccessStore;
import dev.parley.chat.testkit.access.RoomAccessStoreConformanceSuite;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

/**
 * The room access store contract on PostgreSQL, one new schema per test; a second message store
 * over the same schema stands for another node. Fails in CI and skips elsewhere when PostgreSQL is
 * not running (see {@link PostgresDatabase}).
 */
class PostgresRoomAccessStoreConformanceIT extends RoomAccessStoreConformanceSuite {
  private final List<PostgresDatabase> databases = new ArrayList<>();
  private final List<JdbcMessageStore> stores = new ArrayList<>();
  private final Map<RoomAccessStore, JdbcMessageStore> messageStores = new IdentityHashMap<>();
  private final Map<RoomAccessStore, PostgresDatabase> owners = new IdentityHashMap<>();

  private RoomAccessStore open(PostgresDatabase db) {
    JdbcMessageStore store = db.storeBuilder().exclusiveWriter(false).build();
    stores.add(store);
    owners.put(store.roomAccessStore(), db);
    messageStores.put(store.roomAccessStore(), store);
    return store.roomAccessStore();
  }

  @Override
  protected RoomAccessStore newStore() {
    PostgresDatabase db = PostgresDatabase.requireRunning();
    databases.add(db);
    return open(db);
  }

  @Override
  protected RoomAccessStore sameStorage(RoomAccessStore store) {
    return open(owners.get(store));
  }

  /** The outbox of the message store that made {@code store}, which it writes its events to. */
  @Override
  protected Optional<EventOutbox> outboxOf(RoomAccessStore store) {
    return messageStores.get(store).outbox();
  }

  @AfterEach
  void closeStores() {
    stores.forEach(JdbcMessageStore::close);
    stores.clear();
    messageStores.clear();
    databases.forEach(PostgresDatabase::close);
    databases.clear();
  }
}
