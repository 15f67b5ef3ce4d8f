package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.DevelopmentAuthenticator;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client whose server goes away resumes on a server with a different in-memory history (a
 * restart, or another node without shared storage): it is told the history was reset, and then
 * receives the new messages even though their seqs repeat ones it saw before.
 */
class ServerRestartResumeIT {
  @ParameterizedTest(name = "over {0}")
  @ValueSource(strings = {"websocket", "sse"})
  void resumingAgainstANewHistoryIsReportedAndDeliversTheNewMessages(String transport)
      throws Exception {
    RoomId room = RoomId.of("restart");
    boolean sse = transport.equals("sse");
    ChatServer first = server(sse);
    try (ChatServer second = server(sse);
        ChatClient client =
            ChatClient.builder()
                .endpoint(endpoint(first, sse))
                .endpoint(endpoint(second, sse))
                .random(new Random(3))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .build();
        ChatClient other = ChatClient.builder().endpoint(endpoint(second, sse)).build()) {
      RecordingListener aliceEvents = new RecordingListener();
      ChatSession alice = client.connect("alice", aliceEvents).get(10, TimeUnit.SECONDS);
      RoomHandle aliceRoom = alice.join(room).get(10, TimeUnit.SECONDS);
      for (int i = 1; i <= 5; i++) {
        aliceRoom.send("a" + i).get(10, TimeUnit.SECONDS);
      }
      aliceEvents.awaitMessages(room, 5, Duration.ofSeconds(10));

      // The other server's room has its own history, already longer than what alice saw, so
      // only the epoch tells the two histories apart.
      RecordingListener bobEvents = new RecordingListener();
      ChatSession bob = other.connect("bob", bobEvents).get(10, TimeUnit.SECONDS);
      RoomHandle bobRoom = bob.join(room).get(10, TimeUnit.SECONDS);
      for (int i = 1; i <= 6; i++) {
        bobRoom.send("b" + i).get(10, TimeUnit.SECONDS);
      }

      first.close();
      RecordingListener.await(
          () -> second.sessionCount() == 2,
          Duration.ofSeconds(10),
          () -> "alice on the second server");
      RecordingListener.await(
          () -> !aliceEvents.errors.isEmpty(),
          Duration.ofSeconds(10),
          () -> "a history reset report");
      assertThat(bobRoom.send("b7").get(10, TimeUnit.SECONDS).seq()).isEqualTo(7);

      List<ChatMessage> seen = aliceEvents.awaitMessages(room, 6, Duration.ofSeconds(10));
      assertThat(seen)
          .extracting(ChatMessage::text)
          .as("nothing from the other history is mistaken for what alice saw")
          .containsExactly("a1", "a2", "a3", "a4", "a5", "b7");
      assertThat(aliceEvents.errors.get(0).error().getMessage()).isNotBlank();
      aliceEvents.assertContractKept();
    } finally {
      first.close();
    }
  }

  private static ChatServer server(boolean sse) throws Exception {
    ChatServerBuilder builder =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME);
    return (sse ? builder.httpPort(0) : builder.disableHttp()).build().start();
  }

  private static URI endpoint(ChatServer server, boolean sse) {
    return sse ? server.httpUri().orElseThrow().resolve("/chat/sse") : server.webSocketUri();
  }
}
