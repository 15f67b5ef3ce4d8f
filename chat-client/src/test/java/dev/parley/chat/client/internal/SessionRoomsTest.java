package dev.parley.chat.client.internal;

import static dev.parley.chat.client.internal.SessionConnectTest.unwrap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ClosedEvent;
import dev.parley.chat.client.HistoryPage;
import dev.parley.chat.client.OutgoingMessage;
import dev.parley.chat.client.PresenceEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.RoomRemovedEvent;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.protocol.internal.Direction;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rooms and sends on a connected session. */
class SessionRoomsTest {
  private ClientHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
      harness.listener.assertContractKept();
    }
  }

  @Test
  void joinCompletesWithTheHandleAndDeliversMessagesAfterTheHead() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    CompletableFuture<RoomHandle> future = c.session().join(RoomId.of("general"));
    Envelope join = c.server().next(Envelope.BodyCase.JOIN);
    assertThat(join.getJoin().getRoom()).isEqualTo("general");
    assertThat(future).isNotDone();

    c.server()
        .send(
            Frames.joinedReply(
                join.getRequestId(), Frames.joined("general", 5, 1, "bob", "carol")));

    RoomHandle room = future.join();
    assertThat(room.id()).isEqualTo(RoomId.of("general"));
    assertThat(room.lastSeq()).isEqualTo(5);
    assertThat(room.onlineMembers())
        .containsExactlyInAnyOrder(UserId.of("bob"), UserId.of("carol"));
    assertThat(c.session().room(RoomId.of("general"))).contains(room);

    c.server().send(Frames.live("general", 6));
    harness.listener.nextMessage("general", 6);
    assertThat(room.lastSeq()).isEqualTo(6);
    c.server().send(Frames.presence("general", "dave", true));
    assertThat(harness.listener.next(PresenceEvent.class).user()).isEqualTo(UserId.of("dave"));
    assertThat(room.onlineMembers()).contains(UserId.of("dave"));
    harness.listener.assertExhausted();
  }

  @Test
  void joiningARoomAlreadyJoinedReturnsItsHandle() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);
    assertThat(c.session().join(RoomId.of("general"))).isCompletedWithValue(room);
    c.server().assertNothingReceived();
  }

  @Test
  void joinRefusedFailsWithTheServersCode() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    CompletableFuture<RoomHandle> future = c.session().join(RoomId.of("dm:x:y"));
    Envelope join = c.server().next(Envelope.BodyCase.JOIN);
    c.server().send(Frames.errorReply(join.getRequestId(), ErrorCode.FORBIDDEN, "not yours"));
    assertThat(unwrap(future).code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(c.session().room(RoomId.of("dm:x:y"))).isEqualTo(Optional.empty());
  }

  @Test
  void sendCompletesOnTheAcknowledgement() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);

    CompletableFuture<SendReceipt> future = room.send("hello");
    Envelope send = c.server().next(Envelope.BodyCase.SEND);
    assertThat(send.getSend().getRoom()).isEqualTo("general");
    assertThat(send.getSend().getText()).isEqualTo("hello");
    String clientMessageId = send.getSend().getClientMessageId();
    assertThat(ClientMessageId.of(clientMessageId)).isNotNull();
    assertThat(future).isNotDone();

    c.server().send(Frames.ack(send.getRequestId(), "general", clientMessageId, 1, false));

    SendReceipt receipt = future.join();
    assertThat(receipt.seq()).isEqualTo(1);
    assertThat(receipt.clientMessageId().value()).isEqualTo(clientMessageId);
    assertThat(receipt.messageId().value()).isEqualTo("m1");
    assertThat(receipt.duplicate()).isFalse();
  }

  @Test
  void attachmentTokensGoOutInTheSendInOrder() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);

    CompletableFuture<SendReceipt> future =
        room.send(OutgoingMessage.builder().attachment("token-a").attachment("token-b").build());
    Envelope send = c.server().next(Envelope.BodyCase.SEND);
    assertThat(send.getSend().getText()).isEmpty();
    assertThat(send.getSend().getAttachmentsList()).containsExactly("token-a", "token-b");
    c.server()
        .send(
            Frames.ack(
                send.getRequestId(), "general", send.getSend().getClientMessageId(), 1, false));
    assertThat(future.join().seq()).isEqualTo(1);
  }

  @Test
  void duplicateAcknowledgementCompletesTheFutureWithDuplicateSet() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);

    CompletableFuture<SendReceipt> future =
        room.send(OutgoingMessage.text("again").withClientMessageId(ClientMessageId.of("my-id-1")));
    Envelope send = c.server().next(Envelope.BodyCase.SEND);
    assertThat(send.getSend().getClientMessageId()).isEqualTo("my-id-1");
    c.server().send(Frames.ack(send.getRequestId(), "general", "my-id-1", 7, true));

    SendReceipt receipt = future.join();
    assertThat(receipt.duplicate()).isTrue();
    assertThat(receipt.seq()).isEqualTo(7);
  }

  @Test
  void sessionChosenClientMessageIdsAreDistinct() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);
    room.send("a");
    room.send("b");
    String first = c.server().next(Envelope.BodyCase.SEND).getSend().getClientMessageId();
    String second = c.server().next(Envelope.BodyCase.SEND).getSend().getClientMessageId();
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void fullOutboxFailsAtOnceWithLimitExceeded() {
    harness = new ClientHarness(b -> b.maxOutbox(2));
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);

    CompletableFuture<SendReceipt> first = room.send("1");
    room.send("2");
    CompletableFuture<SendReceipt> third = room.send("3");

    assertThat(unwrap(third).code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
    c.server().next(Envelope.BodyCase.SEND);
    c.server().next(Envelope.BodyCase.SEND);
    c.server().assertNothingReceived();
    assertThat(first).isNotDone();
  }

  @Test
  void outboxHasRoomAgainOnceASendIsAcknowledged() {
    harness = new ClientHarness(b -> b.maxOutbox(1));
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);
    room.send("1");
    Envelope send = c.server().next(Envelope.BodyCase.SEND);
    assertThat(unwrap(room.send("2")).code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);

    c.server()
        .send(
            Frames.ack(
                send.getRequestId(), "general", send.getSend().getClientMessageId(), 1, false));

    assertThat(room.send("3")).isNotDone();
    c.server().next(Envelope.BodyCase.SEND);
  }

  @Test
  void oversizedTextFailsAtOnceWithTooLarge() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);
    assertThat(unwrap(room.send("é".repeat(8 * 1024 + 1))).code()).isEqualTo(ErrorCode.TOO_LARGE);
    c.server().assertNothingReceived();
  }

  @Test
  void sendRefusedWithANonRetryableCodeFailsWithIt() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);
    CompletableFuture<SendReceipt> future = room.send("hi");
    Envelope send = c.server().next(Envelope.BodyCase.SEND);
    c.server().send(Frames.errorReply(send.getRequestId(), ErrorCode.INVALID_ARGUMENT, "no"));
    assertThat(unwrap(future).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    harness.scheduler.advance(Duration.ofSeconds(1)); // past any resend delay; no heartbeat yet
    c.server().assertNothingReceived();
  }

  @Test
  void sendRefusedWithARetryableCodeGoesOutAgainWithTheSameIds() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);
    CompletableFuture<SendReceipt> future = room.send("maybe stored");
    Envelope send = c.server().next(Envelope.BodyCase.SEND);

    c.server().send(Frames.errorReply(send.getRequestId(), ErrorCode.UNAVAILABLE, "store down"));
    assertThat(future).isNotDone();
    c.server().assertNothingReceived();
    harness.scheduler.advance(Duration.ofSeconds(1));

    Envelope again = c.server().next(Envelope.BodyCase.SEND);
    assertThat(again).isEqualTo(send);
    c.server()
        .send(
            Frames.ack(
                again.getRequestId(), "general", again.getSend().getClientMessageId(), 1, true));
    assertThat(future.join().duplicate()).isTrue();
  }

  @Test
  void sendsRefusedWithARetryableCodeGoOutAgainOldestFirst() {
    harness =
        new ClientHarness(b -> b.reconnectBackoff(Duration.ofMillis(10), Duration.ofSeconds(10)));
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);
    List<Envelope> sent = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      room.send("m" + i);
      sent.add(c.server().next(Envelope.BodyCase.SEND));
    }
    // the store failed the first; the server refuses the later ones so they cannot overtake it
    for (Envelope send : sent) {
      c.server().send(Frames.errorReply(send.getRequestId(), ErrorCode.UNAVAILABLE, "store down"));
      // each refusal has been seen before the next one comes, so its backoff starts apart
      harness.scheduler.advance(Duration.ofMillis(3));
    }
    harness.scheduler.advance(Duration.ofSeconds(30));
    List<String> resent = new java.util.ArrayList<>();
    for (int i = 0; i < sent.size(); i++) {
      resent.add(c.server().next(Envelope.BodyCase.SEND).getSend().getClientMessageId());
    }
    assertThat(resent)
        .containsExactlyElementsOf(
            sent.stream().map(e -> e.getSend().getClientMessageId()).toList());
  }

  @Test
  void aSendRefusedWithRetryAfterWaitsThatLongAndKeepsItsTries() {
    harness =
        new ClientHarness(
            b ->
                b.reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(10))
                    .heartbeatInterval(Duration.ofMinutes(10)));
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);
    CompletableFuture<SendReceipt> future = room.send("while the store is down");
    Envelope send = c.server().next(Envelope.BodyCase.SEND);
    // more refusals than a send may have without a retry-after
    for (int attempt = 0; attempt <= Conversation.MAX_SEND_RETRIES + 2; attempt++) {
      Envelope refusal =
          Envelope.newBuilder()
              .setRequestId(send.getRequestId())
              .setError(
                  Frames.error(ErrorCode.UNAVAILABLE, "store down", "general").toBuilder()
                      .setRetryAfterMs(3_000))
              .build();
      c.server().send(refusal);
      harness.scheduler.advance(Duration.ofMillis(2_990));
      c.server().assertNothingReceived(); // not before the retry-after
      assertThat(future).isNotDone();
      harness.scheduler.advance(Duration.ofMillis(30)); // past it, and past the jitter
      send = c.server().next(Envelope.BodyCase.SEND);
    }
    c.server()
        .send(
            Frames.ack(
                send.getRequestId(), "general", send.getSend().getClientMessageId(), 1, false));
    assertThat(future.join().seq()).isEqualTo(1);
  }

  @Test
  void aSendRefusedTooOftenFailsWithTheLastCode() {
    harness =
        new ClientHarness(b -> b.reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(10)));
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);
    CompletableFuture<SendReceipt> future = room.send("never");
    for (int attempt = 0; attempt <= Conversation.MAX_SEND_RETRIES; attempt++) {
      Envelope send = c.server().next(Envelope.BodyCase.SEND);
      assertThat(future).isNotDone();
      c.server().send(Frames.errorReply(send.getRequestId(), ErrorCode.RATE_LIMITED, "slow down"));
      harness.scheduler.advance(Duration.ofSeconds(1));
    }
    ChatException failure = unwrap(future);
    assertThat(failure.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(failure.retryable()).isTrue();
    c.server().assertNothingReceived();
  }

  @Test
  void historyReadsBackwardAndReturnsAscendingMessages() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 50);

    CompletableFuture<HistoryPage> future = room.history(0, 3);
    Envelope request = c.server().next(Envelope.BodyCase.HISTORY_REQUEST);
    assertThat(request.getHistoryRequest().getDirection()).isEqualTo(Direction.BACKWARD);
    assertThat(request.getHistoryRequest().getFromSeq()).isZero();
    assertThat(request.getHistoryRequest().getLimit()).isEqualTo(3);
    Envelope page = Frames.page(request.getRequestId(), "general", 7, 50, 48, 49, 50);
    c.server()
        .send(
            page.toBuilder()
                .setHistoryPage(page.getHistoryPage().toBuilder().setHasMore(true))
                .build());

    HistoryPage answer = future.join();
    assertThat(answer.messages()).extracting(ChatMessage::seq).containsExactly(48L, 49L, 50L);
    assertThat(answer.hasMore()).isTrue();
    assertThat(answer.firstKeptSeq()).isEqualTo(7);
    harness.listener.assertExhausted();
  }

  @Test
  void requestWithoutAnswerTimesOut() {
    harness = new ClientHarness(b -> b.requestTimeout(Duration.ofSeconds(5)));
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    CompletableFuture<RoomHandle> future = c.session().join(RoomId.of("general"));
    c.server().next(Envelope.BodyCase.JOIN);

    harness.scheduler.advance(Duration.ofMillis(4_999));
    assertThat(future).isNotDone();
    harness.scheduler.advance(Duration.ofMillis(1));

    ChatException failure = unwrap(future);
    assertThat(failure.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(failure.getMessage()).contains("PT5S");
  }

  @Test
  void leaveMakesTheHandleStale() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);

    CompletableFuture<Void> left = room.leave();
    Envelope leave = c.server().next(Envelope.BodyCase.LEAVE);
    c.server()
        .send(
            Envelope.newBuilder()
                .setRequestId(leave.getRequestId())
                .setLeft(dev.parley.chat.protocol.internal.Left.newBuilder().setRoom("general"))
                .build());

    assertThat(left).isCompleted();
    assertThat(room.isJoined()).isFalse();
    assertThat(c.session().room(RoomId.of("general"))).isEmpty();
    assertThat(unwrap(room.send("too late")).code()).isEqualTo(ErrorCode.NOT_A_MEMBER);
    c.server().send(Frames.live("general", 1));
    harness.listener.assertExhausted();
  }

  @Test
  void aPushedLeftForgetsTheRoomFailsItsWaitingSendsAndTellsTheListenerWhy() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);
    RoomHandle other = ClientHarness.join(c, "other", 0);
    CompletableFuture<SendReceipt> waiting = room.send("not acknowledged yet");
    c.server().next(Envelope.BodyCase.SEND);
    CompletableFuture<Void> leaving = room.leave();
    c.server().next(Envelope.BodyCase.LEAVE);

    c.server().send(EnvelopeCodec.leftNotice(RoomId.of("general"), "archived"));

    assertThat(harness.listener.next(RoomRemovedEvent.class))
        .isEqualTo(new RoomRemovedEvent(RoomId.of("general"), "archived"));
    ChatException failure = unwrap(waiting);
    assertThat(failure.code()).isEqualTo(ErrorCode.NOT_A_MEMBER);
    assertThat(failure.getMessage()).contains("general").contains("archived");
    assertThat(leaving).isCompletedWithValue(null);
    assertThat(room.isJoined()).isFalse();
    assertThat(other.isJoined()).isTrue();
    assertThat(c.session().room(RoomId.of("general"))).isEmpty();
    assertThat(unwrap(room.send("too late")).code()).isEqualTo(ErrorCode.NOT_A_MEMBER);
    assertThat(room.typing(true)).isFalse();

    // a second pushed Left, one for a room never joined, and frames of the old room change nothing
    c.server().send(EnvelopeCodec.leftNotice(RoomId.of("general"), "again"));
    c.server().send(EnvelopeCodec.leftNotice(RoomId.of("never-joined"), "none"));
    c.server().send(Frames.live("general", 1));
    c.server().assertNothingReceived();
    assertThat(other.isJoined()).isTrue();
    harness.listener.assertExhausted();
  }

  @Test
  void aPushedLeftWithoutAReasonReportsAnEmptyOne() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);

    c.server().send(EnvelopeCodec.leftNotice(RoomId.of("general"), ""));

    assertThat(harness.listener.next(RoomRemovedEvent.class).reason()).isEmpty();
    assertThat(room.isJoined()).isFalse();
    harness.listener.assertExhausted();
  }

  @Test
  void typingAndReadReceiptsAreFireAndForget() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 3);

    assertThat(room.typing(true)).isTrue();
    assertThat(c.server().next(Envelope.BodyCase.TYPING).getTyping().getActive()).isTrue();
    assertThat(room.markRead(3)).isTrue();
    assertThat(c.server().next(Envelope.BodyCase.READ_RECEIPT).getReadReceipt().getSeq())
        .isEqualTo(3);

    c.server().closeFromServer(1006, "cut");
    assertThat(room.typing(false)).isFalse();
    assertThat(room.markRead(3)).isFalse();
  }

  @Test
  void closeFailsPendingFuturesAndEndsWithOnClosed() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);
    CompletableFuture<SendReceipt> send = room.send("never acked");
    CompletableFuture<RoomHandle> join = c.session().join(RoomId.of("other"));
    CompletableFuture<HistoryPage> history = room.history(0, 10);

    c.session().close();

    assertThat(unwrap(send).code()).isEqualTo(ErrorCode.NOT_CONNECTED);
    assertThat(unwrap(join).code()).isEqualTo(ErrorCode.NOT_CONNECTED);
    assertThat(unwrap(history).code()).isEqualTo(ErrorCode.NOT_CONNECTED);
    assertThat(unwrap(room.send("after")).code()).isEqualTo(ErrorCode.NOT_A_MEMBER);
    assertThat(unwrap(c.session().join(RoomId.of("x"))).code()).isEqualTo(ErrorCode.NOT_CONNECTED);
    harness.listener.nextState(ChatSession.State.CLOSED);
    harness.listener.next(ClosedEvent.class);
    harness.listener.assertExhausted();
  }

  @Test
  void clientCloseClosesEverySession() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    harness.client.close();
    assertThat(c.session().state()).isEqualTo(ChatSession.State.CLOSED);
    assertThat(c.server().clientCloseCode).isEqualTo(1000);
    assertThat(unwrap(harness.connect()).code()).isEqualTo(ErrorCode.NOT_CONNECTED);
  }
}
