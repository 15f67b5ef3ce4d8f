package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.*;
import dev.parley.chat.spi.*;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
  @TempDir Path dir;

  @Test
  void h2() throws Exception {
    try (JdbcMessageStore s = JdbcMessageStore.builder().h2File(dir.resolve("db")).build()) {
      var r =
          s.append(
                  new AppendRequest(
                      RoomId.of("r"),
                      MessageId.of("m1"),
                      UserId.of("a"),
                      ClientMessageId.of("c1"),
                      Instant.now(),
                      "hi",
                      new byte[0]))
              .get();
      assertThat(r.message().seq()).isEqualTo(1);
      assertThat(s.read(RoomId.of("r"), 1, MessageStore.ReadDirection.FORWARD, 10).get().messages())
          .hasSize(1);
    }
  }

  @Test
  void pg() throws Exception {
    try (PostgresDatabase db = PostgresDatabase.requireRunning();
        JdbcMessageStore s = db.storeBuilder().build()) {
      var r =
          s.append(
                  new AppendRequest(
                      RoomId.of("r"),
                      MessageId.of("m1"),
                      UserId.of("a"),
                      ClientMessageId.of("c1"),
                      Instant.now(),
                      "hi\u0000",
                      new byte[0]))
              .get();
      assertThat(r.message().seq()).isEqualTo(1);
      assertThat(s.read(RoomId.of("r"), 1, MessageStore.ReadDirection.FORWARD, 10).get().messages())
          .hasSize(1);
    }
  }
}
