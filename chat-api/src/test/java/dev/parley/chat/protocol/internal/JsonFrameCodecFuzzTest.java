package dev.parley.chat.protocol.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any text either decodes to an Envelope with a body or fails with {@link FrameDecodeException};
 * nothing else escapes, and what decodes goes through {@link EnvelopeCodec}'s value decoders with
 * only their documented failures. In a normal build this runs the saved inputs; with {@code
 * JAZZER_FUZZ=1} it fuzzes.
 */
class JsonFrameCodecFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void decodeNeverThrowsAnythingElse(String text) {
    try {
      Envelope envelope = JsonFrameCodec.decode(text);
      assertThat(envelope.getBodyCase()).isNotEqualTo(Envelope.BodyCase.BODY_NOT_SET);
      assertThat(JsonFrameCodec.decode(JsonFrameCodec.encode(envelope))).isEqualTo(envelope);
      EnvelopeCodecMalformedInputTest.readValues(envelope);
    } catch (FrameDecodeException expected) {
      assertThat(expected.code()).isNotNull();
    }
  }
}
