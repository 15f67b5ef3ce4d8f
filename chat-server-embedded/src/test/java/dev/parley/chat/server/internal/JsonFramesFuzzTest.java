package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.FrameDecodeException;

/**
 * Any text either decodes to an Envelope with a body or fails with {@link FrameDecodeException};
 * nothing else escapes. In a normal build this runs the saved inputs; with {@code JAZZER_FUZZ=1} it
 * fuzzes.
 */
class JsonFramesFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void decodeNeverThrowsAnythingElse(String text) {
    try {
      Envelope envelope = JsonFrames.decode(text);
      assertThat(envelope.getBodyCase()).isNotEqualTo(Envelope.BodyCase.BODY_NOT_SET);
      assertThat(JsonFrames.decode(JsonFrames.encode(envelope))).isEqualTo(envelope);
    } catch (FrameDecodeException expected) {
      assertThat(expected.code()).isNotNull();
    }
  }
}
