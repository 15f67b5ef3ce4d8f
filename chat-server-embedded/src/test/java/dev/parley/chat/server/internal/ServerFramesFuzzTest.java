package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.chat.protocol.internal.Envelope;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Arbitrary frames from a connected client never make the server throw out of the transport
 * callback, and never stop it serving a well-behaved client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // the engine belongs to this run of the class
class ServerFramesFuzzTest {
  private Engine engine;
  private FakeConnection witness;

  @BeforeAll
  void start() {
    engine =
        new Engine(b -> b.requestRate(1_000_000, 1_000_000).userSendRate(1_000_000, 1_000_000));
    witness = engine.connect("witness");
    engine.join(witness, "fuzz");
  }

  @AfterAll
  void stop() {
    engine.close();
  }

  @FuzzTest(maxDuration = "30s")
  void arbitraryFramesNeverBreakTheServer(FuzzedDataProvider data) {
    FakeConnection attacker = engine.connect("attacker");
    engine.join(attacker, "fuzz");
    while (data.remainingBytes() > 0) {
      if (data.consumeBoolean()) {
        engine.core.onBinary(attacker, ByteBuffer.wrap(data.consumeBytes(data.consumeInt(0, 512))));
      } else {
        engine.core.onText(attacker, data.consumeString(512));
      }
    }
    engine.close(attacker);
    witness.drain();
    Envelope ping =
        Envelope.newBuilder()
            .setRequestId(424242)
            .setPing(dev.parley.chat.protocol.internal.Ping.getDefaultInstance())
            .build();
    engine.send(witness, ping);
    Envelope answer = witness.next();
    while (answer.getBodyCase() != Envelope.BodyCase.PONG) {
      answer = witness.next();
    }
    assertThat(answer.getRequestId()).isEqualTo(424242);
  }
}
