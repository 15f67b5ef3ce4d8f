package dev.parley.chat.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ErrorEvent;
import dev.parley.chat.client.HistoryGapEvent;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.spi.MessageStore;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo keeps its conversation in its data folder: stopped and started again on the same folder,
 * it still has every message, and a reader who stayed connected through the restart misses nothing
 * and is told of no reset.
 */
class DemoRestartIT {
  private static final RoomId LOBBY = RoomId.of("lobby");
  @TempDir Path data;

  /** What a reader was given. Thread-safe. */
  static final class Reader implements ChatListener {
    final List<Long> seqs = new CopyOnWriteArrayList<>();
    final List<Object> trouble = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(ChatSession session, MessageEvent event) {
      seqs.add(event.message().seq());
    }

    @Override
    public void onHistoryGap(ChatSession session, HistoryGapEvent event) {
      trouble.add(event);
    }

    @Override
    public void onError(ChatSession session, ErrorEvent event) {
      trouble.add(event);
    }
  }

  @Test
  void aRestartedDemoStillHasTheConversation() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    MessageStore firstStore = DemoServer.durableStore(data);
    // One login for both runs: the restarted server accepts the tokens its clients already hold.
    DemoLogin login = DemoLogin.generate(Clock.systemUTC());
    ChatServer first =
        DemoServer.start("127.0.0.1", port, 0, firstStore, ChatServer::webSocketUri, login);
    boolean firstStoreOpen = true;
    MessageStore secondStore = null;
    ChatServer second = null;
    try (ChatClient client =
        ChatClient.builder()
            .endpoint(first.webSocketUri())
            .random(new Random(11))
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
            .build()) {
      Reader reader = new Reader();
      client
          .connect(login.issue(UserId.of("reader")), reader)
          .get(10, TimeUnit.SECONDS)
          .join(LOBBY)
          .get(10, TimeUnit.SECONDS);
      ChatSession writer =
          client.connect(login.issue(UserId.of("writer")), new Reader()).get(10, TimeUnit.SECONDS);
      RoomHandle lobby = writer.join(LOBBY).get(10, TimeUnit.SECONDS);
      lobby.send("hello before the restart").get(10, TimeUnit.SECONDS);
      lobby.send("second message").get(10, TimeUnit.SECONDS);

      first.close();
      firstStore.close(); // the demo's, not the server's: it lets go of the database file
      firstStoreOpen = false;
      secondStore = DemoServer.durableStore(data);
      second = DemoServer.start("127.0.0.1", port, 0, secondStore, ChatServer::webSocketUri, login);
      lobby.send("hello after the restart").get(30, TimeUnit.SECONDS);

      List<ChatMessage> history = lobby.history(0, 10).get(10, TimeUnit.SECONDS).messages();
      assertThat(history)
          .extracting(ChatMessage::text)
          .containsExactly("hello before the restart", "second message", "hello after the restart");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (reader.seqs.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(reader.seqs).containsExactly(1L, 2L, 3L);
      assertThat(reader.trouble).isEmpty();
    } finally {
      first.close();
      if (firstStoreOpen) {
        firstStore.close();
      }
      if (second != null) {
        second.close();
      }
      if (secondStore != null) {
        secondStore.close();
      }
    }
  }
}
