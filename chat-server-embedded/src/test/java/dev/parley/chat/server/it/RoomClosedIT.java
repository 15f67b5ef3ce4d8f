package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.RoomRemovedEvent;
import dev.parley.chat.server.ServerRooms;
import dev.parley.chat.testkit.net.ChaosProxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A room the server application closes ({@link ServerRooms#close}), as the Java client tells it to
 * the application: real server, real clients, loopback WebSocket.
 */
class RoomClosedIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final RoomId GENERAL = RoomId.of("general");
  private static final RoomId OTHER = RoomId.of("other");
  private static final String REASON = "archived by the moderators";
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
  void everyMemberHearsTheReasonOnTheCallbackThreadAfterTheRoomsLastMessage() throws Exception {
    RecordingListener aliceEvents = new RecordingListener();
    RecordingListener bobEvents = new RecordingListener();
    ChatSession alice = fixture.connect("alice", aliceEvents);
    ChatSession bob = fixture.connect("bob", bobEvents);
    RoomHandle aliceGeneral = alice.join(GENERAL).get(10, TimeUnit.SECONDS);
    RoomHandle aliceOther = alice.join(OTHER).get(10, TimeUnit.SECONDS);
    RoomHandle bobGeneral = bob.join(GENERAL).get(10, TimeUnit.SECONDS);
    aliceGeneral.send("before closing").get(10, TimeUnit.SECONDS);
    assertThat(aliceGeneral.isJoined()).isTrue();

    assertThat(rooms.close(GENERAL, REASON).get(10, TimeUnit.SECONDS)).isEqualTo(2);

    for (RecordingListener events : List.of(aliceEvents, bobEvents)) {
      RecordingListener.await(
          () -> !events.removals.isEmpty(), WAIT, () -> "removals: " + events.removals);
      assertThat(events.removals).hasSize(1);
      RecordingListener.Removal removal = events.removals.get(0);
      assertThat(removal.event()).isEqualTo(new RoomRemovedEvent(GENERAL, REASON));
      assertThat(removal.thread()).startsWith("parley-callback");
      assertThat(removal.messagesBefore()).as("the message sent before closing came first").isOne();
      assertThat(events.errors).as("a closed room is not an error").isEmpty();
      events.assertContractKept();
    }
    assertThat(aliceGeneral.isJoined()).isFalse();
    assertThat(bobGeneral.isJoined()).isFalse();
    assertThat(alice.room(GENERAL)).isEmpty();
    assertThat(alice.state()).isEqualTo(ChatSession.State.CONNECTED);

    // the stale handle fails clearly, and nothing goes out for it
    assertNotAMember(aliceGeneral.send("after closing"));
    assertNotAMember(aliceGeneral.history(0, 10));
    assertNotAMember(aliceGeneral.leave());
    assertThat(aliceGeneral.typing(true)).isFalse();
    assertThat(aliceGeneral.markRead(1)).isFalse();

    // the session's other room is untouched
    assertThat(aliceOther.isJoined()).isTrue();
    assertThat(aliceOther.send("still here").get(10, TimeUnit.SECONDS).seq()).isEqualTo(1);

    // the room may be joined again; the new handle works and nothing new was stored meanwhile
    RoomHandle again = alice.join(GENERAL).get(10, TimeUnit.SECONDS);
    assertThat(again.isJoined()).isTrue();
    assertThat(again.history(0, 10).get(10, TimeUnit.SECONDS).messages())
        .extracting(ChatMessage::text)
        .containsExactly("before closing");
    assertThat(again.send("back again").get(10, TimeUnit.SECONDS).seq()).isEqualTo(2);
    assertThat(aliceGeneral.isJoined()).as("the old handle stays stale").isFalse();
    aliceEvents.awaitMessages(GENERAL, 2, WAIT);
    assertThat(bobEvents.messages(GENERAL))
        .as("bob, not rejoined, gets nothing of the room")
        .extracting(ChatMessage::text)
        .containsExactly("before closing");
    assertThat(aliceEvents.removals).hasSize(1);
  }

  @Test
  void aClosedRoomIsNotRejoinedAfterAReconnect() throws Exception {
    URI target = fixture.server.webSocketUri();
    try (ChaosProxy proxy =
        new ChaosProxy(new InetSocketAddress("127.0.0.1", target.getPort())).start()) {
      URI viaProxy = URI.create("ws://127.0.0.1:" + proxy.port() + target.getPath());
      RecordingListener events = new RecordingListener();
      ChatSession alice =
          fixture
              .client(
                  viaProxy, b -> b.reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)))
              .connect("alice", events)
              .get(10, TimeUnit.SECONDS);
      RoomHandle general = alice.join(GENERAL).get(10, TimeUnit.SECONDS);
      alice.join(OTHER).get(10, TimeUnit.SECONDS);
      rooms.close(GENERAL, REASON).get(10, TimeUnit.SECONDS);
      RecordingListener.await(() -> !events.removals.isEmpty(), WAIT, () -> "removal of general");

      proxy.cutAll();
      RecordingListener.await(
          () ->
              events.states.stream().anyMatch(s -> s.current() == ChatSession.State.RECONNECTING)
                  && alice.state() == ChatSession.State.CONNECTED,
          WAIT,
          () -> "states: " + events.states);
      assertClosedRoomStaysClosed(alice, general, events);
    }
  }

  private void assertClosedRoomStaysClosed(
      ChatSession alice, RoomHandle general, RecordingListener events) throws Exception {
    RecordingListener.await(
        () -> rooms.onlineMembers(OTHER).join().contains(UserId.of("alice")),
        WAIT,
        () -> "alice resumed the other room");

    assertThat(rooms.onlineMembers(OTHER).get(10, TimeUnit.SECONDS))
        .containsExactly(UserId.of("alice"));
    assertThat(rooms.onlineMembers(GENERAL).get(10, TimeUnit.SECONDS))
        .as("the closed room was not resumed")
        .isEmpty();
    assertThat(general.isJoined()).isFalse();
    assertThat(events.removals).hasSize(1);
    assertThat(events.errors).isEmpty();
    events.assertContractKept();
  }

  private static void assertNotAMember(java.util.concurrent.CompletableFuture<?> future) {
    assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            ChatException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.NOT_A_MEMBER);
              assertThat(e.getMessage()).contains("general").contains("no longer joined");
            });
  }
}
