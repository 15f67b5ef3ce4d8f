package dev.parley.chat.client.internal;

import static dev.parley.chat.client.internal.SessionConnectTest.unwrap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ErrorEvent;
import dev.parley.chat.client.HistoryGapEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.protocol.internal.Direction;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.RoomPosition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reconnect and resume, docs/protocol.md, rule 7: no gap unless reported, no dup, no reorder. */
class SessionResumeTest {
  private ClientHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
      harness.listener.assertContractKept();
    }
  }

  /** Drops the connection and answers the reconnect's Connect with Welcome; returns the server. */
  private ScriptedTransport.Server reconnect(
      ClientHarness.Connected c,
      List<RoomPosition> expectedResume,
      dev.parley.chat.protocol.internal.Joined... rejoined) {
    c.server().closeFromServer(1006, "network cut");
    harness.listener.nextState(ChatSession.State.RECONNECTING);
    harness.scheduler.advance(Duration.ofSeconds(1));
    ScriptedTransport.Server server = harness.transport.accept();
    Envelope connect = server.welcome("alice", rejoined);
    assertThat(connect.getConnect().getResumeList()).containsExactlyElementsOf(expectedResume);
    harness.listener.nextState(ChatSession.State.CONNECTED);
    return server;
  }

  private static RoomPosition position(String room, long lastSeq) {
    return RoomPosition.newBuilder().setRoom(room).setLastSeq(lastSeq).build();
  }

  @Test
  void resumeFillsMissedHistoryWhileHoldingBackLiveMessages() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 5);
    c.server().send(Frames.live("general", 6));
    harness.listener.nextMessage("general", 6);

    ScriptedTransport.Server server =
        reconnect(c, List.of(position("general", 6)), Frames.joined("general", 10, 1));

    Envelope fill = server.next(Envelope.BodyCase.HISTORY_REQUEST);
    assertThat(fill.getHistoryRequest().getFromSeq()).isEqualTo(7);
    assertThat(fill.getHistoryRequest().getDirection()).isEqualTo(Direction.FORWARD);
    server.send(Frames.live("general", 11));
    server.send(Frames.live("general", 12));
    server.send(Frames.live("general", 6));
    assertThat(harness.listener.isEmpty()).as("live messages wait for history").isTrue();

    server.send(Frames.page(fill.getRequestId(), "general", 1, 12, 7, 8));
    harness.listener.nextMessage("general", 7);
    harness.listener.nextMessage("general", 8);
    Envelope next = server.next(Envelope.BodyCase.HISTORY_REQUEST);
    assertThat(next.getHistoryRequest().getFromSeq()).isEqualTo(9);

    server.send(Frames.page(next.getRequestId(), "general", 1, 12, 9, 10, 11));
    for (long seq = 9; seq <= 12; seq++) {
      harness.listener.nextMessage("general", seq);
    }
    server.send(Frames.live("general", 13));
    harness.listener.nextMessage("general", 13);
    assertThat(room.lastSeq()).isEqualTo(13);
    server.assertNothingReceived();
    harness.listener.assertExhausted();
  }

  @Test
  void historyNoLongerKeptIsReportedAsAGapThenDeliveryContinues() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    ClientHarness.join(c, "general", 3);

    ScriptedTransport.Server server =
        reconnect(c, List.of(position("general", 3)), Frames.joined("general", 12, 10));

    HistoryGapEvent gap = harness.listener.next(HistoryGapEvent.class);
    assertThat(gap).isEqualTo(new HistoryGapEvent(RoomId.of("general"), 4, 9));
    Envelope fill = server.next(Envelope.BodyCase.HISTORY_REQUEST);
    assertThat(fill.getHistoryRequest().getFromSeq()).isEqualTo(10);
    server.send(Frames.page(fill.getRequestId(), "general", 10, 12, 10, 11, 12));
    harness.listener.nextMessage("general", 10);
    harness.listener.nextMessage("general", 11);
    harness.listener.nextMessage("general", 12);
    harness.listener.assertExhausted();
  }

  @Test
  void aLiveMessageAheadOfTheNextSeqIsFilledFromHistoryNotSkipped() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    ClientHarness.join(c, "general", 5);

    c.server().send(Frames.live("general", 9));
    assertThat(harness.listener.isEmpty()).isTrue();
    Envelope fill = c.server().next(Envelope.BodyCase.HISTORY_REQUEST);
    assertThat(fill.getHistoryRequest().getRoom()).isEqualTo("general");
    assertThat(fill.getHistoryRequest().getFromSeq()).isEqualTo(6);
    assertThat(fill.getHistoryRequest().getDirection()).isEqualTo(Direction.FORWARD);
    c.server().send(Frames.live("general", 10));

    c.server().send(Frames.page(fill.getRequestId(), "general", 1, 10, 6, 7, 8));

    for (long seq = 6; seq <= 10; seq++) {
      harness.listener.nextMessage("general", seq);
    }
    c.server().assertNothingReceived();
    harness.listener.assertExhausted();
  }

  @Test
  void messagesMissingInsideAPageAreReportedNotSkipped() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    ClientHarness.join(c, "general", 5);
    c.server().send(Frames.live("general", 9));
    Envelope fill = c.server().next(Envelope.BodyCase.HISTORY_REQUEST);

    c.server().send(Frames.page(fill.getRequestId(), "general", 7, 9, 7, 8));

    assertThat(harness.listener.next(HistoryGapEvent.class))
        .isEqualTo(new HistoryGapEvent(RoomId.of("general"), 6, 6));
    harness.listener.nextMessage("general", 7);
    harness.listener.nextMessage("general", 8);
    harness.listener.nextMessage("general", 9);
    harness.listener.assertExhausted();
  }

  @Test
  void unacknowledgedSendsGoOutAgainWithTheSameIdsInTheirOriginalOrder() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);
    CompletableFuture<SendReceipt> a = room.send("a");
    CompletableFuture<SendReceipt> b = room.send("b");
    Envelope sentA = c.server().next(Envelope.BodyCase.SEND);
    Envelope sentB = c.server().next(Envelope.BodyCase.SEND);

    c.server().closeFromServer(1006, "cut");
    harness.listener.nextState(ChatSession.State.RECONNECTING);
    CompletableFuture<SendReceipt> cc = room.send("c");
    assertThat(cc).isNotDone();
    harness.scheduler.advance(Duration.ofSeconds(1));
    ScriptedTransport.Server server = harness.transport.accept();
    server.welcome("alice", Frames.joined("general", 1, 1));
    harness.listener.nextState(ChatSession.State.CONNECTED);
    // The server stored "a" before the cut (seq 1): the client fills it, then resends.
    Envelope fill = server.next(Envelope.BodyCase.HISTORY_REQUEST);

    Envelope resentA = server.next(Envelope.BodyCase.SEND);
    Envelope resentB = server.next(Envelope.BodyCase.SEND);
    Envelope sentC = server.next(Envelope.BodyCase.SEND);
    assertThat(resentA.getSend()).isEqualTo(sentA.getSend());
    assertThat(resentA.getRequestId()).isEqualTo(sentA.getRequestId());
    assertThat(resentB.getSend()).isEqualTo(sentB.getSend());
    assertThat(sentC.getSend().getText()).isEqualTo("c");

    server.send(Frames.page(fill.getRequestId(), "general", 1, 1, 1));
    harness.listener.nextMessage("general", 1);
    server.send(
        Frames.ack(
            resentA.getRequestId(), "general", resentA.getSend().getClientMessageId(), 1, true));
    server.send(
        Frames.ack(
            resentB.getRequestId(), "general", resentB.getSend().getClientMessageId(), 2, false));
    server.send(
        Frames.ack(
            sentC.getRequestId(), "general", sentC.getSend().getClientMessageId(), 3, false));

    assertThat(a.join().duplicate()).isTrue();
    assertThat(a.join().seq()).isEqualTo(1);
    assertThat(b.join().seq()).isEqualTo(2);
    assertThat(cc.join().seq()).isEqualTo(3);
    harness.listener.assertExhausted();
  }

  @Test
  void requestsInFlightDuringADropAreSentAgainAfterResume() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    CompletableFuture<RoomHandle> join = c.session().join(RoomId.of("general"));
    Envelope first = c.server().next(Envelope.BodyCase.JOIN);

    ScriptedTransport.Server server = reconnect(c, List.of());

    Envelope again = server.next(Envelope.BodyCase.JOIN);
    assertThat(again).isEqualTo(first);
    server.send(Frames.joinedReply(again.getRequestId(), Frames.joined("general", 0, 0)));
    assertThat(join).isCompleted();
  }

  @Test
  void aRoomTheServerWillNotRejoinIsReportedAndItsSendsFail() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);
    CompletableFuture<SendReceipt> pending = room.send("x");
    c.server().next(Envelope.BodyCase.SEND);

    c.server().closeFromServer(1006, "cut");
    harness.listener.nextState(ChatSession.State.RECONNECTING);
    harness.scheduler.advance(Duration.ofSeconds(1));
    ScriptedTransport.Server server = harness.transport.accept();
    Envelope connect = server.next(Envelope.BodyCase.CONNECT);
    server.send(
        Frames.welcome(
            connect.getRequestId(),
            "alice",
            List.of(),
            List.of(Frames.error(ErrorCode.FORBIDDEN, "banned", "general"))));
    harness.listener.nextState(ChatSession.State.CONNECTED);

    ErrorEvent error = harness.listener.next(ErrorEvent.class);
    assertThat(error.error().code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(error.error().getMessage()).contains("general");
    assertThat(unwrap(pending).code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(c.session().room(RoomId.of("general"))).isEmpty();
    server.assertNothingReceived();
    harness.listener.assertExhausted();
  }

  @Test
  void aFillThatIsNotAnsweredInTimeDropsTheConnectionAndResumesAgain() {
    harness = new ClientHarness(b -> b.requestTimeout(Duration.ofSeconds(5)));
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    ClientHarness.join(c, "general", 5);
    c.server().send(Frames.live("general", 8));
    c.server().next(Envelope.BodyCase.HISTORY_REQUEST);

    harness.scheduler.advance(Duration.ofSeconds(5));

    assertThat(c.server().aborted).isTrue();
    harness.listener.nextState(ChatSession.State.RECONNECTING);
    harness.scheduler.advance(Duration.ofSeconds(1));
    ScriptedTransport.Server server = harness.transport.accept();
    Envelope connect = server.welcome("alice", Frames.joined("general", 8, 1));
    assertThat(connect.getConnect().getResume(0).getLastSeq()).isEqualTo(5);
    harness.listener.nextState(ChatSession.State.CONNECTED);
    Envelope fill = server.next(Envelope.BodyCase.HISTORY_REQUEST);
    assertThat(fill.getHistoryRequest().getFromSeq()).isEqualTo(6);
    server.send(Frames.page(fill.getRequestId(), "general", 1, 8, 6, 7, 8));
    harness.listener.nextMessage("general", 6);
    harness.listener.nextMessage("general", 7);
    harness.listener.nextMessage("general", 8);
    harness.listener.assertExhausted();
  }

  @Test
  void aHeadBelowTheLastSeqMeansTheServerLostHistoryAndTheRoomStartsOver() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 5);
    c.server().send(Frames.live("general", 6));
    harness.listener.nextMessage("general", 6);

    ScriptedTransport.Server server =
        reconnect(c, List.of(position("general", 6)), Frames.joined("general", 2, 1));

    ErrorEvent reset = harness.listener.next(ErrorEvent.class);
    assertThat(reset.error().getMessage()).contains("general").contains("reset");
    assertThat(room.lastSeq()).isEqualTo(2);
    server.send(Frames.live("general", 3));
    harness.listener.nextMessage("general", 3);
    server.assertNothingReceived();
    harness.listener.assertExhausted();
  }
}
