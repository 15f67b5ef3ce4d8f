package dev.parley.chat.store.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.HistoryPage;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.client.TypingEvent;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DependencyStatus;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import dev.parley.chat.store.jdbc.PostgresDatabase;
import dev.parley.chat.testkit.net.ChaosProxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL becomes unreachable (every connection to it reset, new ones refused) under continuous
 * traffic, then comes back: the node turns not ready and refuses sends retryably, the client's
 * outbox resends them, typing goes on, and afterwards every acknowledged message is stored exactly
 * once, in the order it was sent.
 */
class PostgresOutageIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final RoomId ROOM = RoomId.of("general");

  @Test
  void theDatabaseGoesAwayUnderTrafficAndNothingAcknowledgedIsLostOrDuplicated() throws Exception {
    URI pg = URI.create(PostgresDatabase.URL.substring("jdbc:".length()));
    List<CompletableFuture<SendReceipt>> sends = new CopyOnWriteArrayList<>();
    List<TypingEvent> aliceSawTyping = new CopyOnWriteArrayList<>();
    ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
    try (PostgresDatabase db = PostgresDatabase.requireRunning();
        ChaosProxy line =
            new ChaosProxy(new InetSocketAddress(pg.getHost(), pg.getPort())).start();
        JdbcMessageStore store =
            JdbcMessageStore.builder()
                .jdbcUrl(
                    "jdbc:postgresql://127.0.0.1:" + line.port() + pg.getPath(),
                    PostgresDatabase.USER,
                    PostgresDatabase.PASSWORD)
                .schema(db.schema())
                .build();
        ChatServer server =
            ChatServer.builder()
                .host("127.0.0.1")
                .port(0)
                .httpPort(0)
                .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                .requestRate(10_000, 10_000)
                .userSendRate(10_000, 10_000)
                .messageStore(store)
                .breakerWindowSize(4)
                .breakerOpenDuration(Duration.ofMillis(500))
                .dependencyTimeout(Duration.ofSeconds(3))
                .build()
                .start();
        ChatClient clients = ChatClient.builder().endpoint(server.webSocketUri()).build()) {
      ChatSession alice =
          clients
              .connect(
                  "alice",
                  new ChatListener() {
                    @Override
                    public void onTyping(
                        ChatSession session, dev.parley.chat.client.TypingEvent event) {
                      aliceSawTyping.add(event);
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      ChatSession bob = clients.connect("bob", new ChatListener() {}).get(10, TimeUnit.SECONDS);
      RoomHandle aliceRoom = alice.join(ROOM).get(10, TimeUnit.SECONDS);
      RoomHandle bobRoom = bob.join(ROOM).get(10, TimeUnit.SECONDS);
      int[] n = {0};
      traffic.scheduleWithFixedDelay(
          () -> sends.add(aliceRoom.send("m" + n[0]++)), 0, 10, TimeUnit.MILLISECONDS);
      Awaitility.await().atMost(WAIT).until(() -> acknowledged(sends) >= 20);

      line.refuseNew(true);
      line.cutAll();
      Awaitility.await().atMost(WAIT).until(() -> !server.isReady());
      Awaitility.await()
          .atMost(WAIT)
          .until(() -> server.dependencies().get(0).state() != DependencyStatus.State.CLOSED);
      assertThat(bobRoom.typing(true)).isTrue();
      Awaitility.await()
          .atMost(WAIT)
          .until(() -> aliceSawTyping.contains(new TypingEvent(ROOM, UserId.of("bob"), true)));
      assertThat(sends.stream().filter(f -> !f.isDone()).count())
          .as("sends waiting in the outbox")
          .isPositive();

      line.refuseNew(false);
      Awaitility.await().atMost(WAIT).until(server::isReady);
      int before = sends.size();
      Awaitility.await().atMost(WAIT).until(() -> sends.size() >= before + 20);
      traffic.shutdown();
      assertThat(traffic.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

      List<SendReceipt> receipts = new ArrayList<>();
      for (CompletableFuture<SendReceipt> send : sends) {
        receipts.add(send.get(90, TimeUnit.SECONDS)); // throws if a send failed
      }
      List<ChatMessage> history = readAll(bobRoom);
      Map<ClientMessageId, Long> stored = new HashMap<>();
      for (ChatMessage m : history) {
        assertThat(stored.put(m.clientMessageId(), m.seq())).as("stored twice: %s", m).isNull();
      }
      assertThat(history).hasSize(receipts.size());
      for (SendReceipt r : receipts) {
        assertThat(stored.get(r.clientMessageId())).as("acknowledged %s", r).isEqualTo(r.seq());
      }
      List<String> inOrder = new ArrayList<>();
      for (int i = 0; i < receipts.size(); i++) {
        inOrder.add("m" + i);
      }
      assertThat(history).extracting(ChatMessage::text).containsExactlyElementsOf(inOrder);
    } finally {
      traffic.shutdownNow();
    }
  }

  private static long acknowledged(List<CompletableFuture<SendReceipt>> sends) {
    return sends.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
  }

  private static List<ChatMessage> readAll(RoomHandle room) throws Exception {
    List<ChatMessage> all = new ArrayList<>();
    long before = 0;
    while (true) {
      HistoryPage page = room.history(before, 200).get(30, TimeUnit.SECONDS);
      all.addAll(0, page.messages());
      if (!page.hasMore() || page.messages().isEmpty()) {
        return all;
      }
      before = page.messages().get(0).seq() - 1;
    }
  }
}
