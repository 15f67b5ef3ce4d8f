package dev.parley.chat.store.jdbc;

import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.testkit.store.MessageStoreConformanceSuite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on an H2 file database, one new database file per test. */
class H2MessageStoreConformanceIT extends MessageStoreConformanceSuite {
  @TempDir Path dir;
  private final Map<MessageStore, Path> files = new IdentityHashMap<>();
  private int databases;

  private MessageStore open(Path file, Retention retention) {
    MessageStore store =
        configure(JdbcMessageStore.builder().h2File(file).retention(retention)).build();
    files.put(store, file);
    return store;
  }

  /** Options of the stores under test. */
  JdbcMessageStoreBuilder configure(JdbcMessageStoreBuilder builder) {
    return builder;
  }

  @Override
  protected MessageStore newStore() {
    return open(dir.resolve("db" + databases++), Retention.KEEP_ALL);
  }

  @Override
  protected MessageStore newStoreKeepingAtMost(int maxPerRoom) {
    return open(dir.resolve("db" + databases++), Retention.keepLatest(maxPerRoom));
  }

  @Override
  protected MessageStore reopen(MessageStore closed) {
    return open(files.get(closed), Retention.KEEP_ALL);
  }

  private final List<LosingDataSource> pools = new ArrayList<>();

  @Override
  protected StoreWithFault newStoreWithAppendFault() {
    LosingDataSource pool = LosingDataSource.h2(dir.resolve("db" + databases++));
    pools.add(pool);
    MessageStore store =
        configure(JdbcMessageStore.builder().dataSource(pool, SqlDialect.H2)).build();
    return new StoreWithFault(store, pool);
  }

  @AfterEach
  void closePools() {
    // runs before the suite closes its stores; a store's writers stop with their pool gone
    pools.forEach(LosingDataSource::close);
    pools.clear();
  }
}
