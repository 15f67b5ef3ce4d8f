package dev.parley.chat.server.internal;

import static dev.parley.chat.protocol.internal.Envelope.BodyCase.ERROR;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.HISTORY_PAGE;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.JOINED;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.LEFT;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.SEND_ACK;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.WELCOME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.HistoryRequest;
import dev.parley.chat.protocol.internal.Join;
import dev.parley.chat.protocol.internal.Leave;
import dev.parley.chat.protocol.internal.Ping;
import dev.parley.chat.protocol.internal.RoomPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The per-user limits of {@link UserLimits} and the token check of {@link ConnectHandler}, driven
 * in memory with a clock that moves only when told: every refusal and retry-after is exact.
 */
class AbuseLimitsEngineTest {

  @Test
  void userSendRateIsSharedByAllOfTheUsersConnections() {
    try (Engine engine = new Engine(b -> b.userSendRate(5, 10))) {
      List<FakeConnection> alice = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        FakeConnection c = engine.connect("alice");
        joined(engine, c, "r" + i);
        alice.add(c);
      }
      for (int i = 0; i < 10; i++) {
        FakeConnection c = alice.get(i % 4);
        engine.send(c, engine.sendFrame("r" + (i % 4), "m" + i, "hello " + i));
        assertThat(skipTo(c, SEND_ACK, ERROR).getBodyCase()).as("send %d", i).isEqualTo(SEND_ACK);
      }
      // the eleventh, on a connection that has sent only twice, meets the user's empty bucket
      FakeConnection fourth = alice.get(3);
      engine.send(fourth, engine.sendFrame("r3", "m10", "one too many"));
      Envelope refused = skipTo(fourth, SEND_ACK, ERROR);
      assertThat(refused.getBodyCase()).isEqualTo(ERROR);
      assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.RATE_LIMITED.code());
      assertThat(refused.getError().getRetryable()).isTrue();
      assertThat(refused.getError().getRetryAfterMs()).as("one token at 5/s").isEqualTo(200);

      // another user is not slowed down
      FakeConnection bob = engine.connect("bob");
      joined(engine, bob, "r0");
      engine.send(bob, engine.sendFrame("r0", "b1", "hi"));
      assertThat(skipTo(bob, SEND_ACK, ERROR).getBodyCase()).isEqualTo(SEND_ACK);

      // at the retry-after, alice has a token again: the resend is stored
      engine.clock.advance(Duration.ofMillis(200));
      engine.send(fourth, engine.sendFrame("r3", "m10", "one too many"));
      assertThat(skipTo(fourth, SEND_ACK, ERROR).getBodyCase()).isEqualTo(SEND_ACK);
    }
  }

  @Test
  void userJoinRateRefusesAJoinFloodWithRetryAfter() {
    try (Engine engine = new Engine(b -> b.userJoinRate(2, 3))) {
      FakeConnection a = engine.connect("alice");
      FakeConnection b = engine.connect("alice");
      joined(engine, a, "j1");
      joined(engine, b, "j2");
      joined(engine, a, "j3");
      engine.send(b, join(engine, "j4"));
      Envelope refused = skipTo(b, JOINED, ERROR);
      assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.RATE_LIMITED.code());
      assertThat(refused.getError().getRetryAfterMs()).as("one token at 2/s").isEqualTo(500);
      engine.clock.advance(Duration.ofMillis(499));
      engine.send(a, join(engine, "j4"));
      assertThat(skipTo(a, JOINED, ERROR).getError().getRetryAfterMs()).isEqualTo(1);
      engine.clock.advance(Duration.ofMillis(1));
      joined(engine, a, "j4");
    }
  }

  @Test
  void resumingRoomsAtConnectIsNotCountedAsJoins() {
    try (Engine engine = new Engine(b -> b.userJoinRate(1, 1))) {
      FakeConnection c = engine.open();
      Envelope.Builder connect = engine.connectFrame("alice").toBuilder();
      Connect.Builder body = connect.getConnect().toBuilder();
      for (int i = 0; i < 5; i++) {
        body.addResume(RoomPosition.newBuilder().setRoom("resumed" + i));
      }
      engine.send(c, connect.setConnect(body).build());
      assertThat(c.next(WELCOME).getWelcome().getRejoinedCount()).isEqualTo(5);
      joined(engine, c, "fresh"); // the one token is still there
    }
  }

  @Test
  void userHistoryReadRateRefusesAHistoryFlood() {
    try (Engine engine = new Engine(b -> b.userHistoryReadRate(10, 10))) {
      FakeConnection a = engine.connect("alice");
      FakeConnection b = engine.connect("alice");
      joined(engine, a, "h");
      joined(engine, b, "h");
      for (int i = 0; i < 10; i++) {
        FakeConnection c = i % 2 == 0 ? a : b;
        engine.send(c, history(engine, "h"));
        assertThat(skipTo(c, HISTORY_PAGE, ERROR).getBodyCase()).isEqualTo(HISTORY_PAGE);
      }
      engine.send(a, history(engine, "h"));
      Envelope refused = skipTo(a, HISTORY_PAGE, ERROR);
      assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.RATE_LIMITED.code());
      assertThat(refused.getError().getRetryAfterMs()).isEqualTo(100);
      engine.clock.advance(Duration.ofMillis(100));
      engine.send(b, history(engine, "h"));
      assertThat(skipTo(b, HISTORY_PAGE, ERROR).getBodyCase()).isEqualTo(HISTORY_PAGE);
    }
  }

  @Test
  void theConnectionRateLimitNowSaysWhenToRetry() {
    try (Engine engine = new Engine(b -> b.requestRate(4, 4))) {
      FakeConnection c = engine.connect("alice"); // Connect takes one token
      for (int i = 0; i < 3; i++) {
        engine.send(c, ping(100 + i));
        c.next();
      }
      engine.send(c, ping(200));
      Envelope refused = c.next(ERROR);
      assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.RATE_LIMITED.code());
      assertThat(refused.getError().getRetryAfterMs()).isEqualTo(250);
    }
  }

  @Test
  void connectionsPerUserArePerUserAndFreedWhenOneCloses() {
    try (Engine engine = new Engine(b -> b.maxConnectionsPerUser(2))) {
      FakeConnection first = engine.connect("alice");
      engine.connect("alice");
      FakeConnection third = engine.open();
      engine.send(third, engine.connectFrame("alice"));
      Envelope refused = third.next(ERROR);
      assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.LIMIT_EXCEEDED.code());
      assertThat(refused.getError().getRetryable()).isFalse();
      assertThat(refused.getError().getMessage()).contains("alice", "2 connections");
      assertThat(third.awaitClose()).isEqualTo(CloseCodes.TOO_MANY_CONNECTIONS);
      assertThat(CloseCodes.shouldReconnect(CloseCodes.TOO_MANY_CONNECTIONS)).isFalse();
      engine.close(third);

      engine.connect("bob"); // another user is not affected
      engine.close(first);
      engine.connect("alice"); // a freed place is taken again
    }
  }

  @Test
  void roomsPerUserCountEachRoomOnceOverAllSessions() {
    try (Engine engine = new Engine(b -> b.maxRoomsPerUser(3))) {
      FakeConnection a = engine.connect("alice");
      FakeConnection b = engine.connect("alice");
      joined(engine, a, "one");
      joined(engine, b, "one"); // the same room from another session counts once
      joined(engine, b, "two");
      joined(engine, a, "three");
      engine.send(b, join(engine, "four"));
      Envelope refused = skipTo(b, JOINED, ERROR);
      assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.LIMIT_EXCEEDED.code());
      assertThat(refused.getError().getMessage()).contains("at most 3 rooms");
      joined(engine, b, "three"); // a room the user is in already is always fine

      // leaving frees a place; so does a session closing with the only membership of a room
      engine.send(a, leave(engine, "one"));
      skipTo(a, LEFT, ERROR);
      engine.send(b, leave(engine, "one"));
      skipTo(b, LEFT, ERROR);
      joined(engine, b, "four");
      engine.close(a); // "three" stays: b is in it too
      engine.send(b, join(engine, "five"));
      assertThat(skipTo(b, JOINED, ERROR).getError().getCode())
          .isEqualTo(ErrorCode.LIMIT_EXCEEDED.code());
    }
  }

  @Test
  void oversizedTokenIsRefusedBeforeTheAuthenticatorIsCalled() {
    AtomicInteger calls = new AtomicInteger();
    try (Engine engine =
        new Engine(
            b ->
                b.maxTokenBytes(100)
                    .authenticator(
                        request -> {
                          calls.incrementAndGet();
                          return CompletableFuture.completedFuture(UserId.of("someone"));
                        }))) {
      FakeConnection c = engine.open();
      // 34 three-byte characters: 34 chars, 102 bytes
      engine.send(c, connectWithToken(engine, "\u20ac".repeat(34)));
      Envelope refused = c.next(ERROR);
      assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED.code());
      assertThat(refused.getError().getMessage()).isEqualTo("token larger than 100 bytes");
      assertThat(c.awaitClose()).isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
      assertThat(calls).hasValue(0);

      FakeConnection ok = engine.open();
      engine.send(ok, connectWithToken(engine, "a".repeat(100)));
      ok.next(WELCOME);
      assertThat(calls).hasValue(1);
    }
  }

  @Test
  void usersWithoutConnectionsAreForgottenOnceTheirBucketsAreFull() {
    try (Engine engine = new Engine(b -> b.userSendRate(1, 1))) {
      FakeConnection c = engine.connect("alice");
      joined(engine, c, "s");
      engine.send(c, engine.sendFrame("s", "m1", "hi"));
      skipTo(c, SEND_ACK, ERROR);
      engine.close(c);
      UserLimits limits = engine.context.userLimits();
      limits.sweep();
      assertThat(limits.trackedUsers()).as("kept while the bucket refills").isEqualTo(1);

      // reconnecting does not refill the bucket
      FakeConnection again = engine.connect("alice");
      joined(engine, again, "s");
      engine.send(again, engine.sendFrame("s", "m2", "again"));
      assertThat(skipTo(again, SEND_ACK, ERROR).getError().getCode())
          .isEqualTo(ErrorCode.RATE_LIMITED.code());
      engine.close(again);

      engine.clock.advance(Duration.ofSeconds(1));
      limits.sweep();
      assertThat(limits.trackedUsers()).isZero();
    }
  }

  /** Joins and waits for the Joined answer, skipping other frames. */
  private static void joined(Engine engine, FakeConnection c, String room) {
    engine.send(c, join(engine, room));
    assertThat(skipTo(c, JOINED, ERROR).getBodyCase()).as("join %s", room).isEqualTo(JOINED);
  }

  /** The next frame of one of the given kinds, skipping deliveries, presence and the like. */
  private static Envelope skipTo(FakeConnection c, Envelope.BodyCase... kinds) {
    while (true) {
      Envelope e = c.next();
      for (Envelope.BodyCase kind : kinds) {
        if (e.getBodyCase() == kind) {
          return e;
        }
      }
    }
  }

  private static Envelope join(Engine engine, String room) {
    return Envelope.newBuilder()
        .setRequestId(engine.nextRequestId())
        .setJoin(Join.newBuilder().setRoom(room))
        .build();
  }

  private static Envelope leave(Engine engine, String room) {
    return Envelope.newBuilder()
        .setRequestId(engine.nextRequestId())
        .setLeave(Leave.newBuilder().setRoom(room))
        .build();
  }

  private static Envelope history(Engine engine, String room) {
    return Envelope.newBuilder()
        .setRequestId(engine.nextRequestId())
        .setHistoryRequest(HistoryRequest.newBuilder().setRoom(room).setLimit(10))
        .build();
  }

  private static Envelope ping(long requestId) {
    return Envelope.newBuilder().setRequestId(requestId).setPing(Ping.getDefaultInstance()).build();
  }

  private static Envelope connectWithToken(Engine engine, String token) {
    return Envelope.newBuilder()
        .setRequestId(engine.nextRequestId())
        .setConnect(
            Connect.newBuilder()
                .setProtocolVersion(Protocol.VERSION)
                .setToken(token)
                .setClientName("test")
                .setClientVersion("1"))
        .build();
  }
}
