package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sender over its rate limit keeps its order: sends fired all at once, far more than the
 * connection's burst, are refused in part ({@code RATE_LIMITED}) and resent by the client, and
 * every one is stored once, in the order it was sent (docs/guarantees.md, "Per-room total order").
 */
@Timeout(120)
class RateLimitedSendOrderIT {
  private static final RoomId ROOM = RoomId.of("busy");

  @Test
  void sendsOverTheRateLimitAreStoredInTheOrderTheyWereSent() throws Exception {
    int count = 150;
    try (ChatServer server =
            ChatServer.builder()
                .host("127.0.0.1")
                .port(0)
                .disableHttp()
                .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                .requestRate(20, 20)
                .build()
                .start();
        ChatClient clients =
            ChatClient.builder().endpoint(server.webSocketUri()).random(new Random(3)).build()) {
      List<String> seen = new CopyOnWriteArrayList<>();
      ChatSession reader =
          clients
              .connect(
                  "reader",
                  new ChatListener() {
                    @Override
                    public void onMessage(ChatSession session, MessageEvent event) {
                      ChatMessage m = event.message();
                      seen.add(m.text());
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      reader.join(ROOM).get(10, TimeUnit.SECONDS);
      ChatSession writer =
          clients.connect("writer", new ChatListener() {}).get(10, TimeUnit.SECONDS);
      RoomHandle room = writer.join(ROOM).get(10, TimeUnit.SECONDS);

      List<CompletableFuture<SendReceipt>> sends = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        sends.add(room.send("message " + i));
      }
      List<Long> seqs = new ArrayList<>();
      for (CompletableFuture<SendReceipt> send : sends) {
        seqs.add(send.get(60, TimeUnit.SECONDS).seq());
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() >= count);
      assertThat(seen)
          .as("the texts in the order the room stored them")
          .containsExactlyElementsOf(
              IntStream.range(0, count).mapToObj(i -> "message " + i).toList());
      assertThat(seqs).as("each send's seq, in send order").isSorted().doesNotHaveDuplicates();
    }
  }
}
