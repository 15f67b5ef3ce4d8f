package dev.parley.chat.store.jdbc;

import dev.parley.chat.spi.EventOutbox;
import dev.parley.chat.spi.RoomAccessStore;
import dev.parley.chat.testkit.access.RoomAccessStoreConformanceSuite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The room access store contract on an H2 file database, one new file per test; a second message
 * store over the same file stands for another node.
 */
class H2RoomAccessStoreConformanceIT extends RoomAccessStoreConformanceSuite {
  @TempDir Path dir;
  private final List<JdbcMessageStore> stores = new ArrayList<>();
  private final Map<RoomAccessStore, JdbcMessageStore> messageStores = new IdentityHashMap<>();
  private final Map<RoomAccessStore, Path> files = new IdentityHashMap<>();
  private int databases;

  private RoomAccessStore open(Path file) {
    JdbcMessageStore store = JdbcMessageStore.builder().h2File(file).build();
    stores.add(store);
    files.put(store.roomAccessStore(), file);
    messageStores.put(store.roomAccessStore(), store);
    return store.roomAccessStore();
  }

  @Override
  protected RoomAccessStore newStore() {
    return open(dir.resolve("db" + databases++));
  }

  @Override
  protected RoomAccessStore sameStorage(RoomAccessStore store) {
    return open(files.get(store));
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
  }
}
