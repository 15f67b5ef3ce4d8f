package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.HistoryPage;
import dev.parley.chat.client.PresenceEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.client.TypingEvent;
import dev.parley.chat.server.DependencyStatus;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.server.internal.DependencyBreaker;
import dev.parley.chat.server.internal.RealChatServer;
import dev.parley.chat.server.testing.FaultyMessageStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The message store goes away (fails, or hangs) under continuous traffic and comes back: sends are
 * refused retryably while it is away and the clients' outboxes resend them, nothing acknowledged is
 * lost or stored twice, chat resumes by itself, and typing and presence go on meanwhile.
 */
class StoreOutageIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final RoomId ROOM = RoomId.of("general");
  private static final int MAX_PENDING = 8;

  private final FaultyMessageStore store = new FaultyMessageStore(new InMemoryMessageStore());
  private final ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<CompletableFuture<SendReceipt>> sends = new CopyOnWriteArrayList<>();
  private Fixture fixture;

  @AfterEach
  void stop() {
    traffic.shutdownNow();
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void aFailingStoreRefusesSendsRetryablyAndNothingAcknowledgedIsLostOrDuplicated()
      throws Exception {
    fixture = new Fixture(b -> configure(b, Duration.ofSeconds(10)));
    Chat chat = joinEveryone();
    startTraffic(chat.aliceRoom);
    awaitAcknowledged(20);

    store.fail();
    await().atMost(WAIT).until(() -> storeState() == DependencyStatus.State.OPEN);
    assertThat(fixture.server.isReady()).isFalse();
    assertThat(readyz()).isEqualTo(503);

    // what a client is told while the store is away: retryable, with a retry-after
    ChatException refused =
        failure(
            fixture
                .server
                .rooms()
                .publish(
                    ROOM,
                    UserId.of("bot"),
                    ClientMessageId.of("b-1"),
                    "system notice",
                    new byte[0]));
    assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(refused.retryable()).isTrue();
    assertThat(refused.retryAfter()).isPresent();
    ChatException history = failure(chat.bobRoom.history(0, 50));
    assertThat(history.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(history.retryAfter()).isPresent();

    typingAndPresenceGoOn(chat);
    int waitingInOutbox = (int) sends.stream().filter(f -> !f.isDone()).count();
    assertThat(waitingInOutbox).as("sends the outbox keeps for later").isPositive();

    store.heal();
    await().atMost(WAIT).until(fixture.server::isReady);
    assertThat(readyz()).isEqualTo(200);
    int before = sends.size();
    await().atMost(WAIT).until(() -> sends.size() >= before + 20);
    traffic.shutdown();
    assertThat(traffic.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

    assertEverySendStoredOnceInOrder(chat);
  }

  @Test
  void aNodeWhoseStoreFailsAtStartIsNotReadyUntilTheStoreAnswers() throws Exception {
    store.fail();
    fixture = new Fixture(b -> configure(b, Duration.ofSeconds(10)));
    // no client has asked anything: the check made at start is what keeps the node out
    assertThat(fixture.server.isReady()).isFalse();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(readyz()).isEqualTo(503));

    store.heal();
    await().atMost(WAIT).until(fixture.server::isReady);
    assertThat(readyz()).isEqualTo(200);
  }

  @Test
  void aNodeWhoseStoreHangsAtStartStartsAnywayNotReady() throws Exception {
    store.hang();
    // the first check waits at most a second, not the dependency timeout
    long before = System.nanoTime();
    fixture = new Fixture(b -> configure(b, Duration.ofSeconds(60)));
    assertThat(Duration.ofNanos(System.nanoTime() - before))
        .as("start() with a hanging store")
        .isLessThan(Duration.ofSeconds(30));
    assertThat(fixture.server.isReady()).isFalse();
    assertThat(readyz()).isEqualTo(503);

    store.heal();
    await().atMost(WAIT).until(fixture.server::isReady);
    assertThat(readyz()).isEqualTo(200);
  }

  @Test
  void aHangingStoreHoldsABoundedNumberOfCallsAndFailsFastOnceOpen() throws Exception {
    fixture = new Fixture(b -> configure(b, Duration.ofSeconds(1)));
    Chat chat = joinEveryone();
    startTraffic(chat.aliceRoom);
    awaitAcknowledged(20);

    store.hang();
    await().atMost(WAIT).until(() -> storeState() == DependencyStatus.State.OPEN);
    DependencyBreaker breaker = ((RealChatServer) fixture.server).breakers().get(0);
    assertThat(breaker.name()).isEqualTo("store");
    int[] mostPending = {0};
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleWithFixedDelay(
        () -> mostPending[0] = Math.max(mostPending[0], breaker.pendingCalls()),
        0,
        1,
        TimeUnit.MILLISECONDS);
    try {
      // traffic goes on; while the breaker is open a call is refused without waiting for the store
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                ChatException refused =
                    failure(
                        fixture
                            .server
                            .rooms()
                            .publish(
                                ROOM,
                                UserId.of("bot"),
                                ClientMessageId.of("b-" + sends.size()),
                                "system notice",
                                new byte[0]));
                assertThat(refused.reason()).contains("try again later");
                assertThat(refused.retryAfter()).isPresent();
              });
      int before = sends.size();
      await().atMost(WAIT).until(() -> sends.size() >= before + 20);
    } finally {
      sampler.shutdownNow();
    }
    assertThat(mostPending[0]).as("store calls waiting at once").isLessThanOrEqualTo(MAX_PENDING);
    typingAndPresenceGoOn(chat);

    // the store was only slow: what waited is stored now, and its resends are duplicates
    store.heal();
    await().atMost(WAIT).until(fixture.server::isReady);
    int before = sends.size();
    await().atMost(WAIT).until(() -> sends.size() >= before + 20);
    traffic.shutdown();
    assertThat(traffic.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

    assertEverySendStoredOnceInOrder(chat);
  }

  private void configure(dev.parley.chat.server.ChatServerBuilder b, Duration timeout) {
    b.messageStore(store)
        .requestRate(10_000, 10_000)
        .userSendRate(10_000, 10_000)
        .breakerWindowSize(4)
        .breakerOpenDuration(Duration.ofMillis(500))
        .dependencyTimeout(timeout)
        .maxPendingStoreCalls(MAX_PENDING);
  }

  private record Chat(
      ChatSession alice,
      RoomHandle aliceRoom,
      RecordingListener aliceEvents,
      ChatSession bob,
      RoomHandle bobRoom,
      RecordingListener bobEvents,
      ChatSession carol) {}

  private Chat joinEveryone() throws Exception {
    RecordingListener aliceEvents = new RecordingListener();
    RecordingListener bobEvents = new RecordingListener();
    ChatSession alice = fixture.connect("alice", aliceEvents);
    ChatSession bob = fixture.connect("bob", bobEvents);
    ChatSession carol = fixture.connect("carol", new RecordingListener());
    RoomHandle aliceRoom = alice.join(ROOM).get(10, TimeUnit.SECONDS);
    RoomHandle bobRoom = bob.join(ROOM).get(10, TimeUnit.SECONDS);
    carol.join(ROOM).get(10, TimeUnit.SECONDS);
    RecordingListener.await(
        () -> aliceRoom.onlineMembers().contains(UserId.of("carol")),
        WAIT,
        () -> "carol online for alice");
    return new Chat(alice, aliceRoom, aliceEvents, bob, bobRoom, bobEvents, carol);
  }

  /** Alice sends a message every 10 ms, in order, until the traffic executor is shut down. */
  private void startTraffic(RoomHandle room) {
    int[] n = {0};
    traffic.scheduleWithFixedDelay(
        () -> sends.add(room.send("m" + n[0]++)), 0, 10, TimeUnit.MILLISECONDS);
  }

  private void awaitAcknowledged(int count) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                sends.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count()
                    >= count);
  }

  /** Typing goes from bob to alice, and carol leaving is seen, without the store. */
  private void typingAndPresenceGoOn(Chat chat) {
    assertThat(chat.bobRoom.typing(true)).isTrue();
    RecordingListener.await(
        () -> chat.aliceEvents.typing.contains(new TypingEvent(ROOM, UserId.of("bob"), true)),
        WAIT,
        () -> "bob typing, seen by alice while the store is away");
    chat.carol.close();
    RecordingListener.await(
        () ->
            chat.aliceEvents.presence.contains(new PresenceEvent(ROOM, UserId.of("carol"), false)),
        WAIT,
        () -> "carol offline, seen by alice while the store is away");
  }

  /**
   * Every send was acknowledged (none failed), the room's history holds each exactly once at the
   * seq its receipt names, in the order alice sent them, and bob received the same messages.
   */
  private void assertEverySendStoredOnceInOrder(Chat chat) throws Exception {
    List<SendReceipt> receipts = new ArrayList<>();
    for (CompletableFuture<SendReceipt> send : sends) {
      receipts.add(send.get(60, TimeUnit.SECONDS)); // throws if a send failed
    }
    List<ChatMessage> history = readAll(chat.bobRoom);
    List<ChatMessage> fromAlice =
        history.stream().filter(m -> m.sender().equals(UserId.of("alice"))).toList();
    Map<ClientMessageId, Long> stored = new HashMap<>();
    for (ChatMessage m : fromAlice) {
      assertThat(stored.put(m.clientMessageId(), m.seq())).as("stored twice: %s", m).isNull();
    }
    assertThat(fromAlice).hasSize(receipts.size());
    for (SendReceipt r : receipts) {
      assertThat(stored.get(r.clientMessageId())).as("acknowledged %s", r).isEqualTo(r.seq());
    }
    assertThat(fromAlice)
        .extracting(ChatMessage::text)
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, receipts.size()).mapToObj(i -> "m" + i).toList());
    List<ChatMessage> received = chat.bobEvents.awaitMessages(ROOM, history.size(), WAIT);
    assertThat(received).containsExactlyElementsOf(history);
    chat.bobEvents.assertContractKept();
    chat.aliceEvents.assertContractKept();
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

  private DependencyStatus.State storeState() {
    return fixture.server.dependencies().get(0).state();
  }

  private int readyz() throws Exception {
    URI base = fixture.server.httpUri().orElseThrow();
    return http.send(
            HttpRequest.newBuilder(base.resolve("/readyz")).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static ChatException failure(CompletableFuture<?> future) {
    try {
      future.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | CompletionException e) {
      return (ChatException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }
}
