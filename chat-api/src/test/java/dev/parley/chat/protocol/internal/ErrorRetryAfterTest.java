package dev.parley.chat.protocol.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Error's retry_after_ms on both encodings, and what the codec makes of its edge values. */
class ErrorRetryAfterTest {
  private static final RoomId ROOM = RoomId.of("general");

  @Test
  void jsonSpellsItRetryAfterMsAndReadsItBack() throws Exception {
    Envelope frame =
        EnvelopeCodec.errorFrame(
            7,
            EnvelopeCodec.error(
                new ChatException(ErrorCode.UNAVAILABLE, "store down", Duration.ofSeconds(2)),
                ROOM));
    String json = JsonFrameCodec.encode(frame);
    assertThat(json).contains("\"retryAfterMs\":2000");
    ChatException back = EnvelopeCodec.exception(JsonFrameCodec.decode(json).getError());
    assertThat(back.retryAfter()).contains(Duration.ofSeconds(2));
    assertThat(back.retryable()).isTrue();
  }

  @Test
  void zeroOnTheWireMeansNoAdvice() throws Exception {
    Envelope frame = EnvelopeCodec.errorFrame(7, ErrorCode.UNAVAILABLE, "store down", ROOM);
    assertThat(frame.getError().getRetryAfterMs()).isZero();
    Envelope back = BinaryFrames.decode(BinaryFrames.encode(frame));
    assertThat(EnvelopeCodec.exception(back.getError()).retryAfter()).isEmpty();
  }

  @Test
  void subMillisecondRoundsUpAndHugeIsCappedAtTheFieldsRange() {
    assertThat(EnvelopeCodec.retryAfterMillis(Duration.ofNanos(1))).isEqualTo(1);
    int capped = EnvelopeCodec.retryAfterMillis(Duration.ofDays(100));
    assertThat(Integer.toUnsignedLong(capped)).isEqualTo(0xFFFF_FFFFL);
    Error error = Error.newBuilder().setCode(13).setRetryAfterMs(capped).build();
    assertThat(EnvelopeCodec.exception(error).retryAfter())
        .contains(Duration.ofMillis(0xFFFF_FFFFL));
  }
}
