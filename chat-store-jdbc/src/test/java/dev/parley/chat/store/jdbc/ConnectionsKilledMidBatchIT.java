package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's database connections are lost again and again while senders have many sends
 * outstanding (a real server, real clients that resend what the server refused with {@code
 * UNAVAILABLE}, as the protocol advises): each sender's messages are stored in the order it sent
 * them, and every acknowledged message is stored exactly once. On PostgreSQL the database ends the
 * store's connections ({@code pg_terminate_backend}, from a separate connection); on H2 the commits
 * of the next connections taken fail as a lost connection's do.
 */
class ConnectionsKilledMidBatchIT {
  private static final RoomId ROOM = RoomId.of("killed-mid-batch");
  private static final List<String> SENDERS = List.of("alice", "bob", "carol");
  private static final int PER_SENDER = 150;
  private static final int LOSSES = 6;

  @TempDir Path dir;

  @Test
  void postgresConnectionsTerminatedMidBatchKeepEachSendersOrder() throws Exception {
    try (PostgresDatabase db = PostgresDatabase.requireRunning();
        LosingDataSource pool = LosingDataSource.postgres(db)) {
      run(
          db.storeBuilder().dataSource(pool, SqlDialect.POSTGRESQL).build(),
          () -> pool.terminateBackends());
    }
  }

  @Test
  void h2ConnectionsLostMidBatchKeepEachSendersOrder() throws Exception {
    try (LosingDataSource pool = LosingDataSource.h2(dir.resolve("killed"))) {
      run(
          JdbcMessageStore.builder().dataSource(pool, SqlDialect.H2).build(),
          () -> pool.breakNextCommits(2));
    }
  }

  private static void run(JdbcMessageStore store, Runnable loseConnections) throws Exception {
    AtomicInteger losses = new AtomicInteger();
    AtomicBoolean sending = new AtomicBoolean(true);
    try (store;
        ChatServer server =
            ChatServer.builder()
                .host("127.0.0.1")
                .port(0)
                .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                .messageStore(store)
                .requestRate(100_000, 100_000)
                .userSendRate(100_000, 100_000)
                .build()
                .start();
        ChatClient client =
            ChatClient.builder()
                .endpoint(server.webSocketUri())
                .random(new Random(11))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .build()) {
      List<RoomHandle> rooms = new ArrayList<>();
      for (String user : SENDERS) {
        ChatSession session = client.connect(user, new ChatListener() {}).get(10, TimeUnit.SECONDS);
        rooms.add(session.join(ROOM).get(10, TimeUnit.SECONDS));
      }
      // the connections are lost every 80 ms while the sends go out (they take about 0.5 s)
      Thread killer =
          new Thread(
              () -> {
                while (sending.get() && losses.get() < LOSSES) {
                  try {
                    Thread.sleep(80);
                  } catch (InterruptedException e) {
                    return;
                  }
                  loseConnections.run();
                  losses.incrementAndGet();
                }
              },
              "connection-killer");
      killer.start();
      Map<String, CompletableFuture<SendReceipt>> sends = new HashMap<>();
      try {
        for (int i = 0; i < PER_SENDER; i++) {
          for (int s = 0; s < SENDERS.size(); s++) {
            String text = SENDERS.get(s) + " " + i;
            sends.put(text, rooms.get(s).send(text));
          }
          Thread.sleep(3); // spreads the sends over the losses, several outstanding at each
        }
      } finally {
        killer.join();
        sending.set(false);
      }
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> sends.values().stream().allMatch(CompletableFuture::isDone));
      Set<String> acknowledged = new HashSet<>();
      int refused = 0;
      for (Map.Entry<String, CompletableFuture<SendReceipt>> e : sends.entrySet()) {
        try {
          e.getValue().get();
          acknowledged.add(e.getKey());
        } catch (ExecutionException failed) {
          refused++;
        }
      }
      // the pool may still hand out a connection that was lost: read until a read succeeds
      List<ChatMessage> stored =
          await()
              .atMost(Duration.ofSeconds(30))
              .ignoreExceptions()
              .until(() -> readAll(store), r -> true);
      Map<String, List<Integer>> bySender = new HashMap<>();
      List<String> texts = new ArrayList<>();
      for (ChatMessage m : stored) {
        texts.add(m.text());
        bySender
            .computeIfAbsent(m.sender().value(), k -> new ArrayList<>())
            .add(Integer.parseInt(m.text().substring(m.text().indexOf(' ') + 1)));
      }
      int outOfOrder = 0;
      for (List<Integer> order : bySender.values()) {
        int highest = -1;
        for (int i : order) {
          if (i < highest) {
            outOfOrder++;
          }
          highest = Math.max(highest, i);
        }
      }
      String summary =
          "connections lost "
              + losses.get()
              + " times; "
              + acknowledged.size()
              + " acknowledged, "
              + refused
              + " failed for good, "
              + stored.size()
              + " stored, "
              + outOfOrder
              + " stored after a later message of their sender";
      assertThat(outOfOrder).as(summary).isZero();
      assertThat(new HashSet<>(texts)).as("stored once each: " + summary).hasSize(texts.size());
      assertThat(texts).as("nothing acknowledged is lost: " + summary).containsAll(acknowledged);
      assertThat(stored)
          .extracting(ChatMessage::seq)
          .as("gapless seqs")
          .containsExactlyElementsOf(
              java.util.stream.LongStream.rangeClosed(1, stored.size()).boxed().toList());
      assertThat(acknowledged).as(summary).hasSize(SENDERS.size() * PER_SENDER);
    }
  }

  private static List<ChatMessage> readAll(JdbcMessageStore store) throws Exception {
    List<ChatMessage> all = new ArrayList<>();
    long from = 1;
    while (true) {
      HistorySlice slice =
          store.read(ROOM, from, ReadDirection.FORWARD, 200).get(10, TimeUnit.SECONDS);
      all.addAll(slice.messages());
      if (!slice.hasMore() || slice.messages().isEmpty()) {
        return all;
      }
      from = slice.messages().get(slice.messages().size() - 1).seq() + 1;
    }
  }
}
