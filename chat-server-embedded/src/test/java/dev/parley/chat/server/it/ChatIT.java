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
import dev.parley.chat.client.HistoryPage;
import dev.parley.chat.client.OutgoingMessage;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two real clients and a real server over loopback WebSockets. */
class ChatIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private Fixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = new Fixture();
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void twoClientsChatInARoom() throws Exception {
    RecordingListener aliceEvents = new RecordingListener();
    RecordingListener bobEvents = new RecordingListener();
    ChatSession alice = fixture.connect("alice", aliceEvents);
    ChatSession bob = fixture.connect("bob", bobEvents);
    assertThat(alice.user()).isEqualTo(UserId.of("alice"));
    RoomId general = RoomId.of("general");
    RoomHandle aliceRoom = alice.join(general).get(10, TimeUnit.SECONDS);
    RoomHandle bobRoom = bob.join(general).get(10, TimeUnit.SECONDS);

    SendReceipt receipt = aliceRoom.send("hi bob").get(10, TimeUnit.SECONDS);
    assertThat(receipt.seq()).isEqualTo(1);
    assertThat(receipt.duplicate()).isFalse();
    bobRoom.send("hi alice").get(10, TimeUnit.SECONDS);

    for (RecordingListener events : List.of(aliceEvents, bobEvents)) {
      List<ChatMessage> seen = events.awaitMessages(general, 2, WAIT);
      assertThat(seen).extracting(ChatMessage::text).containsExactly("hi bob", "hi alice");
      assertThat(seen).extracting(ChatMessage::seq).containsExactly(1L, 2L);
      assertThat(seen).extracting(m -> m.sender().value()).containsExactly("alice", "bob");
      events.assertContractKept();
    }
    RecordingListener.await(
        () -> aliceRoom.onlineMembers().contains(UserId.of("bob")), WAIT, () -> "bob online");
    assertThat(aliceRoom.lastSeq()).isEqualTo(2);
  }

  @Test
  void directMessagesReachOnlyTheTwoUsers() throws Exception {
    RecordingListener aliceEvents = new RecordingListener();
    RecordingListener bobEvents = new RecordingListener();
    RecordingListener carolEvents = new RecordingListener();
    ChatSession alice = fixture.connect("alice", aliceEvents);
    ChatSession bob = fixture.connect("bob", bobEvents);
    ChatSession carol = fixture.connect("carol", carolEvents);
    RoomHandle toBob = alice.joinDirect(UserId.of("bob")).get(10, TimeUnit.SECONDS);
    RoomHandle toAlice = bob.joinDirect(UserId.of("alice")).get(10, TimeUnit.SECONDS);
    assertThat(toBob.id()).isEqualTo(toAlice.id()).isEqualTo(RoomId.of("dm:alice:bob"));

    toBob.send("psst").get(10, TimeUnit.SECONDS);
    assertThat(bobEvents.awaitMessages(toBob.id(), 1, WAIT).get(0).text()).isEqualTo("psst");

    assertThatThrownBy(() -> carol.join(toBob.id()).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    assertThat(carolEvents.messages(toBob.id())).isEmpty();
  }

  @Test
  void historyPagesAreCorrect() throws Exception {
    RecordingListener events = new RecordingListener();
    ChatSession alice = fixture.connect("alice", events);
    RoomHandle room = alice.join(RoomId.of("archive")).get(10, TimeUnit.SECONDS);
    for (int i = 1; i <= 45; i++) {
      room.send("m" + i).get(10, TimeUnit.SECONDS);
    }
    HistoryPage newest = room.history(0, 20).get(10, TimeUnit.SECONDS);
    assertThat(newest.messages())
        .extracting(ChatMessage::seq)
        .containsExactlyElementsOf(range(26, 45));
    assertThat(newest.hasMore()).isTrue();
    assertThat(newest.firstKeptSeq()).isEqualTo(1);
    HistoryPage middle = room.history(25, 20).get(10, TimeUnit.SECONDS);
    assertThat(middle.messages())
        .extracting(ChatMessage::seq)
        .containsExactlyElementsOf(range(6, 25));
    assertThat(middle.hasMore()).isTrue();
    HistoryPage oldest = room.history(5, 20).get(10, TimeUnit.SECONDS);
    assertThat(oldest.messages())
        .extracting(ChatMessage::seq)
        .containsExactlyElementsOf(range(1, 5));
    assertThat(oldest.messages())
        .extracting(ChatMessage::text)
        .containsExactly("m1", "m2", "m3", "m4", "m5");
    assertThat(oldest.hasMore()).as("nothing is older than seq 1").isFalse();

    // A newcomer sees nothing live from before its join, but the same history.
    RecordingListener lateEvents = new RecordingListener();
    ChatSession late = fixture.connect("late", lateEvents);
    RoomHandle lateRoom = late.join(RoomId.of("archive")).get(10, TimeUnit.SECONDS);
    assertThat(lateRoom.history(0, 200).get(10, TimeUnit.SECONDS).messages()).hasSize(45);
    assertThat(lateEvents.messages(RoomId.of("archive"))).isEmpty();
  }

  @Test
  void resendWithTheSameClientMessageIdYieldsOneMessage() throws Exception {
    RecordingListener aliceEvents = new RecordingListener();
    RecordingListener bobEvents = new RecordingListener();
    ChatSession alice = fixture.connect("alice", aliceEvents);
    ChatSession bob = fixture.connect("bob", bobEvents);
    RoomId id = RoomId.of("idem");
    RoomHandle room = alice.join(id).get(10, TimeUnit.SECONDS);
    bob.join(id).get(10, TimeUnit.SECONDS);
    OutgoingMessage message =
        OutgoingMessage.builder()
            .text("exactly once")
            .payload(new byte[] {4, 2})
            .clientMessageId(ClientMessageId.of("order-42"))
            .build();
    SendReceipt first = room.send(message).get(10, TimeUnit.SECONDS);
    SendReceipt second = room.send(message).get(10, TimeUnit.SECONDS);
    assertThat(second.duplicate()).isTrue();
    assertThat(second.seq()).isEqualTo(first.seq());
    assertThat(second.messageId()).isEqualTo(first.messageId());
    room.send("after").get(10, TimeUnit.SECONDS);
    List<ChatMessage> atBob = bobEvents.awaitMessages(id, 2, WAIT);
    assertThat(atBob).extracting(ChatMessage::text).containsExactly("exactly once", "after");
    assertThat(atBob.get(0).payload()).containsExactly(4, 2);
    assertThat(room.history(0, 10).get(10, TimeUnit.SECONDS).messages()).hasSize(2);
  }

  @Test
  void typingReceiptsAndPresenceTravel() throws Exception {
    RecordingListener aliceEvents = new RecordingListener();
    RecordingListener bobEvents = new RecordingListener();
    ChatSession alice = fixture.connect("alice", aliceEvents);
    ChatSession bob = fixture.connect("bob", bobEvents);
    RoomId id = RoomId.of("lobby");
    RoomHandle aliceRoom = alice.join(id).get(10, TimeUnit.SECONDS);
    RoomHandle bobRoom = bob.join(id).get(10, TimeUnit.SECONDS);
    RecordingListener.await(
        () ->
            aliceEvents.presence.stream()
                .anyMatch(p -> p.user().value().equals("bob") && p.online()),
        WAIT,
        () -> "bob's presence at alice");
    assertThat(bobRoom.typing(true)).isTrue();
    RecordingListener.await(() -> !aliceEvents.typing.isEmpty(), WAIT, () -> "typing at alice");
    assertThat(aliceEvents.typing.get(0).user()).isEqualTo(UserId.of("bob"));
    long seq = aliceRoom.send("read me").get(10, TimeUnit.SECONDS).seq();
    bobEvents.awaitMessages(id, 1, WAIT);
    assertThat(bobRoom.markRead(seq)).isTrue();
    RecordingListener.await(() -> !aliceEvents.receipts.isEmpty(), WAIT, () -> "receipt at alice");
    assertThat(aliceEvents.receipts.get(0).seq()).isEqualTo(seq);
    bob.close();
    RecordingListener.await(
        () ->
            aliceEvents.presence.stream()
                .anyMatch(p -> p.user().value().equals("bob") && !p.online()),
        WAIT,
        () -> "bob offline at alice");
    RecordingListener.await(
        () -> bobEvents.closed != null, WAIT, () -> "onClosed at bob (delivered asynchronously)");
    assertThat(bobEvents.closed.code()).isEqualTo(1000);
  }

  @Test
  void healthEndpointsAnswer() throws Exception {
    URI base = fixture.server.httpUri().orElseThrow();
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(base.resolve("/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(base.resolve("/readyz")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(fixture.server.isReady()).isTrue();
  }

  private static List<Long> range(long from, long to) {
    return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
  }
}
