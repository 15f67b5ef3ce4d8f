package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.OutgoingMessage;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.server.AfterStoreEvent;
import dev.parley.chat.server.BeforeStoreEvent;
import dev.parley.chat.server.MembershipEvent;
import dev.parley.chat.server.MessageHook;
import dev.parley.chat.server.MessageVerdict;
import dev.parley.chat.server.SessionEvent;
import dev.parley.chat.server.SessionListener;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The application's hooks on the message path, with real clients over loopback WebSockets. */
class HooksIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final RoomId GENERAL = RoomId.of("general");
  private Fixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private void start(Consumer<dev.parley.chat.server.ChatServerBuilder> configure)
      throws Exception {
    fixture = new Fixture(configure);
  }

  private static ChatException failure(CompletableFuture<?> future) {
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> future.get(60, TimeUnit.SECONDS));
    assertThat(e.getCause()).isInstanceOf(ChatException.class);
    return (ChatException) e.getCause();
  }

  private List<ChatMessage> history(RoomId room) throws Exception {
    return fixture
        .server
        .rooms()
        .history(room, 1, ReadDirection.FORWARD, 100)
        .get(10, TimeUnit.SECONDS)
        .messages();
  }

  @Test
  void aRejectingHookFailsTheSendWithItsReasonAndStoresNothing() throws Exception {
    start(
        b ->
            b.messageHook(
                new MessageHook() {
                  @Override
                  public MessageVerdict beforeStore(BeforeStoreEvent event) {
                    return event.text().contains("spam")
                        ? MessageVerdict.reject("no spam in " + event.room().value())
                        : MessageVerdict.accept();
                  }
                }));
    RecordingListener aliceEvents = new RecordingListener();
    RecordingListener bobEvents = new RecordingListener();
    RoomHandle alice =
        fixture.connect("alice", aliceEvents).join(GENERAL).get(10, TimeUnit.SECONDS);
    fixture.connect("bob", bobEvents).join(GENERAL).get(10, TimeUnit.SECONDS);

    ChatException refused = failure(alice.send("buy spam now"));
    assertThat(refused.code()).isEqualTo(ErrorCode.REJECTED);
    assertThat(refused.retryable()).isFalse();
    assertThat(refused.reason()).isEqualTo("no spam in general");

    SendReceipt next = alice.send("hello").get(10, TimeUnit.SECONDS);
    assertThat(next.seq()).as("the rejected message took no seq").isEqualTo(1);
    for (RecordingListener events : List.of(aliceEvents, bobEvents)) {
      assertThat(events.awaitMessages(GENERAL, 1, WAIT))
          .extracting(ChatMessage::text)
          .containsExactly("hello");
      events.assertContractKept();
    }
    assertThat(history(GENERAL)).extracting(ChatMessage::text).containsExactly("hello");
  }

  @Test
  void aRewritingHookChangesWhatMembersReceiveAndWhatIsStored() throws Exception {
    List<AfterStoreEvent> stored = new CopyOnWriteArrayList<>();
    start(
        b ->
            b.messageHook(
                new MessageHook() {
                  @Override
                  public MessageVerdict beforeStore(BeforeStoreEvent event) {
                    return event.text().contains("darn")
                        ? MessageVerdict.rewrite(event.text().replace("darn", "d**n"))
                        : MessageVerdict.accept();
                  }

                  @Override
                  public void afterStore(AfterStoreEvent event) {
                    stored.add(event);
                  }
                }));
    RecordingListener aliceEvents = new RecordingListener();
    RecordingListener bobEvents = new RecordingListener();
    ChatSession aliceSession = fixture.connect("alice", aliceEvents);
    RoomHandle alice = aliceSession.join(GENERAL).get(10, TimeUnit.SECONDS);
    fixture.connect("bob", bobEvents).join(GENERAL).get(10, TimeUnit.SECONDS);

    alice.send("darn it").get(10, TimeUnit.SECONDS);
    alice.send("fine").get(10, TimeUnit.SECONDS);

    for (RecordingListener events : List.of(aliceEvents, bobEvents)) {
      assertThat(events.awaitMessages(GENERAL, 2, WAIT))
          .extracting(ChatMessage::text)
          .containsExactly("d**n it", "fine");
    }
    assertThat(history(GENERAL)).extracting(ChatMessage::text).containsExactly("d**n it", "fine");
    RecordingListener.await(() -> stored.size() == 2, WAIT, () -> "after-store calls: " + stored);
    assertThat(stored).extracting(e -> e.message().seq()).containsExactly(1L, 2L);
    assertThat(stored).extracting(e -> e.message().text()).containsExactly("d**n it", "fine");
    assertThat(stored).allSatisfy(e -> assertThat(e.fromServer()).isFalse());
  }

  @Test
  void aHookBlockedInOneRoomDoesNotDelayAnotherRoom() throws Exception {
    RoomId slow = RoomId.of("slow");
    RoomId fast = RoomId.of("fast");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    start(
        b ->
            b.hookTimeout(Duration.ofMinutes(5))
                .messageHook(
                    new MessageHook() {
                      @Override
                      public MessageVerdict beforeStore(BeforeStoreEvent event) {
                        if (event.room().equals(slow)) {
                          entered.countDown();
                          try {
                            release.await();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                        }
                        return MessageVerdict.accept();
                      }
                    }));
    try {
      RecordingListener aliceEvents = new RecordingListener();
      RecordingListener bobEvents = new RecordingListener();
      ChatSession alice = fixture.connect("alice", aliceEvents);
      ChatSession bob = fixture.connect("bob", bobEvents);
      RoomHandle aliceSlow = alice.join(slow).get(10, TimeUnit.SECONDS);
      RoomHandle aliceFast = alice.join(fast).get(10, TimeUnit.SECONDS);
      bob.join(slow).get(10, TimeUnit.SECONDS);
      bob.join(fast).get(10, TimeUnit.SECONDS);

      CompletableFuture<SendReceipt> held = aliceSlow.send("waits for the hook");
      assertThat(entered.await(10, TimeUnit.SECONDS)).as("the slow room's hook runs").isTrue();

      SendReceipt quick = aliceFast.send("goes through").get(10, TimeUnit.SECONDS);
      assertThat(quick.seq()).isEqualTo(1);
      assertThat(bobEvents.awaitMessages(fast, 1, WAIT))
          .extracting(ChatMessage::text)
          .containsExactly("goes through");
      assertThat(held).as("the slow room's send is still in its hook").isNotDone();
      assertThat(release.getCount()).isEqualTo(1);
      assertThat(bobEvents.messages(slow)).isEmpty();

      release.countDown();
      assertThat(held.get(10, TimeUnit.SECONDS).seq()).isEqualTo(1);
      assertThat(bobEvents.awaitMessages(slow, 1, WAIT))
          .extracting(ChatMessage::text)
          .containsExactly("waits for the hook");
    } finally {
      release.countDown();
    }
  }

  @Test
  void aHookThrowingInOneRoomFailsThatSendRetryablyAndNotAnotherRoom() throws Exception {
    RoomId broken = RoomId.of("broken");
    RoomId fine = RoomId.of("fine");
    start(
        b ->
            b.messageHook(
                new MessageHook() {
                  @Override
                  public MessageVerdict beforeStore(BeforeStoreEvent event) {
                    if (event.room().equals(broken)) {
                      throw new IllegalStateException("filter backend is down");
                    }
                    return MessageVerdict.accept();
                  }
                }));
    RecordingListener bobEvents = new RecordingListener();
    ChatSession alice = fixture.connect("alice", new RecordingListener());
    ChatSession bob = fixture.connect("bob", bobEvents);
    RoomHandle aliceBroken = alice.join(broken).get(10, TimeUnit.SECONDS);
    RoomHandle aliceFine = alice.join(fine).get(10, TimeUnit.SECONDS);
    bob.join(fine).get(10, TimeUnit.SECONDS);

    CompletableFuture<SendReceipt> failing = aliceBroken.send("never stored");
    assertThat(aliceFine.send("stored").get(10, TimeUnit.SECONDS).seq()).isEqualTo(1);
    assertThat(bobEvents.awaitMessages(fine, 1, WAIT))
        .extracting(ChatMessage::text)
        .containsExactly("stored");

    // the Java client resends a retryable refusal a few times, then fails the send
    ChatException refused = failure(failing);
    assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(refused.retryable()).isTrue();
    assertThat(refused.reason()).contains("could not be checked");
    assertThat(history(broken)).isEmpty();
  }

  @Test
  void aHookPastItsBudgetFailsTheSendAndTheRoomRecovers() throws Exception {
    RoomId stuck = RoomId.of("stuck");
    CountDownLatch release = new CountDownLatch(1);
    List<String> screened = new CopyOnWriteArrayList<>();
    start(
        b ->
            b.hookTimeout(Duration.ofSeconds(1))
                .messageHook(
                    new MessageHook() {
                      @Override
                      public MessageVerdict beforeStore(BeforeStoreEvent event) {
                        screened.add(event.text());
                        if (event.text().equals("first")) {
                          try {
                            release.await();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                        }
                        return MessageVerdict.accept();
                      }
                    }));
    try {
      ChatSession alice = fixture.connect("alice", new RecordingListener());
      RoomHandle room = alice.join(stuck).get(10, TimeUnit.SECONDS);
      OutgoingMessage first =
          OutgoingMessage.text("first").withClientMessageId(ClientMessageId.of("m-1"));
      ChatException refused = failure(room.send(first));
      assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(refused.retryable()).isTrue();
      assertThat(refused.reason()).contains("could not be checked within 1000 ms");
      assertThat(history(stuck)).as("a message past its budget is not stored").isEmpty();

      // the hook returns; the failed message is sent again with its id, then the next one
      release.countDown();
      assertThat(room.send(first).get(10, TimeUnit.SECONDS).seq()).isEqualTo(1);
      assertThat(room.send("second").get(10, TimeUnit.SECONDS).seq()).isEqualTo(2);
      assertThat(history(stuck)).extracting(ChatMessage::text).containsExactly("first", "second");
      assertThat(screened).contains("first", "second");
    } finally {
      release.countDown();
    }
  }

  @Test
  void sessionListenersSeeConnectJoinLeaveAndDisconnectInOrder() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    start(
        b ->
            b.sessionListener(
                new SessionListener() {
                  @Override
                  public void onConnected(SessionEvent event) {
                    events.add("connected " + event.user().value());
                  }

                  @Override
                  public void onJoined(MembershipEvent event) {
                    events.add("joined " + event.room().value());
                  }

                  @Override
                  public void onLeft(MembershipEvent event) {
                    events.add("left " + event.room().value());
                  }

                  @Override
                  public void onDisconnected(SessionEvent event) {
                    events.add("disconnected " + event.user().value());
                  }
                }));
    ChatSession alice = fixture.connect("alice", new RecordingListener());
    RoomHandle one = alice.join(RoomId.of("one")).get(10, TimeUnit.SECONDS);
    alice.join(RoomId.of("two")).get(10, TimeUnit.SECONDS);
    one.leave().get(10, TimeUnit.SECONDS);
    alice.close();
    RecordingListener.await(() -> events.size() == 6, WAIT, () -> "events: " + events);
    assertThat(events)
        .containsExactly(
            "connected alice",
            "joined one",
            "joined two",
            "left one",
            "left two",
            "disconnected alice");
  }

  @Test
  void hooksScreenServerSidePublishesToo() throws Exception {
    start(
        b ->
            b.messageHook(
                new MessageHook() {
                  @Override
                  public MessageVerdict beforeStore(BeforeStoreEvent event) {
                    return event.fromServer() && event.text().isEmpty()
                        ? MessageVerdict.reject("announcements need text")
                        : MessageVerdict.accept();
                  }
                }));
    UserId system = UserId.of("system");
    ChatException refused = failure(fixture.server.rooms().publish(GENERAL, system, ""));
    assertThat(refused.code()).isEqualTo(ErrorCode.REJECTED);
    assertThat(refused.reason()).isEqualTo("announcements need text");
    assertThatThrownBy(() -> fixture.server.rooms().publish(GENERAL, system, "\ud800").join())
        .hasCauseInstanceOf(ChatException.class)
        .hasMessageContaining("unpaired surrogate");
    assertThat(
            fixture.server.rooms().publish(GENERAL, system, "hi").get(10, TimeUnit.SECONDS).seq())
        .isEqualTo(1);
  }
}
