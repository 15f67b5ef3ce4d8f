package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** 10,000 messages from 10 concurrent senders: every member sees one gapless order. */
class ConcurrentSendersOrderIT {
  private static final Logger log = LoggerFactory.getLogger(ConcurrentSendersOrderIT.class);
  private static final int SENDERS = 10;
  private static final int PER_SENDER = 1_000;
  private static final int OBSERVERS = 2;

  /** Over a WebSocket and over Server-Sent Events: the same promise, the same test. */
  @ParameterizedTest(name = "over {0}")
  @ValueSource(strings = {"websocket", "sse"})
  void everyMemberSeesTheSameGaplessOrder(String transport) throws Exception {
    try (Fixture fixture =
        new Fixture(b -> b.requestRate(100_000, 100_000).userSendRate(100_000, 100_000))) {
      RoomId room = RoomId.of("busy");
      List<RecordingListener> listeners = new ArrayList<>();
      List<RoomHandle> senders = new ArrayList<>();
      for (int i = 0; i < SENDERS + OBSERVERS; i++) {
        RecordingListener listener = new RecordingListener();
        ChatSession session = fixture.connect("user" + i, listener, transport);
        RoomHandle handle =
            ThreadDumps.await(
                session.join(room),
                10,
                "user"
                    + i
                    + " joining (session "
                    + session.state()
                    + ", states "
                    + listener.states
                    + ", errors "
                    + listener.errors
                    + ", server sessions "
                    + fixture.server.sessionCount()
                    + ")");
        listeners.add(listener);
        if (i < SENDERS) {
          senders.add(handle);
        }
      }
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      long start = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      for (int s = 0; s < SENDERS; s++) {
        RoomHandle handle = senders.get(s);
        int sender = s;
        Thread t =
            new Thread(
                () -> {
                  Semaphore window = new Semaphore(200);
                  List<CompletableFuture<SendReceipt>> pending = new ArrayList<>();
                  for (int i = 0; i < PER_SENDER; i++) {
                    window.acquireUninterruptibly();
                    // Waiting on the future whenComplete returns, not on send's own: a thread
                    // woken by send's future can run on before the callback that records the
                    // receipt has run (this test once counted 9,999 of 10,000 receipts that way).
                    pending.add(
                        handle
                            .send("s" + sender + "-" + i)
                            .whenComplete(
                                (r, e) -> {
                                  window.release();
                                  if (r != null) {
                                    acknowledged.add(r.messageId().value());
                                  }
                                }));
                  }
                  pending.forEach(CompletableFuture::join);
                },
                "sender-" + s);
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(120));
        assertThat(t.isAlive())
            .as("%s still waiting for receipts after 120 s", t.getName())
            .isFalse();
      }
      double sendSeconds = (System.nanoTime() - start) / 1e9;
      int total = SENDERS * PER_SENDER;
      assertThat(acknowledged).hasSize(total);

      List<Long> reference = null;
      for (RecordingListener listener : listeners) {
        List<ChatMessage> got = listener.awaitMessages(room, total, Duration.ofSeconds(60));
        Counts counts = Counts.of(got, acknowledged);
        assertThat(counts.perfect()).as("%s", counts).isTrue();
        assertThat(got.get(0).seq()).isEqualTo(1);
        assertThat(got.get(got.size() - 1).seq()).isEqualTo(total);
        List<Long> order = got.stream().map(m -> m.seq()).toList();
        if (reference == null) {
          reference = order;
        } else {
          assertThat(order).isEqualTo(reference);
        }
        // Each sender's own messages keep the order it sent them in.
        for (int s = 0; s < SENDERS; s++) {
          String prefix = "s" + s + "-";
          List<String> mine =
              got.stream().map(ChatMessage::text).filter(t -> t.startsWith(prefix)).toList();
          for (int i = 0; i < mine.size(); i++) {
            assertThat(mine.get(i)).isEqualTo(prefix + i);
          }
        }
        listener.assertContractKept();
      }
      double allSeconds = (System.nanoTime() - start) / 1e9;
      log.info(
          "ConcurrentSendersOrderIT over {}: {} messages from {} senders to {} members: acked in {} s,"
              + " all delivered in {} s ({} deliveries/s); lost=0 duplicated=0 reordered=0",
          transport,
          total,
          SENDERS,
          listeners.size(),
          String.format("%.2f", sendSeconds),
          String.format("%.2f", allSeconds),
          String.format("%.0f", total * listeners.size() / allSeconds));
      System.out.printf(
          "ConcurrentSendersOrderIT over %s: %d messages, %d senders, %d members, %.2f s, lost=0"
              + " duplicated=0 reordered=0%n",
          transport, total, SENDERS, listeners.size(), allSeconds);
    }
  }
}
