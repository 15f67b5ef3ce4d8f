package dev.parley.chat.store.jdbc;

import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.testkit.events.EventOutboxConformanceSuite;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The outbox contract on an H2 file database, one new file per test. */
class H2EventOutboxConformanceIT extends EventOutboxConformanceSuite {
  @TempDir Path dir;
  private int databases;

  @Override
  protected MessageStore newStore() {
    return JdbcMessageStore.builder().h2File(dir.resolve("db" + databases++)).build();
  }
}
