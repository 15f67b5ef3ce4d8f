package dev.parley.chat.protocol.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Any bytes at all either decode to an Envelope with a body or fail with {@link
 * FrameDecodeException}; nothing else escapes, what decodes goes through {@link EnvelopeCodec}'s
 * value decoders with only their documented failures, and the input buffer is left untouched. In a
 * normal build this runs the saved inputs; with {@code JAZZER_FUZZ=1} it fuzzes.
 */
class BinaryFramesFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void decodeNeverThrowsAnythingElse(byte[] input) {
    ByteBuffer buffer = ByteBuffer.wrap(input);
    try {
      Envelope envelope = BinaryFrames.decode(buffer);
      assertThat(envelope.getBodyCase()).isNotEqualTo(Envelope.BodyCase.BODY_NOT_SET);
      // What decodes must survive a round trip unchanged.
      assertThat(BinaryFrames.decode(BinaryFrames.encode(envelope))).isEqualTo(envelope);
      EnvelopeCodecMalformedInputTest.readValues(envelope);
    } catch (FrameDecodeException expected) {
      assertThat(expected.code()).isNotNull();
    }
    assertThat(buffer.position()).isZero();
    assertThat(buffer.remaining()).isEqualTo(input.length);
  }
}
