package dev.parley.chat.protocol.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.ErrorCode;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BinaryFramesTest {
  @Test
  void roundTripsAnEnvelope() throws Exception {
    Envelope sent =
        Envelope.newBuilder()
            .setRequestId(7)
            .setSend(Send.newBuilder().setRoom("r").setClientMessageId("c1").setText("hi ✓"))
            .build();
    assertThat(BinaryFrames.decode(BinaryFrames.encode(sent))).isEqualTo(sent);
  }

  @Test
  void rejectsGarbageAsMalformed() {
    assertThatThrownBy(() -> BinaryFrames.decode(ByteBuffer.wrap(new byte[] {(byte) 0xff, 1})))
        .isInstanceOfSatisfying(
            FrameDecodeException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_FRAME));
  }

  @Test
  void rejectsAnEmptyEnvelopeAsMalformed() {
    assertThatThrownBy(() -> BinaryFrames.decode(ByteBuffer.allocate(0)))
        .isInstanceOfSatisfying(
            FrameDecodeException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_FRAME));
  }

  @Test
  void reportsAnUnknownMessageTypeAsUnsupported() {
    byte[] futureType = {(byte) 0x9a, 0x06, 0x00}; // field 99, empty message
    assertThatThrownBy(() -> BinaryFrames.decode(ByteBuffer.wrap(futureType)))
        .isInstanceOfSatisfying(
            FrameDecodeException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MESSAGE));
  }

  @Test
  void rejectsTruncatedProtobuf() {
    byte[] whole =
        Envelope.newBuilder()
            .setSend(Send.newBuilder().setRoom("room").setText("some text"))
            .build()
            .toByteArray();
    for (int cut = 1; cut < whole.length; cut++) {
      byte[] part = java.util.Arrays.copyOf(whole, cut);
      try {
        Envelope e = BinaryFrames.decode(ByteBuffer.wrap(part));
        assertThat(e.getBodyCase()).isNotEqualTo(Envelope.BodyCase.BODY_NOT_SET);
      } catch (FrameDecodeException expected) {
        assertThat(expected.code()).isIn(ErrorCode.MALFORMED_FRAME, ErrorCode.UNSUPPORTED_MESSAGE);
      }
    }
  }
}
