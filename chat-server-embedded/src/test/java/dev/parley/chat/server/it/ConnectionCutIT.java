package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.testkit.net.ChaosProxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Connections cut again and again at random points, mid-stream, through a TCP proxy that resets
 * them: the cut clients reconnect, resume and end with every message exactly once, in order; the
 * cut sender's outbox resends without creating a second copy of anything.
 */
class ConnectionCutIT {
  private static final int MESSAGES = 5_000;

  /** Three seeds over a WebSocket, two over Server-Sent Events (the stream and the POSTs cut). */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("websocket", 1L),
        Arguments.of("websocket", 2L),
        Arguments.of("websocket", 3L),
        Arguments.of("sse", 1L),
        Arguments.of("sse", 2L));
  }

  @ParameterizedTest(name = "over {0}, seed {1}")
  @MethodSource("cases")
  void cutClientsEndWithEveryMessageExactlyOnceInOrder(String transport, long seed)
      throws Exception {
    try (Fixture fixture =
        new Fixture(b -> b.requestRate(100_000, 100_000).userSendRate(100_000, 100_000))) {
      boolean sse = transport.equals("sse");
      InetSocketAddress target =
          sse
              ? new InetSocketAddress("127.0.0.1", fixture.server.httpUri().orElseThrow().getPort())
              : fixture.server.address();
      try (ChaosProxy proxy =
          new ChaosProxy(new InetSocketAddress("127.0.0.1", target.getPort())).start()) {
        URI viaProxy =
            URI.create(
                (sse ? "http" : "ws")
                    + "://127.0.0.1:"
                    + proxy.port()
                    + (sse ? "/chat/sse" : "/chat"));
        RoomId room = RoomId.of("flaky");

        RecordingListener observerEvents = new RecordingListener();
        ChatSession observer = fixture.connect("observer", observerEvents, transport);
        observer.join(room).get(10, TimeUnit.SECONDS);

        RecordingListener cutReaderEvents = new RecordingListener();
        ChatSession cutReader =
            fixture
                .client(viaProxy, b -> b.random(new Random(seed)))
                .connect("reader", cutReaderEvents)
                .get(10, TimeUnit.SECONDS);
        cutReader.join(room).get(10, TimeUnit.SECONDS);

        RecordingListener cutSenderEvents = new RecordingListener();
        ChatSession cutSender =
            fixture
                .client(viaProxy, b -> b.random(new Random(seed + 100)))
                .connect("sender", cutSenderEvents)
                .get(10, TimeUnit.SECONDS);
        RoomHandle sending = cutSender.join(room).get(10, TimeUnit.SECONDS);

        AtomicBoolean sending_ = new AtomicBoolean(true);
        Random chaos = new Random(seed);
        Thread cutter =
            new Thread(
                () -> {
                  while (sending_.get()) {
                    try {
                      // The behaviour under test: cuts at random moments, 5 to 65 ms apart.
                      Thread.sleep(5 + chaos.nextInt(60));
                    } catch (InterruptedException e) {
                      return;
                    }
                    proxy.cutAll();
                  }
                },
                "cutter");
        cutter.start();

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Semaphore window = new Semaphore(64);
        List<CompletableFuture<SendReceipt>> sends = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
          window.acquireUninterruptibly();
          CompletableFuture<SendReceipt> f = sending.send("m" + i);
          f.whenComplete(
              (r, e) -> {
                window.release();
                if (r != null) {
                  acknowledged.add(r.messageId().value());
                }
              });
          sends.add(f);
        }
        for (CompletableFuture<SendReceipt> f : sends) {
          f.get(60, TimeUnit.SECONDS);
        }
        sending_.set(false);
        cutter.join();

        assertThat(acknowledged).as("every send acknowledged once").hasSize(MESSAGES);
        List<Counts> results = new ArrayList<>();
        for (RecordingListener events : List.of(observerEvents, cutReaderEvents, cutSenderEvents)) {
          List<ChatMessage> got = events.awaitMessages(room, MESSAGES, Duration.ofSeconds(60));
          Counts counts = Counts.of(got, acknowledged);
          results.add(counts);
          assertThat(counts.perfect()).as("%s", counts).isTrue();
          assertThat(got).hasSize(MESSAGES);
          assertThat(got).extracting(ChatMessage::text).doesNotHaveDuplicates();
          assertThat(events.gaps).as("no history was lost").isEmpty();
          events.assertContractKept();
        }
        assertThat(sending.history(0, 1).get(10, TimeUnit.SECONDS).messages().get(0).seq())
            .as("the store holds exactly one copy of each message")
            .isEqualTo(MESSAGES);
        assertThat(proxy.cutCount()).isGreaterThanOrEqualTo(10);
        System.out.printf(
            "ConnectionCutIT over %s, seed %d: %d messages, %d cuts; observer %s, cut reader %s,"
                + " cut sender %s%n",
            transport,
            seed,
            MESSAGES,
            proxy.cutCount(),
            results.get(0),
            results.get(1),
            results.get(2));
      }
    }
  }
}
