package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whatever a client puts in an SSE {@code POST} body, reading it never throws: it is refused (null,
 * answered 400), or it is 1 to 64 frames, each one JSON object.
 */
class SseBodyFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void anyBodyIsRefusedOrSplitIntoObjects(FuzzedDataProvider data) {
    boolean arrays = data.consumeBoolean();
    byte[] body = data.consumeRemainingAsBytes();
    check(SseEndpoint.parseFrames(body, arrays), arrays);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "null",
        "{}",
        "[{}]",
        "[{},{}]",
        "[{}, 1]",
        "[[{}]]",
        "{\"a\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]}",
        "{\"a\":1e999999999}",
        "{\"send\":{\"text\":\"\\u0000\\n\\r\"}}",
        "{} {}",
        "{\"unterminated\":",
        "\uFEFF{}"
      })
  void sampleBodies(String body) {
    check(SseEndpoint.parseFrames(body.getBytes(StandardCharsets.UTF_8), true), true);
    check(SseEndpoint.parseFrames(body.getBytes(StandardCharsets.UTF_8), false), false);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 64, 65})
  void arraysHoldAtMost64Frames(int frames) {
    String body = "[" + "{\"ping\":{}},".repeat(frames - 1) + "{\"ping\":{}}]";
    List<String> parsed = SseEndpoint.parseFrames(body.getBytes(StandardCharsets.UTF_8), true);
    if (frames <= SseEndpoint.MAX_FRAMES_PER_POST) {
      assertThat(parsed).hasSize(frames);
    } else {
      assertThat(parsed).isNull();
    }
  }

  private static void check(List<String> frames, boolean arrays) {
    if (frames == null) {
      return;
    }
    assertThat(frames).hasSizeBetween(1, arrays ? SseEndpoint.MAX_FRAMES_PER_POST : 1);
    for (String frame : frames) {
      assertThat(JsonParser.parseString(frame).isJsonObject()).as(frame).isTrue();
      assertThat(frame).doesNotContain("\n").doesNotContain("\r");
    }
  }
}
