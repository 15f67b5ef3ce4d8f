package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ClosedEvent;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.protocol.internal.Envelope;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * On real threads: frames arrive from several transport threads at once while the application
 * sends; listener calls still run one at a time, in order, only on the callback executor, and
 * futures never complete on a transport thread.
 */
class ListenerThreadingTest {
  private static final int PER_ROOM = 2_000;
  private static final int SENDS = 300;

  private final AtomicInteger callbackThreadCount = new AtomicInteger();
  private final ExecutorService callbacks =
      Executors.newFixedThreadPool(
          8, r -> new Thread(r, "app-callback-" + callbackThreadCount.incrementAndGet()));
  private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
  private final Set<String> callbackThreads = ConcurrentHashMap.newKeySet();
  private final Set<String> completionThreads = ConcurrentHashMap.newKeySet();

  @AfterEach
  void tearDown() throws InterruptedException {
    callbacks.shutdown();
    timer.shutdownNow();
    assertThat(callbacks.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void callbacksAreSerialOrderedAndNeverOnTransportThreads() throws Exception {
    RecordingListener listener =
        new RecordingListener() {
          @Override
          void onEvent(Object event) {
            callbackThreads.add(Thread.currentThread().getName());
            if (ThreadLocalRandom.current().nextInt(50) == 0) {
              Thread.yield();
            }
          }
        };
    ClientHarness harness =
        new ClientHarness(
            b -> b.callbackExecutor(callbacks).scheduler(timer).clock(Clock.systemUTC()), listener);
    CompletableFuture<ChatSession> connecting = harness.connect();
    ScriptedTransport.Server server = harness.transport.accept(5);
    server.welcome("alice");
    ChatSession session = connecting.get(5, TimeUnit.SECONDS);
    listener.nextState(ChatSession.State.CONNECTED);
    RoomHandle roomA = join(session, server, "a");
    join(session, server, "b");

    Thread ackThread =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < SENDS; i++) {
                  Envelope send = server.next(5);
                  server.send(
                      Frames.ack(
                          send.getRequestId(),
                          "a",
                          send.getSend().getClientMessageId(),
                          10_000 + i,
                          false));
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "server-acks");
    List<Thread> pushers = new ArrayList<>();
    for (String room : List.of("a", "b")) {
      pushers.add(
          new Thread(
              () -> {
                for (long seq = 1; seq <= PER_ROOM; seq++) {
                  server.send(Frames.live(room, seq));
                }
              },
              "server-push-" + room));
    }
    ackThread.start();
    pushers.forEach(Thread::start);
    List<CompletableFuture<SendReceipt>> sends = new ArrayList<>();
    for (int i = 0; i < SENDS; i++) {
      sends.add(
          roomA
              .send("m" + i)
              .whenComplete((r, e) -> completionThreads.add(Thread.currentThread().getName())));
    }
    for (CompletableFuture<SendReceipt> send : sends) {
      send.get(10, TimeUnit.SECONDS);
    }
    for (Thread pusher : pushers) {
      pusher.join();
    }
    ackThread.join();

    Map<String, List<Long>> delivered = new HashMap<>();
    int messages = 0;
    while (messages < 2 * PER_ROOM) {
      MessageEvent event = listener.next(MessageEvent.class);
      delivered
          .computeIfAbsent(event.message().room().value(), r -> new ArrayList<>())
          .add(event.message().seq());
      messages++;
    }
    session.close();
    listener.nextState(ChatSession.State.CLOSED);
    listener.next(ClosedEvent.class);
    harness.close();

    listener.assertExhausted();
    for (String room : List.of("a", "b")) {
      assertThat(delivered.get(room)).hasSize(PER_ROOM).isSorted().doesNotHaveDuplicates();
    }
    assertThat(callbackThreads).allMatch(name -> name.startsWith("app-callback-"));
    // A future may also complete before whenComplete is attached; then the action runs on the
    // caller's thread (main). What must never happen is completion on a transport thread.
    assertThat(completionThreads).noneMatch(name -> name.startsWith("server-"));
    assertThat(completionThreads).anyMatch(name -> name.startsWith("app-callback-"));
  }

  private static RoomHandle join(ChatSession session, ScriptedTransport.Server server, String room)
      throws Exception {
    CompletableFuture<RoomHandle> future = session.join(RoomId.of(room));
    Envelope join = server.next(5);
    server.send(Frames.joinedReply(join.getRequestId(), Frames.joined(room, 0, 0)));
    return future.get(5, TimeUnit.SECONDS);
  }
}
