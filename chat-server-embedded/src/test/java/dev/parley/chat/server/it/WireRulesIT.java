package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.Join;
import dev.parley.chat.protocol.internal.Ping;
import dev.parley.chat.testkit.net.RawWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rules of docs/protocol.md that need a real socket, on the default transport: frames pipelined
 * right behind Connect, and the frame type each subprotocol allows.
 */
class WireRulesIT {
  /** Tokens starting with this wait for {@link #release} before they are accepted. */
  private static final String SLOW = "slow-";

  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch authenticating = new CountDownLatch(1);
  private Fixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture =
        new Fixture(
            b ->
                b.authenticator(
                    request -> {
                      if (!request.token().startsWith(SLOW)) {
                        return CompletableFuture.completedFuture(UserId.of(request.token()));
                      }
                      authenticating.countDown();
                      return CompletableFuture.supplyAsync(
                          () -> {
                            try {
                              release.await();
                            } catch (InterruptedException e) {
                              Thread.currentThread().interrupt();
                            }
                            return UserId.of(request.token().substring(SLOW.length()));
                          });
                    }));
  }

  @AfterEach
  void stop() {
    release.countDown();
    fixture.close();
  }

  @Test
  void joinAndPingSentRightBehindConnectAreAnsweredAfterWelcome() throws Exception {
    try (RawWebSocket ws =
        RawWebSocket.connect(fixture.server.address(), "/chat", Protocol.SUBPROTOCOL_PROTOBUF)) {
      for (Envelope e :
          List.of(
              Envelope.newBuilder()
                  .setRequestId(1)
                  .setConnect(
                      Connect.newBuilder().setProtocolVersion(Protocol.VERSION).setToken("slow-al"))
                  .build(),
              Envelope.newBuilder()
                  .setRequestId(2)
                  .setJoin(Join.newBuilder().setRoom("general"))
                  .build(),
              Envelope.newBuilder()
                  .setRequestId(3)
                  .setPing(Ping.newBuilder().setNonce(7))
                  .build())) {
        ws.sendBinary(e.toByteArray());
      }
      authenticating.await();
      // The Join and Ping are on the server while the authenticator waits; 300 ms lets the old
      // code's NOT_CONNECTED answers arrive.
      assertThat(ws.readFrame(300)).as("nothing before the authenticator answers").isNull();
      release.countDown();

      Envelope welcome = RawClients.read(ws);
      assertThat(welcome).isNotNull();
      assertThat(welcome.getBodyCase()).isEqualTo(Envelope.BodyCase.WELCOME);
      assertThat(welcome.getWelcome().getUser()).isEqualTo("al");
      List<Envelope.BodyCase> answers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Envelope answer = RawClients.read(ws);
        assertThat(answer).as("answer %d", i).isNotNull();
        answers.add(answer.getBodyCase());
      }
      assertThat(answers)
          .containsExactlyInAnyOrder(Envelope.BodyCase.JOINED, Envelope.BodyCase.PONG);
    }
  }

  @Test
  void textFrameOnAProtobufConnectionClosesWith1003() throws Exception {
    try (RawWebSocket ws = RawClients.connected(fixture.server, "tex")) {
      ws.sendText("{\"requestId\":\"2\",\"ping\":{\"nonce\":\"1\"}}");
      assertThat(ws.awaitClose(5_000)).isEqualTo(CloseCodes.UNSUPPORTED_DATA);
    }
  }

  @Test
  void binaryFrameOnAJsonConnectionClosesWith1003() throws Exception {
    try (RawWebSocket ws =
        RawWebSocket.connect(fixture.server.address(), "/chat", Protocol.SUBPROTOCOL_JSON)) {
      ws.sendText("{\"requestId\":\"1\",\"connect\":{\"protocolVersion\":1,\"token\":\"jay\"}}");
      RawWebSocket.Frame welcome = ws.readFrame(5_000);
      assertThat(new String(welcome.payload(), StandardCharsets.UTF_8)).contains("\"welcome\"");
      ws.sendBinary(
          Envelope.newBuilder()
              .setRequestId(2)
              .setPing(Ping.newBuilder().setNonce(1))
              .build()
              .toByteArray());
      assertThat(ws.awaitClose(5_000)).isEqualTo(CloseCodes.UNSUPPORTED_DATA);
    }
  }
}
