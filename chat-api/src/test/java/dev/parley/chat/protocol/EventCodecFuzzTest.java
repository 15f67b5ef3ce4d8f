package dev.parley.chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
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
  @DictionaryEntries({
    "message.stored",
    "room.created",
    "member.joined",
    "member.left",
    "user.online",
    "user.offline",
    "team.blue",
    "alice"
  })
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
  @DictionaryEntries({
    "{\"id\":\"e1\",\"atMs\":\"1796544000123\",\"type\":\"message.stored\","
        + "\"messageStored\":{\"room\":\"team.blue\",\"seq\":\"7\",\"messageId\":\"m7\","
        + "\"sender\":\"alice\",\"clientMessageId\":\"c7\",\"deliveredLive\":[\"bob\"]}}",
    "{\"id\":\"e2\",\"type\":\"room.created\",\"roomCreated\":{\"room\":\"r\",\"creator\":\"a\"}}",
    "{\"id\":\"e3\",\"type\":\"member.joined\",\"memberJoined\":{\"room\":\"r\",\"user\":\"a\"}}",
    "{\"id\":\"e4\",\"type\":\"member.left\",\"memberLeft\":{\"room\":\"r\",\"user\":\"a\"}}",
    "{\"id\":\"e5\",\"type\":\"user.online\",\"userOnline\":{\"user\":\"a\"}}",
    "{\"id\":\"e6\",\"type\":\"user.offline\",\"userOffline\":{\"user\":\"a\"}}",
    "\"at_ms\":",
    "\"delivered_live\":",
    "1e5"
  })
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
