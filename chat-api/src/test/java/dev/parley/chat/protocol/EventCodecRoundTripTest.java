package dev.parley.chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.ChatEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: any event survives both encodings unchanged, and its routing key has the type's words
 * and one more, free of wildcards, that gives back the room or user id. One case per seed, so a
 * failure names the seed that reproduces it; the seeds cover every kind, ids of every allowed
 * character and both length limits, and times across the whole millisecond range.
 */
class EventCodecRoundTripTest {
  private static final String ID_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  static LongStream seeds() {
    return LongStream.range(0, 600);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void protobufRoundTrip(long seed) {
    ChatEvent event = randomEvent(seed);

    assertThat(EventCodec.decode(EventCodec.encode(event))).isEqualTo(event);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void jsonRoundTrip(long seed) {
    ChatEvent event = randomEvent(seed);

    String json = EventCodec.toJson(event);
    assertThat(json).doesNotContain("\n");
    assertThat(EventCodec.fromJson(json)).isEqualTo(event);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void routingKeyNamesTheTypeAndTheSubjectWithoutWildcards(long seed) {
    ChatEvent event = randomEvent(seed);

    String key = EventCodec.routingKey(event);

    assertThat(key).doesNotContain("*", "#").hasSizeLessThanOrEqualTo(255);
    assertThat(key).startsWith(event.type() + ".");
    String[] words = key.split("\\.", -1);
    assertThat(words).hasSize(event.type().split("\\.").length + 1);
    String subject = words[words.length - 1].replace(EventCodec.ROUTING_KEY_DOT, '.');
    String expected = event.room().map(RoomId::value).orElseGet(() -> userOf(event).value());
    assertThat(subject).isEqualTo(expected);
  }

  private static UserId userOf(ChatEvent event) {
    if (event instanceof ChatEvent.UserOnline online) {
      return online.user();
    }
    return ((ChatEvent.UserOffline) event).user();
  }

  /** An event of kind {@code seed % 6}, everything else drawn from {@code Random(seed)}. */
  static ChatEvent randomEvent(long seed) {
    Random random = new Random(seed);
    String id = randomText(random, 1 + random.nextInt(random.nextBoolean() ? 16 : 256));
    Instant at = Instant.ofEpochMilli(randomMillis(random));
    RoomId room = RoomId.of(randomId(random, RoomId.MAX_LENGTH, "._-@:"));
    UserId user = UserId.of(randomId(random, UserId.MAX_LENGTH, "._-@"));
    switch ((int) (seed % 6)) {
      case 0:
        List<UserId> live = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
          live.add(UserId.of(randomId(random, UserId.MAX_LENGTH, "._-@")));
        }
        long seq = random.nextBoolean() ? 1 + random.nextInt(1000) : 1 + (random.nextLong() >>> 1);
        return new ChatEvent.MessageStored(
            id,
            at,
            room,
            Math.max(1, seq),
            MessageId.of(randomId(random, MessageId.MAX_LENGTH, "")),
            user,
            ClientMessageId.of(randomId(random, ClientMessageId.MAX_LENGTH, "._-")),
            live);
      case 1:
        return new ChatEvent.RoomCreated(id, at, room, user);
      case 2:
        return new ChatEvent.MemberJoined(id, at, room, user);
      case 3:
        return new ChatEvent.MemberLeft(id, at, room, user);
      case 4:
        return new ChatEvent.UserOnline(id, at, user);
      default:
        return new ChatEvent.UserOffline(id, at, user);
    }
  }

  private static long randomMillis(Random random) {
    switch (random.nextInt(4)) {
      case 0:
        return 1_700_000_000_000L + random.nextInt(Integer.MAX_VALUE);
      case 1:
        return random.nextLong();
      case 2:
        return random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
      default:
        return -random.nextInt(1000);
    }
  }

  /** An id of 1 to {@code max} characters (often exactly {@code max}) from its alphabet. */
  private static String randomId(Random random, int max, String extra) {
    String alphabet = ID_CHARS + extra.repeat(8);
    int length = random.nextInt(4) == 0 ? max : 1 + random.nextInt(max);
    StringBuilder id = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      id.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return id.toString();
  }

  /** Any text: ASCII, punctuation, other scripts, emoji (surrogate pairs kept whole). */
  private static String randomText(Random random, int length) {
    StringBuilder text = new StringBuilder(length);
    while (text.length() < length) {
      int kind = random.nextInt(4);
      if (kind == 0 && text.length() + 2 <= length) {
        text.appendCodePoint(0x1F600 + random.nextInt(80));
      } else if (kind == 1) {
        text.append((char) (0x00A0 + random.nextInt(0x2000)));
      } else {
        text.append((char) (0x20 + random.nextInt(0x5F)));
      }
    }
    return text.toString();
  }
}
