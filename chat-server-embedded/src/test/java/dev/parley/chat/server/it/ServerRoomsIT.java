package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.server.ServerRooms;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import dev.parley.chat.testkit.net.RawWebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The application's side of the rooms ({@link ServerRooms}), with real clients over loopback. */
class ServerRoomsIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final RoomId GENERAL = RoomId.of("general");
  private static final UserId SYSTEM = UserId.of("system");
  private Fixture fixture;
  private ServerRooms rooms;

  @BeforeEach
  void start() throws Exception {
    fixture = new Fixture();
    rooms = fixture.server.rooms();
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void aServerSidePublishReachesMembersInSeqOrderAndIsInHistory() throws Exception {
    RecordingListener aliceEvents = new RecordingListener();
    RecordingListener bobEvents = new RecordingListener();
    RoomHandle alice =
        fixture.connect("alice", aliceEvents).join(GENERAL).get(10, TimeUnit.SECONDS);
    RoomHandle bob = fixture.connect("bob", bobEvents).join(GENERAL).get(10, TimeUnit.SECONDS);

    alice.send("one").get(10, TimeUnit.SECONDS);
    ChatMessage two = rooms.publish(GENERAL, SYSTEM, "two").get(10, TimeUnit.SECONDS);
    bob.send("three").get(10, TimeUnit.SECONDS);
    ChatMessage four =
        rooms
            .publish(GENERAL, SYSTEM, ClientMessageId.of("notice-4"), "four", new byte[] {4})
            .get(10, TimeUnit.SECONDS);
    assertThat(two.seq()).isEqualTo(2);
    assertThat(four.seq()).isEqualTo(4);
    assertThat(four.sender()).isEqualTo(SYSTEM);

    for (RecordingListener events : List.of(aliceEvents, bobEvents)) {
      List<ChatMessage> seen = events.awaitMessages(GENERAL, 4, WAIT);
      assertThat(seen).extracting(ChatMessage::seq).containsExactly(1L, 2L, 3L, 4L);
      assertThat(seen).extracting(ChatMessage::text).containsExactly("one", "two", "three", "four");
      assertThat(seen)
          .extracting(m -> m.sender().value())
          .containsExactly("alice", "system", "bob", "system");
      assertThat(seen.get(3).payload()).containsExactly(4);
      events.assertContractKept();
    }
    assertThat(alice.history(0, 10).get(10, TimeUnit.SECONDS).messages())
        .extracting(ChatMessage::text)
        .containsExactly("one", "two", "three", "four");

    // publishing again with the same id stores nothing new
    ChatMessage again =
        rooms
            .publish(GENERAL, SYSTEM, ClientMessageId.of("notice-4"), "four", new byte[] {4})
            .get(10, TimeUnit.SECONDS);
    assertThat(again.seq()).isEqualTo(4);
    assertThat(again.id()).isEqualTo(four.id());
  }

  @Test
  void serverSideHistoryReadsBothWays() throws Exception {
    for (int i = 1; i <= 5; i++) {
      rooms.publish(GENERAL, SYSTEM, "m" + i).get(10, TimeUnit.SECONDS);
    }
    HistorySlice newest =
        rooms.history(GENERAL, 0, ReadDirection.BACKWARD, 2).get(10, TimeUnit.SECONDS);
    assertThat(newest.messages()).extracting(ChatMessage::text).containsExactly("m4", "m5");
    assertThat(newest.hasMore()).isTrue();
    assertThat(newest.position().headSeq()).isEqualTo(5);
    HistorySlice forward =
        rooms.history(GENERAL, 2, ReadDirection.FORWARD, 10).get(10, TimeUnit.SECONDS);
    assertThat(forward.messages()).extracting(ChatMessage::seq).containsExactly(2L, 3L, 4L, 5L);
    assertThat(forward.hasMore()).isFalse();

    ExecutionException bad =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class,
            () -> rooms.history(GENERAL, 0, ReadDirection.BACKWARD, 0).get(10, TimeUnit.SECONDS));
    assertThat(((ChatException) bad.getCause()).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void onlineMembersFollowJoinsAndLeaves() throws Exception {
    assertThat(rooms.onlineMembers(GENERAL).get(10, TimeUnit.SECONDS)).isEmpty();
    RoomHandle alice =
        fixture.connect("alice", new RecordingListener()).join(GENERAL).get(10, TimeUnit.SECONDS);
    RoomHandle bob =
        fixture.connect("bob", new RecordingListener()).join(GENERAL).get(10, TimeUnit.SECONDS);
    assertThat(rooms.onlineMembers(GENERAL).get(10, TimeUnit.SECONDS))
        .containsExactlyInAnyOrder(UserId.of("alice"), UserId.of("bob"));
    bob.leave().get(10, TimeUnit.SECONDS);
    assertThat(rooms.onlineMembers(GENERAL).get(10, TimeUnit.SECONDS))
        .containsExactly(UserId.of("alice"));
    alice.leave().get(10, TimeUnit.SECONDS);
    assertThat(rooms.onlineMembers(GENERAL).get(10, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void disconnectingAUserClosesAllItsSessionsAndNoOneElse() throws Exception {
    RecordingListener phone = new RecordingListener();
    RecordingListener laptop = new RecordingListener();
    RecordingListener bobEvents = new RecordingListener();
    fixture.connect("alice", phone).join(GENERAL).get(10, TimeUnit.SECONDS);
    fixture.connect("alice", laptop).join(GENERAL).get(10, TimeUnit.SECONDS);
    ChatSession bob = fixture.connect("bob", bobEvents);
    bob.join(GENERAL).get(10, TimeUnit.SECONDS);
    assertThat(rooms.sessionsOf(UserId.of("alice"))).hasSize(2);

    assertThat(rooms.disconnectUser(UserId.of("alice"), "account suspended")).isEqualTo(2);
    for (RecordingListener events : List.of(phone, laptop)) {
      RecordingListener.await(() -> events.closed != null, WAIT, () -> "alice's session closed");
      assertThat(events.closed.code()).isEqualTo(CloseCodes.NORMAL);
    }
    RecordingListener.await(
        () -> rooms.sessionsOf(UserId.of("alice")).isEmpty(), WAIT, () -> "alice gone");
    RecordingListener.await(
        () -> rooms.onlineMembers(GENERAL).join().equals(Set.of(UserId.of("bob"))),
        WAIT,
        () -> "only bob online: " + rooms.onlineMembers(GENERAL).join());
    assertThat(bob.state()).isEqualTo(ChatSession.State.CONNECTED);
    assertThat(bobEvents.closed).isNull();
    assertThat(rooms.disconnectUser(UserId.of("alice"), "again")).isZero();
  }

  @Test
  void disconnectingOneSessionLeavesTheUsersOthers() throws Exception {
    RecordingListener first = new RecordingListener();
    RecordingListener second = new RecordingListener();
    fixture.connect("bob", first);
    Set<String> before = rooms.sessionsOf(UserId.of("bob"));
    assertThat(before).hasSize(1);
    ChatSession other = fixture.connect("bob", second);
    String firstId = before.iterator().next();

    assertThat(rooms.disconnectSession(firstId, "signed out on this device")).isTrue();
    RecordingListener.await(() -> first.closed != null, WAIT, () -> "first session closed");
    assertThat(first.closed.code()).isEqualTo(CloseCodes.NORMAL);
    RecordingListener.await(
        () -> !rooms.sessionsOf(UserId.of("bob")).contains(firstId), WAIT, () -> "first gone");
    assertThat(rooms.sessionsOf(UserId.of("bob"))).hasSize(1);
    assertThat(other.state()).isEqualTo(ChatSession.State.CONNECTED);
    assertThat(second.closed).isNull();
    assertThat(rooms.disconnectSession(firstId, "again")).isFalse();
    assertThat(rooms.disconnectSession("no-such-session", "none")).isFalse();
  }

  @Test
  void closingARoomRemovesAndTellsEveryMember() throws Exception {
    RecordingListener aliceEvents = new RecordingListener();
    ChatSession alice = fixture.connect("alice", aliceEvents);
    alice.join(GENERAL).get(10, TimeUnit.SECONDS);
    RoomHandle aliceOther = alice.join(RoomId.of("other")).get(10, TimeUnit.SECONDS);
    try (RawWebSocket raw = RawClients.connected(fixture.server, "carol")) {
      RawClients.join(raw, GENERAL.value());
      assertThat(RawClients.await(raw, Envelope.BodyCase.JOINED)).isNotNull();
      rooms.publish(GENERAL, SYSTEM, "closing soon").get(10, TimeUnit.SECONDS);

      assertThat(rooms.close(GENERAL, "archived by the moderators").get(10, TimeUnit.SECONDS))
          .isEqualTo(2);

      Envelope message = RawClients.await(raw, Envelope.BodyCase.MESSAGE);
      assertThat(message.getMessage().getText()).isEqualTo("closing soon");
      Envelope left = RawClients.await(raw, Envelope.BodyCase.LEFT);
      assertThat(left).as("a pushed Left").isNotNull();
      assertThat(left.getRequestId()).isZero();
      assertThat(left.getLeft().getRoom()).isEqualTo("general");
      assertThat(left.getLeft().getReason()).isEqualTo("archived by the moderators");
    }
    RecordingListener.await(
        () -> alice.room(GENERAL).isEmpty(), WAIT, () -> "alice's client forgot the room");
    assertThat(rooms.onlineMembers(GENERAL).get(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(alice.room(RoomId.of("other"))).isPresent();
    assertThat(aliceOther.send("still here").get(10, TimeUnit.SECONDS).seq()).isEqualTo(1);
    // history is kept, and the room may be joined again
    RoomHandle again = alice.join(GENERAL).get(10, TimeUnit.SECONDS);
    assertThat(again.history(0, 10).get(10, TimeUnit.SECONDS).messages())
        .extracting(ChatMessage::text)
        .containsExactly("closing soon");
    assertThat(rooms.close(RoomId.of("never-loaded"), "nothing").get(10, TimeUnit.SECONDS))
        .isZero();
  }
}
