package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.RoomAccessStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC outbox is part of the append's transaction, and of a room change's: a message or a
 * change and its events stand or fall together.
 */
class JdbcEventOutboxIT {
  @TempDir Path dir;

  private static AppendRequest request(String id, boolean withEvent) {
    return request(id, "alice", withEvent);
  }

  private static AppendRequest request(String id, String sender, boolean withEvent) {
    return new AppendRequest(
        RoomId.of("lobby"),
        MessageId.of("m" + id),
        UserId.of(sender),
        ClientMessageId.of("c-" + id),
        Instant.now(),
        "text " + id,
        new byte[0],
        List.of(),
        withEvent ? Set.of(UserId.of("bob")) : null);
  }

  @Test
  void anEventThatCannotBeWrittenFailsItsAppendAndStoresNothing() throws Exception {
    Path file = dir.resolve("db");
    String url = "jdbc:h2:file:" + file.toAbsolutePath();
    try (MessageStore store = JdbcMessageStore.builder().h2File(file).build()) {
      store.append(request("1", true)).get(10, TimeUnit.SECONDS);
      try (Connection c = DriverManager.getConnection(url, "sa", "");
          Statement s = c.createStatement()) {
        s.execute("ALTER TABLE parley_event_outbox RENAME TO parley_event_outbox_away");
      }

      assertThatThrownBy(() -> store.append(request("2", true)).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(JdbcStoreException.class);
      // without an event the room takes the next message: the failed one left no seq behind. (From
      // another sender: alice's own next append may be fenced behind her failed one for a moment
      // after she heard of it, a refusal to resend that keeps her messages in order.)
      assertThat(
              store.append(request("3", "carol", false)).get(10, TimeUnit.SECONDS).message().seq())
          .isEqualTo(2);

      try (Connection c = DriverManager.getConnection(url, "sa", "");
          Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM parley_message")) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(2);
        }
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM parley_event_outbox_away")) {
          rs.next();
          assertThat(rs.getLong(1)).as("only the first message's event").isEqualTo(1);
        }
      }
    }
  }

  @Test
  void aRoomChangeWhoseEventCannotBeWrittenIsUndone() throws Exception {
    Path file = dir.resolve("db");
    String url = "jdbc:h2:file:" + file.toAbsolutePath();
    RoomId room = RoomId.of("team");
    UserId alice = UserId.of("alice");
    UserId bob = UserId.of("bob");
    RoomAccessStore.ChangeEvents joined =
        (before, after) ->
            List.of(new ChatEvent.MemberJoined("e-" + after, Instant.now(), room, bob));
    try (JdbcMessageStore store = JdbcMessageStore.builder().h2File(file).build()) {
      JdbcRoomAccessStore access = store.roomAccessStore();
      access
          .create(room, RoomVisibility.PRIVATE, alice, joined)
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      try (Connection c = DriverManager.getConnection(url, "sa", "");
          Statement s = c.createStatement()) {
        s.execute("ALTER TABLE parley_event_outbox RENAME TO parley_event_outbox_away");
      }

      assertThatThrownBy(
              () ->
                  access
                      .setRole(room, bob, RoomRole.MEMBER, joined)
                      .toCompletableFuture()
                      .get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(JdbcStoreException.class);
      assertThatThrownBy(
              () ->
                  access
                      .create(RoomId.of("other"), RoomVisibility.PRIVATE, alice, joined)
                      .toCompletableFuture()
                      .get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(JdbcStoreException.class);

      assertThat(access.access(room, bob).toCompletableFuture().get(10, TimeUnit.SECONDS))
          .hasValueSatisfying(a -> assertThat(a.role()).as("bob is no member").isNull());
      assertThat(
              access
                  .access(RoomId.of("other"), alice)
                  .toCompletableFuture()
                  .get(10, TimeUnit.SECONDS))
          .as("the other room was not created")
          .isEmpty();
      try (Connection c = DriverManager.getConnection(url, "sa", "");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM parley_event_outbox_away")) {
        rs.next();
        assertThat(rs.getLong(1)).as("only the first room's event").isEqualTo(1);
      }
    }
  }
}
