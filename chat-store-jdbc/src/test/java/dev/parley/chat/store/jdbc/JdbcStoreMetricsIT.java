package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC store's meters (docs/metrics.md) move with appends and reads on a real H2 database. */
class JdbcStoreMetricsIT {
  @TempDir Path dir;

  @Test
  void appendsAndReadsAreRecorded() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RoomId room = RoomId.of("metered");
    try (JdbcMessageStore store =
        JdbcMessageStore.builder().h2File(dir.resolve("db")).meterRegistry(registry).build()) {
      assertThat(registry.get("parley.store.jdbc.queue.depth").gauge().value()).isZero();
      // the connection pool's own meters land in the same registry
      assertThat(
              registry.get("hikaricp.connections.max").tag("pool", "parley-store").gauge().value())
          .isPositive();
      List<CompletableFuture<?>> appends = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        appends.add(
            store.append(
                new AppendRequest(
                    room,
                    MessageId.of("m" + i),
                    UserId.of("alice"),
                    ClientMessageId.of("c" + i),
                    Instant.parse("2026-01-01T00:00:00Z"),
                    "hello " + i,
                    new byte[0])));
      }
      CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      var committed = registry.get("parley.store.jdbc.commit").tag("outcome", "committed").timer();
      assertThat(committed.count()).isBetween(1L, 20L);
      // every append went through exactly one committed transaction, however they were grouped
      assertThat(registry.get("parley.store.jdbc.batch.size").summary().totalAmount())
          .isEqualTo(20.0);
      assertThat(registry.get("parley.store.jdbc.batch.size").summary().count())
          .isEqualTo(committed.count());

      // the newest messages are cached: a read of them does not go to the database
      store.read(room, 15, ReadDirection.FORWARD, 5).get(30, TimeUnit.SECONDS);
      assertThat(registry.get("parley.store.jdbc.reads").tag("source", "cache").counter().count())
          .isEqualTo(1.0);
      assertThat(
              registry
                  .get("parley.store.jdbc.append.failures")
                  .tag("reason", "database")
                  .counter()
                  .count())
          .isZero();
    }
    assertThat(registry.find("parley.store.jdbc.queue.depth").gauge()).isNull();
  }

  @Test
  void anUncachedReadGoesToTheDatabase() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (JdbcMessageStore store =
        JdbcMessageStore.builder()
            .h2File(dir.resolve("db2"))
            .exclusiveWriter(false)
            .meterRegistry(registry)
            .build()) {
      store.position(RoomId.of("cold")).get(30, TimeUnit.SECONDS);
      assertThat(
              registry.get("parley.store.jdbc.reads").tag("source", "database").counter().count())
          .isEqualTo(1.0);
    }
  }
}
