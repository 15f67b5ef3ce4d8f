package dev.parley.chat.store.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.HistoryGapEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import dev.parley.chat.store.jdbc.Retention;
import dev.parley.chat.testkit.net.ChaosProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server on the H2 store, real clients: a server restart keeps the conversation and its
 * epoch, so clients resume with no gap and no reset; and a client that was away while retention
 * trimmed what it missed is told exactly which seqs are gone, then gets the rest.
 */
class DurableResumeIT {
  private static final RoomId ROOM = RoomId.of("durable");
  @TempDir Path dir;

  /** A server and the store it was given; closing stops the server, then closes the store. */
  private record Node(ChatServer server, JdbcMessageStore store) implements AutoCloseable {
    @Override
    public void close() {
      server.close();
      store.close(); // the server leaves a store it was given open
    }
  }

  private Node server(Path db, int port, Retention retention) throws IOException {
    JdbcMessageStore store = JdbcMessageStore.builder().h2File(db).retention(retention).build();
    try {
      return new Node(
          ChatServer.builder()
              .host("127.0.0.1")
              .port(port)
              .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
              .messageStore(store)
              .build()
              .start(),
          store);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  private static ChatClient client(URI endpoint) {
    return ChatClient.builder()
        .endpoint(endpoint)
        .random(new Random(7))
        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .build();
  }

  private static void await(BooleanSupplier condition, String what) {
    Awaitility.await(what)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(condition::getAsBoolean);
  }

  private static List<Long> seqs(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      out.add(s);
    }
    return out;
  }

  private static List<Long> seqsOf(MemberLog log) {
    return log.messages(ROOM).stream().map(ChatMessage::seq).toList();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aRestartedServerKeepsTheConversationAndClientsResumeWithoutAGap() throws Exception {
    Path db = dir.resolve("restart");
    int port = freePort();
    Node first = server(db, port, Retention.KEEP_ALL);
    Node second = null;
    try (ChatClient clients = client(first.server().webSocketUri())) {
      MemberLog aliceSaw = new MemberLog("alice");
      MemberLog bobSaw = new MemberLog("bob");
      ChatSession alice = clients.connect("alice", aliceSaw).get(10, TimeUnit.SECONDS);
      ChatSession bob = clients.connect("bob", bobSaw).get(10, TimeUnit.SECONDS);
      alice.join(ROOM).get(10, TimeUnit.SECONDS);
      RoomHandle bobRoom = bob.join(ROOM).get(10, TimeUnit.SECONDS);
      for (int i = 1; i <= 10; i++) {
        assertThat(bobRoom.send("before " + i).get(10, TimeUnit.SECONDS).seq()).isEqualTo(i);
      }
      await(() -> aliceSaw.messages(ROOM).size() == 10, "alice to see 10 messages");

      first.close();
      second = server(db, port, Retention.KEEP_ALL);
      ChatServer restarted = second.server();
      await(() -> restarted.sessionCount() == 2, "both sessions back on the restarted server");
      for (int i = 11; i <= 15; i++) {
        var receipt = bobRoom.send("after " + i).get(10, TimeUnit.SECONDS);
        assertThat(receipt.seq()).as("seqs continue after the restart").isEqualTo(i);
        assertThat(receipt.duplicate()).isFalse();
      }
      await(() -> aliceSaw.messages(ROOM).size() >= 15, "alice to see 15 messages");
      assertThat(seqsOf(aliceSaw)).containsExactlyElementsOf(seqs(1, 15));
      assertThat(aliceSaw.gaps()).isEmpty();
      assertThat(aliceSaw.errors()).as("no history reset is reported").isEmpty();
      List<ChatMessage> history = bobRoom.history(0, 100).get(10, TimeUnit.SECONDS).messages();
      assertThat(history).extracting(ChatMessage::seq).containsExactlyElementsOf(seqs(1, 15));
      assertThat(history.get(0).text()).isEqualTo("before 1");
    } finally {
      if (second == null) {
        first.close();
      } else {
        second.close();
      }
    }
  }

  @Test
  void aClientAwayWhileRetentionTrimmedIsToldExactlyWhatIsGone() throws Exception {
    try (Node node = server(dir.resolve("trim"), 0, Retention.keepLatest(10));
        ChaosProxy aliceLine =
            new ChaosProxy(
                    new InetSocketAddress("127.0.0.1", node.server().webSocketUri().getPort()))
                .start();
        ChatClient aliceClient =
            client(
                URI.create(
                    "ws://127.0.0.1:"
                        + aliceLine.port()
                        + node.server().webSocketUri().getPath()));
        ChatClient bobClient = client(node.server().webSocketUri())) {
      ChatServer server = node.server();
      MemberLog aliceSaw = new MemberLog("alice");
      ChatSession alice = aliceClient.connect("alice", aliceSaw).get(10, TimeUnit.SECONDS);
      alice.join(ROOM).get(10, TimeUnit.SECONDS);
      ChatSession bob = bobClient.connect("bob", new MemberLog("bob")).get(10, TimeUnit.SECONDS);
      RoomHandle bobRoom = bob.join(ROOM).get(10, TimeUnit.SECONDS);
      for (int i = 1; i <= 5; i++) {
        bobRoom.send("m" + i).get(10, TimeUnit.SECONDS);
      }
      await(() -> aliceSaw.messages(ROOM).size() == 5, "alice to see the first 5");

      aliceLine.refuseNew(true);
      aliceLine.cutAll();
      await(() -> server.sessionCount() == 1, "alice to drop off");
      for (int i = 6; i <= 35; i++) {
        bobRoom.send("m" + i).get(10, TimeUnit.SECONDS);
      }
      aliceLine.refuseNew(false);

      await(() -> aliceSaw.messages(ROOM).size() == 15, "alice to get what is still kept");
      assertThat(aliceSaw.gaps())
          .as("the trimmed seqs are reported, never skipped silently")
          .containsExactly(new HistoryGapEvent(ROOM, 6, 25));
      List<Long> expected = seqs(1, 5);
      expected.addAll(seqs(26, 35));
      assertThat(seqsOf(aliceSaw)).containsExactlyElementsOf(expected);
      assertThat(aliceSaw.errors()).isEmpty();
    }
  }
}
