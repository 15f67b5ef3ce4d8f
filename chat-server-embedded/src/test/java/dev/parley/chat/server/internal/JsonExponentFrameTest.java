package dev.parley.chat.server.internal;

import static dev.parley.chat.protocol.internal.Envelope.BodyCase.PONG;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.WELCOME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Envelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Regression: a JSON frame whose integer field had an exponent of a billion ({@code "1e999999999"})
 * kept the thread decoding it busy for minutes, because protobuf-java-util expands the number
 * before checking its range. Such a frame is now answered with {@code MALFORMED_FRAME} and the
 * connection carries on.
 */
class JsonExponentFrameTest {
  private final Engine engine = new Engine();

  @AfterEach
  void tearDown() {
    engine.close();
  }

  @Test
  void anIntegerWithAHugeExponentIsMalformedAndTheConnectionCarriesOn() {
    FakeConnection web = engine.open(Protocol.SUBPROTOCOL_JSON);
    engine.send(web, engine.connectFrame("webby"));
    web.next(WELCOME);

    engine.core.onText(web, "{\"requestId\":\"4\",\"ping\":{\"nonce\":\"1e999999999\"}}");
    Envelope error = web.nextError();
    assertThat(error.getRequestId()).isEqualTo(4);
    assertThat(error.getError().getCode()).isEqualTo(ErrorCode.MALFORMED_FRAME.code());
    assertThat(error.getError().getMessage()).contains("ping.nonce", "exponent");

    engine.core.onText(web, "{\"requestId\":\"5\",\"ping\":{\"nonce\":\"1e18\"}}");
    Envelope pong = web.next(PONG);
    assertThat(pong.getRequestId()).isEqualTo(5);
    assertThat(pong.getPong().getNonce()).isEqualTo(1_000_000_000_000_000_000L);
    assertThat(web.isOpen()).isTrue();
  }
}
