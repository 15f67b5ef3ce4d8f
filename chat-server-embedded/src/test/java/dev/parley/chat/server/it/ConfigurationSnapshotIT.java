package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatClientBuilder;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.InMemoryMessageStore;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A running server and client read the settings they were built with, never the builder: changing a
 * builder after {@code build()} changes nothing.
 */
class ConfigurationSnapshotIT {
  private static final RoomId ROOM = RoomId.of("snapshot");
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void aServerBuilderChangedAfterBuildDoesNotReachTheRunningServer() throws Exception {
    ChatServerBuilder builder =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .disableHttp()
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME);
    try (ChatServer server = builder.build().start();
        ChatClient client = client(server.webSocketUri().getPort()).build()) {
      builder.maxTextBytes(10).maxRoomsPerSession(1);

      RecordingListener events = new RecordingListener();
      ChatSession session = client.connect("alice", events).get(10, TimeUnit.SECONDS);
      RoomHandle room = session.join(ROOM).get(10, TimeUnit.SECONDS);
      String longText = "longer than the ten bytes the builder now says";
      SendReceipt receipt = room.send(longText).get(10, TimeUnit.SECONDS);
      session.join(RoomId.of("second-room")).get(10, TimeUnit.SECONDS);

      assertThat(receipt.seq()).isEqualTo(1);
      assertThat(events.awaitMessages(ROOM, 1, WAIT).get(0).text()).isEqualTo(longText);
      assertThat(events.errors).isEmpty();
    }
  }

  @Test
  void aClientBuilderChangedAfterBuildDoesNotReachTheRunningClient() throws Exception {
    InMemoryMessageStore store = new InMemoryMessageStore();
    int port = freePort();
    ChatServer first = server(port, store);
    ChatClientBuilder builder = client(port).maxOutbox(100);
    try (ChatClient client = builder.build()) {
      RecordingListener events = new RecordingListener();
      ChatSession session = client.connect("alice", events).get(10, TimeUnit.SECONDS);
      RoomHandle room = session.join(ROOM).get(10, TimeUnit.SECONDS);
      builder.maxOutbox(1);

      first.close(); // the sends below wait in the outbox until the session is back
      RecordingListener.await(
          () -> session.state() != ChatSession.State.CONNECTED, WAIT, () -> "the session to drop");
      List<CompletableFuture<SendReceipt>> sends = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        sends.add(room.send("queued " + i));
      }
      try (ChatServer second = server(port, store)) {
        for (CompletableFuture<SendReceipt> send : sends) {
          assertThat(send.get(20, TimeUnit.SECONDS).duplicate()).isFalse();
        }
        assertThat(second.sessionCount()).isEqualTo(1);
      }
      assertThat(events.errors).isEmpty();
    } finally {
      first.close();
      store.close();
    }
  }

  private static ChatServer server(int port, InMemoryMessageStore store) throws Exception {
    return ChatServer.builder()
        .host("127.0.0.1")
        .port(port)
        .disableHttp()
        .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
        .messageStore(store)
        .build()
        .start();
  }

  private static ChatClientBuilder client(int port) {
    return ChatClient.builder()
        .endpoint(java.net.URI.create("ws://127.0.0.1:" + port + "/chat"))
        .random(new Random(3))
        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
