package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ClosedEvent;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The public API, built as an application builds it (the "jdk" transport found through
 * ServiceLoader), against a minimal protocol server on a loopback socket. The real server's
 * end-to-end suite lives in chat-server-embedded; this one proves the client's own wiring and that
 * closing a client releases every thread it started.
 */
class ChatClientOverSocketsIT {
  private final MiniChatServer server = new MiniChatServer();
  private final List<ChatClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    server.socket.startAndWait();
  }

  @AfterEach
  void stop() {
    clients.forEach(ChatClient::close);
    server.socket.close();
  }

  private ChatClient client() {
    ChatClient client =
        ChatClient.builder()
            .endpoint(server.socket.uri())
            .random(new Random(7))
            .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
            .build();
    clients.add(client);
    return client;
  }

  @Test
  void connectJoinSendAndReceiveOverRealSockets() throws Exception {
    RecordingListener listener = new RecordingListener();
    ChatSession session = client().connect("alice", listener).get(10, TimeUnit.SECONDS);
    listener.nextState(ChatSession.State.CONNECTED);
    RoomHandle room = session.join(RoomId.of("general")).get(10, TimeUnit.SECONDS);

    SendReceipt receipt = room.send("hello").get(10, TimeUnit.SECONDS);

    assertThat(receipt.seq()).isEqualTo(1);
    assertThat(listener.nextMessage("general", 1).message().text()).isEqualTo("hello");
    session.close();
    listener.nextState(ChatSession.State.CLOSED);
    listener.next(ClosedEvent.class);
    listener.assertExhausted();
  }

  @Test
  void aCutConnectionResumesWithoutLosingOrRepeatingMessages() throws Exception {
    RecordingListener listener = new RecordingListener();
    ChatSession session = client().connect("bob", listener).get(10, TimeUnit.SECONDS);
    listener.nextState(ChatSession.State.CONNECTED);
    session.join(RoomId.of("general")).get(10, TimeUnit.SECONDS);
    server.post("general", "one");
    listener.nextMessage("general", 1);

    server.cutAll();
    listener.nextState(ChatSession.State.RECONNECTING);
    server.post("general", "two");
    server.post("general", "three");
    listener.nextState(ChatSession.State.CONNECTED);

    List<ChatMessage> got = new ArrayList<>();
    got.add(listener.next(MessageEvent.class).message());
    got.add(listener.next(MessageEvent.class).message());
    assertThat(got).extracting(ChatMessage::text).containsExactly("two", "three");
    listener.assertExhausted();
  }

  @Test
  void refusedCredentialsFailConnectWithAuthenticationFailed() {
    CompletableFuture<ChatSession> future = client().connect("bad", new RecordingListener());
    assertThat(future)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            ChatException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED));
  }

  @Test
  void closingClientsReleasesEveryThreadTheyStarted() throws Exception {
    ThreadLeaks baseline = ThreadLeaks.snapshot();
    for (int i = 0; i < 20; i++) {
      try (ChatClient client = client()) {
        for (int j = 0; j < 3; j++) {
          ChatSession session =
              client.connect("user" + j, new RecordingListener()).get(10, TimeUnit.SECONDS);
          session.join(RoomId.of("cycle")).get(10, TimeUnit.SECONDS);
          if (j == 1) {
            session.close();
          }
        }
      }
    }
    clients.clear();
    baseline.awaitNoNewClientThreads(Duration.ofSeconds(10));
  }
}
