package dev.parley.chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.parley.chat.spi.ChatEvent;

/**
 * Any bytes decode to an event or fail with IllegalArgumentException, and so does any text read as
 * JSON; nothing else escapes, and what decodes survives both encodings unchanged. In a normal build
 * this runs the saved inputs; with {@code JAZZER_FUZZ=1} it fuzzes.
 */
class EventCodecFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void decodeGivesAnEventOrIllegalArgument(@NotNull byte[] input) {
    ChatEvent event;
    try {
      event = EventCodec.decode(input);
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
      return;
    }
    assertThat(EventCodec.decode(EventCodec.encode(event))).isEqualTo(event);
    assertThat(EventCodec.fromJson(EventCodec.toJson(event))).isEqualTo(event);
  }

  @FuzzTest(maxDuration = "30s")
  void fromJsonGivesAnEventOrIllegalArgument(@NotNull String text) {
    ChatEvent event;
    try {
      event = EventCodec.fromJson(text);
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
      return;
    }
    assertThat(EventCodec.fromJson(EventCodec.toJson(event))).isEqualTo(event);
    assertThat(EventCodec.decode(EventCodec.encode(event))).isEqualTo(event);
  }
}
