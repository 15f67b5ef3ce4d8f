package dev.parley.chat.server.internal;

import static dev.parley.chat.protocol.internal.Envelope.BodyCase.ERROR;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.HISTORY_PAGE;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.LEFT;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.MESSAGE;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.PONG;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.PRESENCE;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.READ_RECEIPT;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.SEND_ACK;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.TYPING;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.WELCOME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.Direction;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.HistoryRequest;
import dev.parley.chat.protocol.internal.Leave;
import dev.parley.chat.protocol.internal.Ping;
import dev.parley.chat.protocol.internal.ReadReceipt;
import dev.parley.chat.protocol.internal.RoomPosition;
import dev.parley.chat.protocol.internal.Typing;
import dev.parley.chat.protocol.internal.Welcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server's request handling, in memory: every rule of docs/protocol.md, one by one. */
class ServerEngineTest {
  private final Engine engine = new Engine();

  @AfterEach
  void tearDown() {
    engine.close();
  }

  @Test
  void welcomeNamesTheAuthenticatedUserAndLimits() {
    FakeConnection c = engine.open();
    engine.send(c, engine.connectFrame("alice"));
    Welcome welcome = c.next(WELCOME).getWelcome();
    assertThat(welcome.getUser()).isEqualTo("alice");
    assertThat(welcome.getProtocolVersion()).isEqualTo(Protocol.VERSION);
    assertThat(welcome.getLimits().getMaxTextBytes()).isEqualTo(Protocol.DEFAULT_MAX_TEXT_BYTES);
  }

  @Test
  void sendIsAcknowledgedAndDeliveredToEveryMemberInSeqOrder() throws Exception {
    FakeConnection alice = engine.connect("alice");
    FakeConnection bob = engine.connect("bob");
    assertThat(engine.join(alice, "general").getJoined().getHeadSeq()).isZero();
    Envelope bobJoined = engine.join(bob, "general");
    assertThat(bobJoined.getJoined().getOnlineList()).containsExactly("alice", "bob");
    assertThat(alice.next(PRESENCE).getPresence().getUser()).isEqualTo("bob");

    for (int i = 1; i <= 3; i++) {
      engine.send(alice, engine.sendFrame("general", "m" + i, "hello " + i));
    }
    for (int i = 1; i <= 3; i++) {
      Envelope delivered = alice.next(MESSAGE);
      assertThat(delivered.getMessage().getSeq()).isEqualTo(i);
      Envelope ack = alice.next(SEND_ACK);
      assertThat(ack.getSendAck().getSeq()).isEqualTo(i);
      assertThat(ack.getSendAck().getMessageId()).isEqualTo(delivered.getMessage().getMessageId());
      Envelope atBob = bob.next(MESSAGE);
      assertThat(atBob.getMessage().getSeq()).isEqualTo(i);
      assertThat(atBob.getMessage().getText()).isEqualTo("hello " + i);
      assertThat(atBob.getMessage().getSender()).isEqualTo("alice");
    }
    bob.assertQuiet(50);
  }

  @Test
  void resendWithSameClientMessageIdYieldsOneMessage() throws Exception {
    FakeConnection alice = engine.connect("alice");
    FakeConnection bob = engine.connect("bob");
    engine.join(alice, "r");
    engine.join(bob, "r");
    alice.next(PRESENCE);
    engine.send(alice, engine.sendFrame("r", "same", "once"));
    alice.next(MESSAGE);
    var first = alice.next(SEND_ACK).getSendAck();
    engine.send(alice, engine.sendFrame("r", "same", "once"));
    var second = alice.next(SEND_ACK).getSendAck();
    assertThat(second.getDuplicate()).isTrue();
    assertThat(second.getSeq()).isEqualTo(first.getSeq());
    assertThat(second.getMessageId()).isEqualTo(first.getMessageId());
    assertThat(bob.next(MESSAGE).getMessage().getSeq()).isEqualTo(1);
    bob.assertQuiet(50);
  }

  @Test
  void sendToRoomNotJoinedIsRefusedAndChangesNothing() throws Exception {
    FakeConnection alice = engine.connect("alice");
    FakeConnection bob = engine.connect("bob");
    engine.join(bob, "r");
    Envelope request = engine.sendFrame("r", "x1", "sneaky");
    engine.send(alice, request);
    Envelope error = alice.next(ERROR);
    assertThat(error.getRequestId()).isEqualTo(request.getRequestId());
    assertThat(error.getError().getCode()).isEqualTo(ErrorCode.NOT_A_MEMBER.code());
    assertThat(error.getError().getRoom()).isEqualTo("r");
    bob.assertQuiet(50);
    assertThat(engine.context.store().position(dev.parley.chat.api.RoomId.of("r")).join().headSeq())
        .isZero();
  }

  @Test
  void invalidArgumentsGetStableErrorCodes() {
    FakeConnection alice = engine.connect("alice");
    engine.join(alice, "r");
    engine.send(alice, engine.sendFrame("r", "", "empty id"));
    assertThat(alice.next(ERROR).getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.code());
    engine.send(alice, engine.sendFrame("bad room!", "x", "t"));
    assertThat(alice.next(ERROR).getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.code());
    engine.send(
        alice, engine.sendFrame("r", "big", "x".repeat(Protocol.DEFAULT_MAX_TEXT_BYTES + 1)));
    var tooLarge = alice.next(ERROR).getError();
    assertThat(tooLarge.getCode()).isEqualTo(ErrorCode.TOO_LARGE.code());
    assertThat(tooLarge.getRetryable()).isFalse();
    engine.send(
        alice,
        Envelope.newBuilder()
            .setRequestId(9)
            .setJoin(dev.parley.chat.protocol.internal.Join.newBuilder().setRoom("x".repeat(129)))
            .build());
    assertThat(alice.next(ERROR).getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.code());
  }

  @Test
  void directRoomIsOnlyForItsTwoMembers() {
    FakeConnection alice = engine.connect("alice");
    FakeConnection carol = engine.connect("carol");
    assertThat(engine.join(alice, "dm:alice:bob").getJoined().getRoom()).isEqualTo("dm:alice:bob");
    engine.send(
        carol,
        Envelope.newBuilder()
            .setRequestId(5)
            .setJoin(dev.parley.chat.protocol.internal.Join.newBuilder().setRoom("dm:alice:bob"))
            .build());
    assertThat(carol.next(ERROR).getError().getCode()).isEqualTo(ErrorCode.FORBIDDEN.code());
  }

  @Test
  void malformedDirectRoomIdIsAnInvalidArgumentNotForbidden() {
    FakeConnection zed = engine.connect("zed");
    long requestId = 40;
    for (String room : new String[] {"dm:zed", "dm:zed:zed", "dm:zed:alice", "dm:a:b:c", "dm:"}) {
      engine.send(
          zed,
          Envelope.newBuilder()
              .setRequestId(++requestId)
              .setJoin(dev.parley.chat.protocol.internal.Join.newBuilder().setRoom(room))
              .build());
      var error = zed.next(ERROR).getError();
      assertThat(error.getCode()).as(room).isEqualTo(ErrorCode.INVALID_ARGUMENT.code());
      assertThat(error.getMessage()).as(room).contains("dm:<user>:<user>");
    }
  }

  @Test
  void errorMessagesOnTheWireDoNotRepeatTheCode() {
    FakeConnection carol = engine.connect("carol");
    engine.send(
        carol,
        Envelope.newBuilder()
            .setRequestId(5)
            .setJoin(dev.parley.chat.protocol.internal.Join.newBuilder().setRoom("dm:alice:bob"))
            .build());
    var error = carol.next(ERROR).getError();
    assertThat(error.getCode()).isEqualTo(ErrorCode.FORBIDDEN.code());
    assertThat(error.getMessage()).isEqualTo("carol may not join dm:alice:bob");
  }

  @Test
  void historyPagesBackwardAndForward() {
    FakeConnection alice = engine.connect("alice");
    engine.join(alice, "h");
    for (int i = 1; i <= 25; i++) {
      engine.send(alice, engine.sendFrame("h", "c" + i, "m" + i));
      alice.next(MESSAGE);
      alice.next(SEND_ACK);
    }
    var newest = history(alice, "h", 0, Direction.BACKWARD, 10);
    assertThat(newest.getMessagesList())
        .extracting(m -> m.getSeq())
        .containsExactly(16L, 17L, 18L, 19L, 20L, 21L, 22L, 23L, 24L, 25L);
    assertThat(newest.getHasMore()).isTrue();
    var older = history(alice, "h", 15, Direction.BACKWARD, 10);
    assertThat(older.getMessages(0).getSeq()).isEqualTo(6);
    assertThat(older.getMessages(9).getSeq()).isEqualTo(15);
    var oldest = history(alice, "h", 5, Direction.BACKWARD, 10);
    assertThat(oldest.getMessagesList())
        .extracting(m -> m.getSeq())
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(oldest.getHasMore()).isFalse();
    var forward = history(alice, "h", 20, Direction.FORWARD, 100);
    assertThat(forward.getMessagesList())
        .extracting(m -> m.getSeq())
        .containsExactly(20L, 21L, 22L, 23L, 24L, 25L);
    assertThat(forward.getHasMore()).isFalse();
    assertThat(forward.getHeadSeq()).isEqualTo(25);
    assertThat(forward.getFirstSeq()).isEqualTo(1);
  }

  @Test
  void historyPagesStayWithinTheirByteBudgetKeepingTheNearestMessages() {
    FakeConnection alice = engine.connect("alice");
    engine.join(alice, "big");
    String text = "y".repeat(Protocol.DEFAULT_MAX_TEXT_BYTES);
    int count = 40; // 40 x 16 KiB = 640 KiB, over the 256 KiB page budget
    for (int i = 1; i <= count; i++) {
      engine.send(alice, engine.sendFrame("big", "b" + i, text));
      alice.next(MESSAGE);
      alice.next(SEND_ACK);
    }
    var newest = history(alice, "big", 0, Direction.BACKWARD, 200);
    int kept = newest.getMessagesList().size();
    assertThat(kept).isBetween(1, HistoryReads.MAX_HISTORY_PAGE_BYTES / text.length());
    assertThat(newest.getMessages(kept - 1).getSeq()).isEqualTo(count);
    assertThat(newest.getMessages(0).getSeq()).isEqualTo(count - kept + 1);
    assertThat(newest.getHasMore()).isTrue();
    var oldest = history(alice, "big", 1, Direction.FORWARD, 200);
    assertThat(oldest.getMessages(0).getSeq()).isEqualTo(1);
    assertThat(oldest.getHasMore()).isTrue();
  }

  @Test
  void presenceTypingAndReceiptsReachTheOtherMembers() throws Exception {
    FakeConnection alice = engine.connect("alice");
    FakeConnection bob = engine.connect("bob");
    engine.join(alice, "p");
    engine.join(bob, "p");
    var online = alice.next(PRESENCE).getPresence();
    assertThat(online.getUser()).isEqualTo("bob");
    assertThat(online.getOnline()).isTrue();

    engine.send(
        bob,
        Envelope.newBuilder()
            .setTyping(Typing.newBuilder().setRoom("p").setActive(true).setUser("mallory"))
            .build());
    var typing = alice.next(TYPING).getTyping();
    assertThat(typing.getUser()).as("server sets the user, not the client").isEqualTo("bob");
    assertThat(typing.getActive()).isTrue();

    engine.send(alice, engine.sendFrame("p", "a1", "hi"));
    alice.next(MESSAGE);
    alice.next(SEND_ACK);
    bob.next(MESSAGE);
    engine.send(
        bob,
        Envelope.newBuilder()
            .setReadReceipt(ReadReceipt.newBuilder().setRoom("p").setSeq(1))
            .build());
    var receipt = alice.next(READ_RECEIPT).getReadReceipt();
    assertThat(receipt.getUser()).isEqualTo("bob");
    assertThat(receipt.getSeq()).isEqualTo(1);
    engine.send(
        bob,
        Envelope.newBuilder()
            .setReadReceipt(ReadReceipt.newBuilder().setRoom("p").setSeq(7))
            .build());
    assertThat(bob.next(ERROR).getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.code());

    engine.close(bob);
    var offline = alice.next(PRESENCE).getPresence();
    assertThat(offline.getUser()).isEqualTo("bob");
    assertThat(offline.getOnline()).isFalse();
    alice.assertQuiet(50);
  }

  @Test
  void leaveStopsDeliveryAndAnswersLeft() throws Exception {
    FakeConnection alice = engine.connect("alice");
    FakeConnection bob = engine.connect("bob");
    engine.join(alice, "l");
    engine.join(bob, "l");
    alice.next(PRESENCE);
    engine.send(
        bob,
        Envelope.newBuilder().setRequestId(3).setLeave(Leave.newBuilder().setRoom("l")).build());
    assertThat(bob.next(LEFT).getRequestId()).isEqualTo(3);
    alice.next(PRESENCE);
    engine.send(alice, engine.sendFrame("l", "after", "gone"));
    alice.next(MESSAGE);
    alice.next(SEND_ACK);
    bob.assertQuiet(50);
  }

  @Test
  void resumeRejoinsRoomsInsideWelcomeBeforeAnyLiveMessage() {
    FakeConnection alice = engine.connect("alice");
    engine.join(alice, "r1");
    engine.send(alice, engine.sendFrame("r1", "a", "one"));
    alice.next(MESSAGE);
    alice.next(SEND_ACK);

    FakeConnection again = engine.open();
    engine.send(
        again,
        Envelope.newBuilder()
            .setRequestId(1)
            .setConnect(
                Connect.newBuilder()
                    .setProtocolVersion(1)
                    .setToken("bob")
                    .addResume(RoomPosition.newBuilder().setRoom("r1").setLastSeq(0))
                    .addResume(RoomPosition.newBuilder().setRoom("dm:x:y").setLastSeq(0))
                    .addResume(RoomPosition.newBuilder().setRoom("no such!").setLastSeq(0)))
            .build());
    Welcome welcome = again.next(WELCOME).getWelcome();
    assertThat(welcome.getRejoinedList()).hasSize(1);
    assertThat(welcome.getRejoined(0).getRoom()).isEqualTo("r1");
    assertThat(welcome.getRejoined(0).getHeadSeq()).isEqualTo(1);
    assertThat(welcome.getRejectedList())
        .extracting(e -> e.getCode())
        .containsExactly(ErrorCode.FORBIDDEN.code(), ErrorCode.INVALID_ARGUMENT.code());
  }

  @Test
  void firstFrameMustBeConnect() throws Exception {
    FakeConnection c = engine.open();
    engine.send(c, engine.sendFrame("r", "x", "t"));
    assertThat(c.next(ERROR).getError().getCode()).isEqualTo(ErrorCode.NOT_CONNECTED.code());
    assertThat(c.awaitClose()).isEqualTo(CloseCodes.PROTOCOL_VIOLATION);
  }

  @Test
  void wrongProtocolVersionIsRefused() throws Exception {
    FakeConnection c = engine.open();
    engine.send(
        c,
        Envelope.newBuilder()
            .setConnect(Connect.newBuilder().setProtocolVersion(99).setToken("alice"))
            .build());
    assertThat(c.next(ERROR).getError().getCode()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION.code());
    assertThat(c.awaitClose()).isEqualTo(CloseCodes.PROTOCOL_VIOLATION);
  }

  @Test
  void refusedCredentialsCloseWith4001() throws Exception {
    FakeConnection c = engine.open();
    engine.send(c, engine.connectFrame("not a valid user!"));
    var error = c.next(ERROR).getError();
    assertThat(error.getCode()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED.code());
    assertThat(c.awaitClose()).isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
  }

  @Test
  void secondConnectIsRefusedButSessionStays() {
    FakeConnection c = engine.connect("alice");
    engine.send(c, engine.connectFrame("bob"));
    assertThat(c.next(ERROR).getError().getCode()).isEqualTo(ErrorCode.ALREADY_CONNECTED.code());
    engine.send(
        c, Envelope.newBuilder().setRequestId(77).setPing(Ping.newBuilder().setNonce(5)).build());
    Envelope pong = c.next(PONG);
    assertThat(pong.getRequestId()).isEqualTo(77);
    assertThat(pong.getPong().getNonce()).isEqualTo(5);
    assertThat(c.isOpen()).isTrue();
  }

  @Test
  void malformedFramesGetErrorsThenCloseWhenTheyKeepComing() throws Exception {
    FakeConnection c = engine.connect("alice");
    engine.sendRaw(c, new byte[] {(byte) 0xff, 0x01, 0x02});
    assertThat(c.next(ERROR).getError().getCode()).isEqualTo(ErrorCode.MALFORMED_FRAME.code());
    assertThat(c.isOpen()).isTrue();
    engine.sendRaw(c, new byte[0]);
    assertThat(c.next(ERROR).getError().getCode()).isEqualTo(ErrorCode.MALFORMED_FRAME.code());
    for (int i = 0; i < ServerCore.MAX_MALFORMED_IN_ROW; i++) {
      engine.sendRaw(c, new byte[] {0x0a, (byte) 0xff});
    }
    assertThat(c.awaitClose()).isEqualTo(CloseCodes.PROTOCOL_VIOLATION);
  }

  @Test
  void unknownAndServerOnlyMessageTypesAreUnsupported() {
    FakeConnection c = engine.connect("alice");
    // field 99, length-delimited, empty: a message type from a future version
    engine.sendRaw(c, new byte[] {(byte) 0x9a, 0x06, 0x00});
    assertThat(c.next(ERROR).getError().getCode()).isEqualTo(ErrorCode.UNSUPPORTED_MESSAGE.code());
    engine.send(
        c, Envelope.newBuilder().setRequestId(4).setWelcome(Welcome.getDefaultInstance()).build());
    Envelope error = c.next(ERROR);
    assertThat(error.getRequestId()).isEqualTo(4);
    assertThat(error.getError().getCode()).isEqualTo(ErrorCode.UNSUPPORTED_MESSAGE.code());
  }

  @Test
  void floodIsRateLimitedThenClosed() throws Exception {
    try (Engine small = new Engine(b -> b.requestRate(5, 5))) {
      FakeConnection c = small.connect("alice");
      small.join(c, "f");
      int limited = 0;
      for (int i = 0; i < 3; i++) {
        small.send(
            c,
            Envelope.newBuilder().setRequestId(100 + i).setPing(Ping.getDefaultInstance()).build());
      }
      for (int i = 0; i < 3; i++) {
        Envelope e = c.next();
        if (e.getBodyCase() == ERROR) {
          assertThat(e.getError().getCode()).isEqualTo(ErrorCode.RATE_LIMITED.code());
          assertThat(e.getError().getRetryable()).isTrue();
          limited++;
        }
      }
      assertThat(limited).as("5 tokens: connect, join, 3 pings fit; the next is limited").isZero();
      small.send(
          c, Envelope.newBuilder().setRequestId(200).setPing(Ping.getDefaultInstance()).build());
      assertThat(c.next(ERROR).getError().getCode()).isEqualTo(ErrorCode.RATE_LIMITED.code());
      for (int i = 0; i < RequestRateLimiter.FLOOD_REJECTIONS; i++) {
        small.send(c, Envelope.newBuilder().setPing(Ping.getDefaultInstance()).build());
      }
      assertThat(c.awaitClose()).isEqualTo(CloseCodes.FLOODING);
    }
  }

  @Test
  void slowConsumerIsClosedWhileOthersKeepReceiving() throws Exception {
    FakeConnection alice = engine.connect("alice");
    FakeConnection slow = engine.connect("slow");
    FakeConnection bob = engine.connect("bob");
    engine.join(alice, "s");
    engine.join(slow, "s");
    engine.join(bob, "s");
    alice.drain();
    slow.drain();
    slow.buffered = ChatServerBuilderDefaults.MAX_OUTBOUND + 1;
    engine.send(alice, engine.sendFrame("s", "1", "one"));
    assertThat(slow.awaitClose()).isEqualTo(CloseCodes.SLOW_CONSUMER);
    engine.close(slow);
    assertThat(bob.next(MESSAGE).getMessage().getSeq()).isEqualTo(1);
    engine.send(alice, engine.sendFrame("s", "2", "two"));
    Envelope next = bob.next();
    while (next.getBodyCase() == PRESENCE) {
      next = bob.next();
    }
    assertThat(next.getMessage().getSeq()).isEqualTo(2);
  }

  @Test
  void jsonSubprotocolSpeaksTheSameMessages() {
    FakeConnection web = engine.open(Protocol.SUBPROTOCOL_JSON);
    engine.send(web, engine.connectFrame("webby"));
    assertThat(web.next(WELCOME).getWelcome().getUser()).isEqualTo("webby");
    engine.join(web, "j");
    engine.send(web, engine.sendFrame("j", "w1", "from the browser ✓"));
    assertThat(web.next(MESSAGE).getMessage().getText()).isEqualTo("from the browser ✓");
    assertThat(web.next(SEND_ACK).getSendAck().getSeq()).isEqualTo(1);
    engine.core.onText(web, "{not json");
    assertThat(web.next(ERROR).getError().getCode()).isEqualTo(ErrorCode.MALFORMED_FRAME.code());
    engine.core.onText(web, "{\"requestId\":\"3\",\"teleport\":{}}");
    assertThat(web.next(ERROR).getError().getCode())
        .isEqualTo(ErrorCode.UNSUPPORTED_MESSAGE.code());
  }

  @Test
  void textThatIsNotValidUnicodeIsRefusedAndNotStored() {
    FakeConnection web = engine.open(Protocol.SUBPROTOCOL_JSON);
    engine.send(web, engine.connectFrame("webby"));
    web.next(WELCOME);
    engine.join(web, "u");
    // JSON can carry a lone surrogate escape; UTF-8 cannot store it
    engine.core.onText(
        web,
        "{\"requestId\":\"7\",\"send\":{\"room\":\"u\",\"clientMessageId\":\"s1\","
            + "\"text\":\"bad \\ud800 text\"}}");
    var refused = web.next(ERROR).getError();
    assertThat(refused.getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.code());
    assertThat(refused.getMessage()).contains("unpaired surrogate at index 4");
    engine.send(web, engine.sendFrame("u", "s2", "pair \ud83d\ude00 is fine"));
    assertThat(web.next(MESSAGE).getMessage().getSeq()).isEqualTo(1);
    assertThat(engine.context.store().position(dev.parley.chat.api.RoomId.of("u")).join().headSeq())
        .isEqualTo(1);
  }

  private HistoryPageView history(
      FakeConnection c, String room, long from, Direction direction, int limit) {
    engine.send(
        c,
        Envelope.newBuilder()
            .setRequestId(engine.nextRequestId())
            .setHistoryRequest(
                HistoryRequest.newBuilder()
                    .setRoom(room)
                    .setFromSeq(from)
                    .setDirection(direction)
                    .setLimit(limit))
            .build());
    return new HistoryPageView(c.next(HISTORY_PAGE).getHistoryPage());
  }

  /** Shorter names for assertions on a history page. */
  private record HistoryPageView(dev.parley.chat.protocol.internal.HistoryPage page) {
    java.util.List<dev.parley.chat.protocol.internal.Message> getMessagesList() {
      return page.getMessagesList();
    }

    dev.parley.chat.protocol.internal.Message getMessages(int i) {
      return page.getMessages(i);
    }

    boolean getHasMore() {
      return page.getHasMore();
    }

    long getHeadSeq() {
      return page.getHeadSeq();
    }

    long getFirstSeq() {
      return page.getFirstSeq();
    }
  }

  private static final class ChatServerBuilderDefaults {
    static final long MAX_OUTBOUND =
        dev.parley.chat.server.ChatServerBuilder.DEFAULT_MAX_OUTBOUND_BYTES;
  }
}
