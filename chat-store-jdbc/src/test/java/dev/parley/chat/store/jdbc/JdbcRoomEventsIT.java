package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.EventOptions;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.testkit.events.InMemoryEventSink;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server on the JDBC store and its room access store: a room's creation and its role changes
 * write their events in their own transaction (decision 0052), so the events are in the outbox when
 * the change is acknowledged, and are relayed exactly once, after a restart too.
 */
class JdbcRoomEventsIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final RoomId TEAM = RoomId.of("team.blue");
  private static final UserId ALICE = UserId.of("alice");
  private static final UserId BOB = UserId.of("bob");
  private static final UserId CAROL = UserId.of("carol");

  @TempDir Path dir;

  private static ChatServer server(JdbcMessageStore store, InMemoryEventSink sink) {
    return ChatServer.builder()
        .host("127.0.0.1")
        .port(0)
        .disableHttp()
        .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
        .messageStore(store)
        .roomAccessStore(store.roomAccessStore())
        .events(
            EventOptions.builder(sink)
                .pollInterval(Duration.ofMillis(20))
                .retry(Duration.ofMillis(20), Duration.ofMillis(100))
                .build())
        .build();
  }

  private long outboxRows(Path file) throws Exception {
    try (Connection c =
            DriverManager.getConnection("jdbc:h2:file:" + file.toAbsolutePath(), "sa", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM parley_event_outbox")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> described(List<ChatEvent> events) {
    return events.stream().map(JdbcRoomEventsIT::described).toList();
  }

  private static String described(ChatEvent e) {
    if (e instanceof ChatEvent.RoomCreated c) {
      return "created " + c.roomId() + " by " + c.creator();
    }
    if (e instanceof ChatEvent.MemberJoined j) {
      return "joined " + j.roomId() + " " + j.user();
    }
    if (e instanceof ChatEvent.MemberLeft l) {
      return "left " + l.roomId() + " " + l.user();
    }
    return e.getClass().getSimpleName();
  }

  @Test
  void roomAndMemberEventsAreInTheOutboxWithTheirChangeAndRelayedOnceAfterARestart()
      throws Exception {
    Path file = dir.resolve("db");
    InMemoryEventSink down = new InMemoryEventSink();
    down.cutAfter(0); // nothing leaves this node: what its changes wrote stays in the outbox
    try (JdbcMessageStore store = JdbcMessageStore.builder().h2File(file).build();
        ChatServer server = server(store, down).start()) {
      assertThat(store.roomAccessStore().addsEventsTo(store.outbox().orElseThrow())).isTrue();
      server.rooms().createRoom(TEAM, RoomVisibility.PRIVATE, ALICE).get(10, TimeUnit.SECONDS);
      assertThat(outboxRows(file)).as("created, and alice joined").isEqualTo(2);
      server.rooms().invite(TEAM, BOB, RoomRole.MEMBER).get(10, TimeUnit.SECONDS);
      server.rooms().invite(TEAM, CAROL, RoomRole.MEMBER).get(10, TimeUnit.SECONDS);
      server.rooms().setRole(TEAM, BOB, RoomRole.MODERATOR).get(10, TimeUnit.SECONDS);
      server.rooms().kick(TEAM, CAROL, "done").get(10, TimeUnit.SECONDS);
      assertThat(outboxRows(file))
          .as("bob and carol joined, carol left; a promotion is no membership change")
          .isEqualTo(5);
      assertThat(down.received()).isEmpty();
    }

    InMemoryEventSink up = new InMemoryEventSink();
    try (JdbcMessageStore store = JdbcMessageStore.builder().h2File(file).build();
        ChatServer server = server(store, up).start()) {
      assertThat(server.isReady()).isTrue();
      await().atMost(WAIT).until(() -> up.received().size() >= 5 && outboxRows(file) == 0);
      assertThat(described(up.received()))
          .containsExactly(
              "created team.blue by alice",
              "joined team.blue alice",
              "joined team.blue bob",
              "joined team.blue carol",
              "left team.blue carol");
    }
  }
}
