package dev.parley.chat.server.internal;

import static dev.parley.chat.protocol.internal.Envelope.BodyCase.ERROR;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.PONG;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.WELCOME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.Join;
import dev.parley.chat.protocol.internal.Ping;
import dev.parley.chat.spi.AuthenticationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Frames a client pipelines behind its Connect, without waiting for Welcome: they wait while the
 * authenticator runs and are answered, in order, after Welcome; a refusal drops them. The
 * authenticator here answers only when the test completes its future, so every frame surely arrives
 * while the Connect is pending.
 */
class FramesBeforeWelcomeTest {
  private final CompletableFuture<UserId> verdict = new CompletableFuture<>();
  private final List<String> joinsAsked = new CopyOnWriteArrayList<>();
  private final Engine engine =
      new Engine(
          b ->
              b.authenticator(request -> verdict)
                  .roomPolicy(
                      (user, room) -> {
                        joinsAsked.add(room.value());
                        return true;
                      }));

  @AfterEach
  void tearDown() {
    engine.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {Protocol.SUBPROTOCOL_PROTOBUF, Protocol.SUBPROTOCOL_JSON})
  void requestsSentBeforeWelcomeAreAnsweredInOrderAfterIt(String subprotocol) throws Exception {
    FakeConnection c = engine.open(subprotocol);
    engine.send(c, engine.connectFrame("alice"));
    engine.send(c, join(2, "general"));
    engine.send(c, ping(3, 33));
    engine.send(c, join(4, "random"));
    // The authenticator has not answered, so nothing may be answered yet: 200 ms is many times
    // what the old code took to refuse the Join with NOT_CONNECTED on the calling thread.
    c.assertQuiet(200);

    verdict.complete(UserId.of("alice"));

    assertThat(c.next(WELCOME).getRequestId()).isEqualTo(1);
    // Each queued request is handled after Welcome, in arrival order; a Join's answer waits for the
    // room policy on a worker, so answers to different requests may come in any order.
    Map<Long, Envelope> answers = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      Envelope answer = c.next();
      answers.put(answer.getRequestId(), answer);
    }
    assertThat(answers.get(2L).getJoined().getRoom()).isEqualTo("general");
    assertThat(answers.get(3L).getPong().getNonce()).isEqualTo(33);
    assertThat(answers.get(4L).getJoined().getRoom()).isEqualTo("random");
    engine.send(c, ping(5, 55));
    assertThat(c.next(PONG).getRequestId()).isEqualTo(5);
    assertThat(c.isOpen()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {Protocol.SUBPROTOCOL_PROTOBUF, Protocol.SUBPROTOCOL_JSON})
  void refusedConnectDropsWhatWaitedForWelcome(String subprotocol) throws Exception {
    FakeConnection c = engine.open(subprotocol);
    engine.send(c, engine.connectFrame("alice"));
    engine.send(c, join(2, "general"));
    engine.send(c, ping(3, 33));

    verdict.completeExceptionally(new AuthenticationException("no such token"));

    Envelope refused = c.next(ERROR);
    assertThat(refused.getRequestId()).isEqualTo(1);
    assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED.code());
    assertThat(c.awaitClose()).isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
    // The queued Join would reach the room policy on a worker within milliseconds; 200 ms is
    // ample for a loaded machine to show it if it were handled.
    c.assertQuiet(200);
    assertThat(joinsAsked).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {Protocol.SUBPROTOCOL_PROTOBUF, Protocol.SUBPROTOCOL_JSON})
  void tooManyFramesBeforeWelcomeCloseTheConnection(String subprotocol) throws Exception {
    FakeConnection c = engine.open(subprotocol);
    engine.send(c, engine.connectFrame("alice"));
    for (int i = 0; i < ServerSession.MAX_FRAMES_BEFORE_WELCOME; i++) {
      engine.send(c, ping(10 + i, i));
    }
    assertThat(c.isOpen()).as("open with the queue exactly full").isTrue();
    engine.send(c, ping(999, 999));
    assertThat(c.awaitClose()).isEqualTo(CloseCodes.PROTOCOL_VIOLATION);
    verdict.complete(UserId.of("alice"));
  }

  @ParameterizedTest
  @ValueSource(strings = {Protocol.SUBPROTOCOL_PROTOBUF, Protocol.SUBPROTOCOL_JSON})
  void tooManyBytesBeforeWelcomeCloseTheConnection(String subprotocol) throws Exception {
    FakeConnection c = engine.open(subprotocol);
    engine.send(c, engine.connectFrame("alice"));
    int frameBytes = 40 * 1024;
    int frames = (int) (ServerSession.MAX_BYTES_BEFORE_WELCOME / frameBytes) + 2;
    assertThat(frames).isLessThan(ServerSession.MAX_FRAMES_BEFORE_WELCOME);
    for (int i = 0; i < frames; i++) {
      engine.send(c, engine.sendFrame("general", "m" + i, "x".repeat(frameBytes)));
    }
    assertThat(c.awaitClose()).isEqualTo(CloseCodes.PROTOCOL_VIOLATION);
    verdict.complete(UserId.of("alice"));
  }

  private static Envelope join(long requestId, String room) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setJoin(Join.newBuilder().setRoom(room))
        .build();
  }

  private static Envelope ping(long requestId, long nonce) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setPing(Ping.newBuilder().setNonce(nonce))
        .build();
  }
}
