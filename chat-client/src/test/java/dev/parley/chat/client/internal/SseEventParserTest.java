package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The event-stream reader, fed whole and in chunks split at seeded random places. */
class SseEventParserTest {
  private record Event(String type, String id, String data) {}

  private final List<Event> events = new ArrayList<>();
  private int comments;

  private SseEventParser parser(int max) {
    return new SseEventParser(
        new SseEventParser.Sink() {
          @Override
          public boolean event(String type, String id, String data) {
            events.add(new Event(type, id, data));
            return !type.equals("close");
          }

          @Override
          public void comment() {
            comments++;
          }
        },
        max);
  }

  private static ByteBuffer utf8(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsTheProtocolsExampleStream() throws Exception {
    SseEventParser parser = parser(1 << 16);
    String stream =
        "retry: 1000\n\nid: 1\ndata: {\"requestId\":\"1\",\"welcome\":{\"user\":\"alice\"}}\n\n"
            + "id: 2\ndata: {\"joined\":{}}\n\n: ping\n\n"
            + "event: close\ndata: {\"code\":4008,\"reason\":\"slow consumer\"}\n\nid: 3\ndata: x\n\n";
    boolean goOn = parser.feed(utf8(stream));

    assertThat(goOn).isFalse();
    assertThat(events)
        .containsExactly(
            new Event("message", "1", "{\"requestId\":\"1\",\"welcome\":{\"user\":\"alice\"}}"),
            new Event("message", "2", "{\"joined\":{}}"),
            new Event("close", "2", "{\"code\":4008,\"reason\":\"slow consumer\"}"));
    assertThat(comments).isEqualTo(1);
  }

  @Test
  void followsTheFieldRules() throws Exception {
    SseEventParser parser = parser(1 << 16);
    // BOM; CR and CRLF endings; no space after the colon; two spaces keep one; multi-line data;
    // a field without colon; an unknown field; an event without data is not dispatched.
    String stream =
        "\uFEFFid:7\r\ndata:a\rdata:  b\n\nevent: x\n\ndata\nfoo: bar\n\nid: 8\ndata: é\n\n";
    parser.feed(utf8(stream));

    assertThat(events)
        .containsExactly(
            new Event("message", "7", "a\n b"),
            new Event("message", "7", ""),
            new Event("message", "8", "é"));
  }

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 40);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void anySplitOfTheBytesGivesTheSameEvents(long seed) throws Exception {
    Random random = new Random(seed);
    StringBuilder stream = new StringBuilder("retry: 1000\n\n");
    List<Event> expected = new ArrayList<>();
    String[] endings = {"\n", "\r", "\r\n"};
    for (int i = 1; i <= 30; i++) {
      String end = endings[random.nextInt(endings.length)];
      StringBuilder data = new StringBuilder();
      int length = random.nextInt(40);
      for (int c = 0; c < length; c++) {
        data.append("aé€\"{}: x".charAt(random.nextInt(9)));
      }
      if (random.nextInt(5) == 0) {
        stream.append(": ping").append(end).append(end);
      }
      stream.append("id: ").append(i).append(end).append("data: ").append(data).append(end);
      stream.append(end);
      expected.add(new Event("message", Integer.toString(i), data.toString()));
    }
    byte[] bytes = stream.toString().getBytes(StandardCharsets.UTF_8);
    SseEventParser parser = parser(1 << 16);
    int at = 0;
    while (at < bytes.length) {
      int chunk = Math.min(bytes.length - at, 1 + random.nextInt(9));
      parser.feed(ByteBuffer.wrap(bytes, at, chunk));
      at += chunk;
    }

    assertThat(events).containsExactlyElementsOf(expected);
  }

  @Test
  void aLineOverTheBoundFails() {
    SseEventParser parser = parser(64);

    assertThatThrownBy(() -> parser.feed(utf8("data: " + "x".repeat(100) + "\n\n")))
        .isInstanceOf(SseEventParser.TooLargeException.class);
  }

  @Test
  void dataOverTheBoundAcrossLinesFails() {
    SseEventParser parser = parser(64);
    String line = "data: " + "x".repeat(40) + "\n";

    assertThatThrownBy(() -> parser.feed(utf8(line + line + "\n")))
        .isInstanceOf(SseEventParser.TooLargeException.class);
    assertThat(events).isEmpty();
  }
}
