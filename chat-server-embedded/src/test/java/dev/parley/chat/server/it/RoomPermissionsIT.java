package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.CreateRoom;
import dev.parley.chat.protocol.internal.Direction;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.HistoryRequest;
import dev.parley.chat.protocol.internal.Join;
import dev.parley.chat.protocol.internal.Joined;
import dev.parley.chat.protocol.internal.Moderate;
import dev.parley.chat.protocol.internal.ModerationAction;
import dev.parley.chat.protocol.internal.ReadReceipt;
import dev.parley.chat.protocol.internal.Send;
import dev.parley.chat.protocol.internal.SetRoomVisibility;
import dev.parley.chat.protocol.internal.Typing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rooms' visibility, roles and moderation over real sockets, as clients speak them (binary and
 * JSON) and as the server application calls them ({@code ServerRooms}). Every refusal is checked by
 * its exact code; someone outside a private room must get exactly what they would get for a room
 * that does not exist (or that the room policy refuses).
 */
class RoomPermissionsIT {
  private static final String SECRET = "secret";
  private Fixture fixture;
  private final List<WirePeer> peers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    fixture = new Fixture(b -> b.roomPolicy((user, room) -> !room.value().equals("staff")));
  }

  @AfterEach
  void stop() throws Exception {
    for (WirePeer p : peers) {
      p.close();
    }
    fixture.close();
  }

  private WirePeer peer(String user) throws Exception {
    WirePeer p = WirePeer.connect(fixture.server, user, false);
    peers.add(p);
    return p;
  }

  private WirePeer jsonPeer(String user) throws Exception {
    WirePeer p = WirePeer.connect(fixture.server, user, true);
    peers.add(p);
    return p;
  }

  // --- frames ---

  private static Envelope.Builder create(String room, RoomVisibility visibility) {
    return Envelope.newBuilder()
        .setCreateRoom(
            CreateRoom.newBuilder()
                .setRoom(room)
                .setVisibility(
                    dev.parley.chat.protocol.internal.EnvelopeCodec.visibility(visibility)));
  }

  private static Envelope.Builder join(String room) {
    return Envelope.newBuilder().setJoin(Join.newBuilder().setRoom(room));
  }

  private static Envelope.Builder send(String room, String id) {
    return Envelope.newBuilder()
        .setSend(Send.newBuilder().setRoom(room).setClientMessageId(id).setText("hi " + id));
  }

  private static Envelope.Builder history(String room) {
    return Envelope.newBuilder()
        .setHistoryRequest(
            HistoryRequest.newBuilder().setRoom(room).setDirection(Direction.BACKWARD));
  }

  private static Envelope.Builder typing(String room) {
    return Envelope.newBuilder().setTyping(Typing.newBuilder().setRoom(room).setActive(true));
  }

  private static Envelope.Builder receipt(String room) {
    return Envelope.newBuilder().setReadReceipt(ReadReceipt.newBuilder().setRoom(room).setSeq(1));
  }

  private static Envelope.Builder moderate(
      String room, String user, ModerationAction action, long durationMs, RoomRole role) {
    Moderate.Builder m =
        Moderate.newBuilder()
            .setRoom(room)
            .setUser(user)
            .setAction(action)
            .setDurationMs(durationMs)
            .setReason("because");
    if (role != null) {
      m.setRole(dev.parley.chat.protocol.internal.EnvelopeCodec.role(role));
    }
    return Envelope.newBuilder().setModerate(m);
  }

  private static Envelope.Builder visibility(String room, RoomVisibility visibility) {
    return Envelope.newBuilder()
        .setSetRoomVisibility(
            SetRoomVisibility.newBuilder()
                .setRoom(room)
                .setVisibility(
                    dev.parley.chat.protocol.internal.EnvelopeCodec.visibility(visibility)));
  }

  private static void assertDone(Envelope answer) {
    assertThat(answer).isNotNull();
    assertThat(answer.getBodyCase()).as("%s", answer).isEqualTo(Envelope.BodyCase.ROOM_ACTION_DONE);
  }

  private static void assertError(Envelope answer, ErrorCode code) {
    assertThat(answer).isNotNull();
    assertThat(answer.getBodyCase()).as("%s", answer).isEqualTo(Envelope.BodyCase.ERROR);
    assertThat(answer.getError().getName()).isEqualTo(code.name());
    assertThat(answer.getError().getCode()).isEqualTo(code.code());
  }

  private static Joined assertJoined(Envelope answer) {
    assertThat(answer).isNotNull();
    assertThat(answer.getBodyCase()).as("%s", answer).isEqualTo(Envelope.BodyCase.JOINED);
    return answer.getJoined();
  }

  /** A private room owned by alice, with alice joined; returns alice. */
  private WirePeer privateRoom() throws Exception {
    WirePeer alice = peer("alice");
    assertDone(alice.request(create(SECRET, RoomVisibility.PRIVATE)));
    Joined joined = assertJoined(alice.request(join(SECRET)));
    assertThat(joined.getRole()).isEqualTo(dev.parley.chat.protocol.internal.RoomRole.ROLE_OWNER);
    assertThat(joined.getVisibility())
        .isEqualTo(dev.parley.chat.protocol.internal.RoomVisibility.VISIBILITY_PRIVATE);
    assertThat(alice.request(send(SECRET, "a1")).hasSendAck()).isTrue();
    return alice;
  }

  // --- tests ---

  @Test
  void aRoomNobodyCreatedIsPublicAndEveryoneInItAMember() throws Exception {
    WirePeer bob = peer("bob");
    Joined joined = assertJoined(bob.request(join("lobby")));
    assertThat(joined.getRole()).isEqualTo(dev.parley.chat.protocol.internal.RoomRole.ROLE_MEMBER);
    assertThat(joined.getVisibility())
        .isEqualTo(dev.parley.chat.protocol.internal.RoomVisibility.VISIBILITY_PUBLIC);
    assertThat(bob.request(send("lobby", "b1")).hasSendAck()).isTrue();
    // nobody holds a role there: moderating it is acting on a room one is not a member of
    assertError(
        bob.request(moderate("lobby", "carol", ModerationAction.ACTION_KICK, 0, null)),
        ErrorCode.NOT_A_MEMBER);
  }

  @Test
  void aPrivateRoomAdmitsOnlyItsMembersAndAnInvitationMakesOne() throws Exception {
    WirePeer alice = privateRoom();
    WirePeer bob = peer("bob");
    assertError(bob.request(join(SECRET)), ErrorCode.FORBIDDEN);

    assertDone(alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_INVITE, 0, null)));
    Envelope invited = bob.awaitPushed(Envelope.BodyCase.INVITED);
    assertThat(invited.getInvited().getRoom()).isEqualTo(SECRET);
    assertThat(invited.getInvited().getBy()).isEqualTo("alice");
    Joined joined = assertJoined(bob.request(join(SECRET)));
    assertThat(joined.getRole()).isEqualTo(dev.parley.chat.protocol.internal.RoomRole.ROLE_MEMBER);
    assertThat(bob.request(history(SECRET)).getHistoryPage().getMessagesCount()).isEqualTo(1);
  }

  @Test
  void someoneOutsideAPrivateRoomLearnsNothingThatARoomNeverCreatedWouldNotTell() throws Exception {
    privateRoom();
    WirePeer eve = peer("eve");
    // join: the same refusal as the room policy's for a room it keeps people out of
    assertThat(sameWithoutRoom(eve, join(SECRET), join("staff"), SECRET, "staff"))
        .isEqualTo(ErrorCode.FORBIDDEN);
    // every other operation: the same as for a room that does not exist
    List<Function<String, Envelope.Builder>> operations =
        List.of(
            r -> send(r, "e1"),
            RoomPermissionsIT::history,
            RoomPermissionsIT::typing,
            RoomPermissionsIT::receipt,
            r -> visibility(r, RoomVisibility.PUBLIC),
            r -> moderate(r, "alice", ModerationAction.ACTION_INVITE, 0, null),
            r -> moderate(r, "eve", ModerationAction.ACTION_INVITE, 0, null),
            r -> moderate(r, "alice", ModerationAction.ACTION_KICK, 0, null),
            r -> moderate(r, "alice", ModerationAction.ACTION_BAN, 60_000, null),
            r -> moderate(r, "alice", ModerationAction.ACTION_UNBAN, 0, null),
            r -> moderate(r, "alice", ModerationAction.ACTION_MUTE, 60_000, null),
            r -> moderate(r, "alice", ModerationAction.ACTION_UNMUTE, 0, null),
            r -> moderate(r, "eve", ModerationAction.ACTION_SET_ROLE, 0, RoomRole.OWNER));
    List<ErrorCode> codes = new ArrayList<>();
    for (Function<String, Envelope.Builder> op : operations) {
      codes.add(sameWithoutRoom(eve, op.apply(SECRET), op.apply("nowhere"), SECRET, "nowhere"));
    }
    assertThat(codes).containsOnly(ErrorCode.NOT_A_MEMBER);
    // nothing about the room was pushed: no presence, typing, receipts or messages
    assertThat(eve.pushed).isEmpty();
  }

  /**
   * Sends both requests and checks the answers are the same error once each room's name is taken
   * out; returns its code.
   */
  private static ErrorCode sameWithoutRoom(
      WirePeer peer, Envelope.Builder one, Envelope.Builder other, String oneRoom, String otherRoom)
      throws Exception {
    Envelope a = peer.request(one);
    Envelope b = peer.request(other);
    assertThat(a.getBodyCase()).as("%s", a).isEqualTo(Envelope.BodyCase.ERROR);
    var ea = a.getError().toBuilder().setMessage(a.getError().getMessage().replace(oneRoom, "R"));
    var eb = b.getError().toBuilder().setMessage(b.getError().getMessage().replace(otherRoom, "R"));
    assertThat(ea.setRoom("R").build()).isEqualTo(eb.setRoom("R").build());
    return ErrorCode.fromCode(a.getError().getCode());
  }

  @Test
  void aReaderReadsButMayNotSendOrType() throws Exception {
    WirePeer alice = privateRoom();
    assertDone(
        alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_INVITE, 0, RoomRole.READER)));
    WirePeer bob = peer("bob");
    Joined joined = assertJoined(bob.request(join(SECRET)));
    assertThat(joined.getRole()).isEqualTo(dev.parley.chat.protocol.internal.RoomRole.ROLE_READER);
    assertThat(bob.request(history(SECRET)).getHistoryPage().getMessagesCount()).isEqualTo(1);
    assertError(bob.request(send(SECRET, "b1")), ErrorCode.FORBIDDEN);
    assertError(bob.request(typing(SECRET)), ErrorCode.FORBIDDEN);
    // and may not moderate
    assertError(
        bob.request(moderate(SECRET, "alice", ModerationAction.ACTION_MUTE, 1000, null)),
        ErrorCode.FORBIDDEN);
  }

  @Test
  void aMutedMemberReadsButMayNotSendUntilUnmuted() throws Exception {
    WirePeer alice = privateRoom();
    assertDone(alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_INVITE, 0, null)));
    WirePeer bob = peer("bob");
    assertJoined(bob.request(join(SECRET)));
    assertDone(alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_MUTE, 600_000, null)));
    assertError(bob.request(send(SECRET, "b1")), ErrorCode.FORBIDDEN);
    assertError(bob.request(typing(SECRET)), ErrorCode.FORBIDDEN);
    assertThat(bob.request(history(SECRET)).hasHistoryPage()).isTrue();
    assertThat(alice.request(send(SECRET, "a2")).hasSendAck()).isTrue();
    assertThat(bob.awaitPushed(Envelope.BodyCase.MESSAGE).getMessage().getText())
        .isEqualTo("hi a2");
    assertDone(alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_UNMUTE, 0, null)));
    assertThat(bob.request(send(SECRET, "b2")).hasSendAck()).isTrue();
  }

  @Test
  void aBannedMemberIsRemovedWithTheReasonAndKeptOutUntilUnbanned() throws Exception {
    WirePeer alice = privateRoom();
    assertDone(alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_INVITE, 0, null)));
    WirePeer bob = peer("bob");
    assertJoined(bob.request(join(SECRET)));
    assertDone(alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_BAN, 600_000, null)));
    Envelope left = bob.awaitPushed(Envelope.BodyCase.LEFT);
    assertThat(left.getRequestId()).isZero();
    assertThat(left.getLeft().getReason())
        .startsWith("banned from secret until")
        .endsWith("because");
    assertError(bob.request(send(SECRET, "b1")), ErrorCode.NOT_A_MEMBER);
    Envelope refused = bob.request(join(SECRET));
    assertError(refused, ErrorCode.FORBIDDEN);
    assertThat(refused.getError().getMessage()).contains("banned");
    // a resume of the room is refused too
    WirePeer again = WirePeer.connect(fixture.server, "bob", false, SECRET);
    peers.add(again);
    assertThat(again.welcome.getWelcome().getRejoinedList()).isEmpty();
    assertThat(again.welcome.getWelcome().getRejected(0).getCode())
        .isEqualTo(ErrorCode.FORBIDDEN.code());

    assertDone(alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_UNBAN, 0, null)));
    assertJoined(bob.request(join(SECRET)));
  }

  @Test
  void aBanEndsByItself() throws Exception {
    WirePeer alice = peer("alice");
    assertDone(alice.request(create("hall", RoomVisibility.PUBLIC)));
    WirePeer bob = peer("bob");
    assertDone(alice.request(moderate("hall", "bob", ModerationAction.ACTION_BAN, 500, null)));
    assertError(bob.request(join("hall")), ErrorCode.FORBIDDEN);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> bob.request(join("hall")).hasJoined());
  }

  @Test
  void aKickRemovesNowAndAPrivateRoomNeedsANewInvitation() throws Exception {
    WirePeer alice = privateRoom();
    assertDone(alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_INVITE, 0, null)));
    WirePeer bob = peer("bob");
    assertJoined(bob.request(join(SECRET)));
    assertDone(alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_KICK, 0, null)));
    assertThat(bob.awaitPushed(Envelope.BodyCase.LEFT).getLeft().getReason())
        .isEqualTo("kicked from secret by alice: because");
    assertError(bob.request(join(SECRET)), ErrorCode.FORBIDDEN);
  }

  @Test
  void aKickFromAPublicRoomLetsTheUserBackIn() throws Exception {
    WirePeer alice = peer("alice");
    assertDone(alice.request(create("hall", RoomVisibility.PUBLIC)));
    WirePeer bob = peer("bob");
    assertJoined(bob.request(join("hall")));
    assertDone(alice.request(moderate("hall", "bob", ModerationAction.ACTION_KICK, 0, null)));
    assertThat(bob.awaitPushed(Envelope.BodyCase.LEFT).getLeft().getRoom()).isEqualTo("hall");
    assertJoined(bob.request(join("hall")));
  }

  @Test
  void rolesAreRankedAndTheLastOwnerStays() throws Exception {
    WirePeer alice = privateRoom();
    assertDone(
        alice.request(
            moderate(SECRET, "mod", ModerationAction.ACTION_SET_ROLE, 0, RoomRole.MODERATOR)));
    assertDone(alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_INVITE, 0, null)));
    WirePeer mod = peer("mod");
    // a moderator may mute a member but not an owner, nor make anyone a moderator
    assertDone(mod.request(moderate(SECRET, "bob", ModerationAction.ACTION_MUTE, 60_000, null)));
    assertError(
        mod.request(moderate(SECRET, "alice", ModerationAction.ACTION_BAN, 60_000, null)),
        ErrorCode.FORBIDDEN);
    assertError(
        mod.request(moderate(SECRET, "bob", ModerationAction.ACTION_INVITE, 0, RoomRole.MODERATOR)),
        ErrorCode.FORBIDDEN);
    assertError(
        mod.request(moderate(SECRET, "bob", ModerationAction.ACTION_SET_ROLE, 0, RoomRole.READER)),
        ErrorCode.FORBIDDEN);
    // a member may do none of it
    WirePeer bob = peer("bob");
    assertError(
        bob.request(moderate(SECRET, "carol", ModerationAction.ACTION_INVITE, 0, null)),
        ErrorCode.FORBIDDEN);
    // the last owner may not step down; nothing changes
    Envelope last =
        alice.request(
            moderate(SECRET, "alice", ModerationAction.ACTION_SET_ROLE, 0, RoomRole.MEMBER));
    assertError(last, ErrorCode.FORBIDDEN);
    assertThat(last.getError().getMessage()).contains("must keep an owner");
    assertDone(alice.request(visibility(SECRET, RoomVisibility.PRIVATE)));
    assertThat(
            fixture
                .server
                .rooms()
                .history(
                    RoomId.of(SECRET),
                    0,
                    dev.parley.chat.spi.MessageStore.ReadDirection.BACKWARD,
                    10)
                .get(10, TimeUnit.SECONDS)
                .messages())
        .hasSize(1);
  }

  @Test
  void badRequestsGetAClearErrorAndChangeNothing() throws Exception {
    WirePeer alice = privateRoom();
    assertDone(alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_INVITE, 0, null)));
    WirePeer bob = peer("bob");
    assertJoined(bob.request(join(SECRET)));
    assertError(
        alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_BAN, -5, null)),
        ErrorCode.INVALID_ARGUMENT);
    assertError(
        alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_MUTE, 0, null)),
        ErrorCode.INVALID_ARGUMENT);
    assertError(
        alice.request(moderate(SECRET, "", ModerationAction.ACTION_BAN, 1000, null)),
        ErrorCode.INVALID_ARGUMENT);
    assertError(
        alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_UNSPECIFIED, 0, null)),
        ErrorCode.INVALID_ARGUMENT);
    assertError(
        alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_SET_ROLE, 0, null)),
        ErrorCode.INVALID_ARGUMENT);
    assertError(
        alice.request(moderate(SECRET, "alice", ModerationAction.ACTION_KICK, 0, null)),
        ErrorCode.INVALID_ARGUMENT);
    assertError(
        alice.request(moderate("dm:alice:bob", "bob", ModerationAction.ACTION_BAN, 1000, null)),
        ErrorCode.INVALID_ARGUMENT);
    assertError(alice.request(create(SECRET, RoomVisibility.PUBLIC)), ErrorCode.ALREADY_EXISTS);
    assertError(alice.request(create("staff", RoomVisibility.PRIVATE)), ErrorCode.FORBIDDEN);
    // a public room with history exists already, though nobody created it
    assertThat(alice.request(join("lobby")).hasJoined()).isTrue();
    assertThat(alice.request(send("lobby", "l1")).hasSendAck()).isTrue();
    assertError(alice.request(create("lobby", RoomVisibility.PRIVATE)), ErrorCode.ALREADY_EXISTS);
    // nothing changed: bob is still a member who may send
    assertThat(bob.request(send(SECRET, "b1")).hasSendAck()).isTrue();
    assertThat(bob.pushed).noneMatch(Envelope::hasLeft);
  }

  @Test
  void theJsonSubprotocolSpeaksTheSameRequests() throws Exception {
    WirePeer alice = jsonPeer("alice");
    assertDone(alice.request(create(SECRET, RoomVisibility.PRIVATE)));
    Joined joined = assertJoined(alice.request(join(SECRET)));
    assertThat(joined.getRole()).isEqualTo(dev.parley.chat.protocol.internal.RoomRole.ROLE_OWNER);
    WirePeer bob = jsonPeer("bob");
    assertError(bob.request(join(SECRET)), ErrorCode.FORBIDDEN);
    assertDone(alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_INVITE, 0, null)));
    assertThat(bob.awaitPushed(Envelope.BodyCase.INVITED).getInvited().getRoom()).isEqualTo(SECRET);
    assertJoined(bob.request(join(SECRET)));
    assertDone(alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_BAN, 60_000, null)));
    assertThat(bob.awaitPushed(Envelope.BodyCase.LEFT).getLeft().getReason()).contains("banned");
    assertError(
        alice.request(moderate(SECRET, "bob", ModerationAction.ACTION_MUTE, -1, null)),
        ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void theServerApplicationModeratesThroughTheSameStage() throws Exception {
    var rooms = fixture.server.rooms();
    RoomId hall = RoomId.of("hall");
    WirePeer bob = peer("bob");
    assertJoined(bob.request(join("hall")));
    rooms.mute(hall, UserId.of("bob"), Duration.ofMinutes(5)).get(10, TimeUnit.SECONDS);
    assertError(bob.request(send("hall", "b1")), ErrorCode.FORBIDDEN);
    assertThat(codeOf(rooms.publish(hall, UserId.of("bob"), "as bob")))
        .isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(rooms.publish(hall, UserId.of("system"), "notice").get(10, TimeUnit.SECONDS).seq())
        .isEqualTo(1);
    assertThat(rooms.kick(hall, UserId.of("bob"), "go").get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(bob.awaitPushed(Envelope.BodyCase.LEFT).getLeft().getReason())
        .isEqualTo("kicked from hall: go");
    rooms.ban(hall, UserId.of("bob"), Duration.ofMinutes(5), "spam").get(10, TimeUnit.SECONDS);
    assertError(bob.request(join("hall")), ErrorCode.FORBIDDEN);
    assertThat(codeOf(rooms.ban(hall, UserId.of("bob"), Duration.ofMillis(-1), "x")))
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    rooms
        .createRoom(RoomId.of("club"), RoomVisibility.PRIVATE, UserId.of("carol"))
        .get(10, TimeUnit.SECONDS);
    assertThat(codeOf(rooms.createRoom(RoomId.of("club"), RoomVisibility.PUBLIC, null)))
        .isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(codeOf(rooms.setRole(RoomId.of("club"), UserId.of("carol"), RoomRole.MEMBER)))
        .isEqualTo(ErrorCode.FORBIDDEN);
    assertError(bob.request(join("club")), ErrorCode.FORBIDDEN);
    rooms.invite(RoomId.of("club"), UserId.of("bob"), RoomRole.READER).get(10, TimeUnit.SECONDS);
    assertThat(bob.awaitPushed(Envelope.BodyCase.INVITED).getInvited().getBy()).isEmpty();
    assertThat(assertJoined(bob.request(join("club"))).getRole())
        .isEqualTo(dev.parley.chat.protocol.internal.RoomRole.ROLE_READER);
  }

  private static ErrorCode codeOf(java.util.concurrent.CompletableFuture<?> future)
      throws Exception {
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ChatException.class);
      return ((ChatException) e.getCause()).code();
    }
    throw new AssertionError("succeeded");
  }
}
