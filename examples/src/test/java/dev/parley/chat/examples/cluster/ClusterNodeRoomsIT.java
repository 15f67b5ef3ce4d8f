package dev.parley.chat.examples.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.InProcessClusterBus;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@link ClusterNode}s over one JDBC store share rooms' access state through its room access
 * store: a private room created on one node keeps outsiders out on the other. (Each node used to
 * keep its own in-memory access state, so the other node took the room for a public one.)
 */
class ClusterNodeRoomsIT {
  private static final RoomId TEAM = RoomId.of("team");

  @TempDir Path dir;

  private static ChatSession connect(ChatClient client, String user) throws Exception {
    return client.connect(user, new ChatListener() {}).get(10, TimeUnit.SECONDS);
  }

  @Test
  void aPrivateRoomCreatedOnOneNodeIsPrivateOnTheOther() throws Exception {
    InProcessClusterBus.Network network = new InProcessClusterBus.Network(Duration.ofSeconds(2));
    try (JdbcMessageStore store = JdbcMessageStore.builder().h2File(dir.resolve("db")).build();
        ChatServer a =
            ClusterNode.start(
                "127.0.0.1", 0, 0, "node-a", store, new InProcessClusterBus(network));
        ChatServer b =
            ClusterNode.start(
                "127.0.0.1", 0, 0, "node-b", store, new InProcessClusterBus(network));
        ChatClient onB = ChatClient.builder().endpoint(b.webSocketUri()).build()) {
      a.rooms()
          .createRoom(TEAM, RoomVisibility.PRIVATE, UserId.of("alice"))
          .get(10, TimeUnit.SECONDS);

      ChatSession bob = connect(onB, "bob");
      assertThatThrownBy(() -> bob.join(TEAM).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
      ChatSession alice = connect(onB, "alice");
      assertThat(alice.join(TEAM).get(10, TimeUnit.SECONDS).visibility())
          .isEqualTo(RoomVisibility.PRIVATE);
    }
  }
}
