package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An append the database refuses fails alone, with an error that does not carry the message's text;
 * the other senders' appends committed with it in one batch are stored. (The refused sender's own
 * later appends to the room would fail with it: a failed append is never overtaken by its sender.)
 */
class PostgresFailureIT {
  @Test
  void aRefusedAppendFailsAloneAndItsErrorHoldsNoText() throws Exception {
    try (PostgresDatabase db = PostgresDatabase.requireRunning();
        JdbcMessageStore store = db.storeBuilder().build()) {
      RoomId room = RoomId.of("refusing");
      store.append(request(room, "alice", "warmup", "ok")).get(10, TimeUnit.SECONDS);
      try (Connection c =
              DriverManager.getConnection(
                  PostgresDatabase.URL, PostgresDatabase.USER, PostgresDatabase.PASSWORD);
          Statement s = c.createStatement()) {
        // the database now refuses bodies of 20 bytes or more
        s.execute(
            "ALTER TABLE "
                + db.schema()
                + ".parley_message ADD CONSTRAINT short_only CHECK"
                + " (octet_length(body) < 20)");
      }
      String secret = "the secret plan is tomorrow";
      List<CompletableFuture<AppendResult>> batch = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        batch.add(
            store.append(
                i == 25
                    ? request(room, "bob", "c" + i, secret)
                    : request(room, "alice", "c" + i, "fine " + i)));
      }
      int stored = 0;
      Throwable refused = null;
      for (CompletableFuture<AppendResult> f : batch) {
        try {
          f.get(30, TimeUnit.SECONDS);
          stored++;
        } catch (ExecutionException e) {
          refused = e.getCause();
        }
      }
      assertThat(stored).isEqualTo(49);
      assertThat(refused).isInstanceOf(JdbcStoreException.class);
      String hex = HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));
      for (Throwable t = refused; t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage()))
            .doesNotContain(secret)
            .doesNotContainIgnoringCase(hex);
      }
      assertThat(refused.getMessage()).contains("short_only");
      assertThat(store.position(room).get().headSeq()).isEqualTo(50);
    }
  }

  private static AppendRequest request(RoomId room, String sender, String clientId, String text) {
    return new AppendRequest(
        room,
        MessageId.of("M" + clientId),
        UserId.of(sender),
        ClientMessageId.of(clientId),
        Instant.now(),
        text,
        new byte[0]);
  }
}
