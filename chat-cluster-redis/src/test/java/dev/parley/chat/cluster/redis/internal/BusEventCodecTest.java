package dev.parley.chat.cluster.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.cluster.redis.internal.BusEvent.MessageStored;
import dev.parley.chat.cluster.redis.internal.BusEvent.NodeDown;
import dev.parley.chat.cluster.redis.internal.BusEvent.Origin;
import dev.parley.chat.cluster.redis.internal.BusEvent.PresenceChanged;
import dev.parley.chat.cluster.redis.internal.BusEvent.Rejoined;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BusEventCodecTest {
  private static final Origin ORIGIN = new Origin("node \uD800 ✓", -7L, Long.MAX_VALUE);

  @Test
  void everyKindOfEventRoundTrips() {
    ChatMessage message =
        new ChatMessage(
            RoomId.of("room:1"),
            42,
            MessageId.of("m42"),
            UserId.of("alice"),
            ClientMessageId.of("c-42"),
            Instant.ofEpochSecond(-1, 1),
            "text \uDC00 😀",
            new byte[] {0, -1, 127});
    List<BusEvent> events =
        List.of(
            new MessageStored(ORIGIN, message),
            new PresenceChanged(ORIGIN, RoomId.of("r"), UserId.of("bob"), true),
            new PresenceChanged(ORIGIN, RoomId.of("r"), UserId.of("bob"), false),
            new NodeDown(ORIGIN, "gone"),
            new Rejoined(ORIGIN));
    for (BusEvent event : events) {
      assertThat(BusEventCodec.decode(BusEventCodec.encode(event))).isEqualTo(event);
    }
  }

  @Test
  void attachmentsTravelWithTheirMessageAndAreRefusedWhenCut() {
    ChatMessage plain =
        new ChatMessage(
            RoomId.of("files"),
            7,
            MessageId.of("m7"),
            UserId.of("alice"),
            ClientMessageId.of("c-7"),
            Instant.ofEpochSecond(1_700_000_000L, 5),
            "",
            new byte[0]);
    ChatMessage withFiles =
        plain.withAttachments(
            List.of(
                Attachment.of(
                    "a".repeat(64),
                    "lone \uD83D high.png",
                    "image/png",
                    Long.MAX_VALUE,
                    Integer.MAX_VALUE,
                    1,
                    "b".repeat(64)),
                Attachment.of("c".repeat(64), "notes.txt", "text/plain", 0, 0, 0, "")));
    byte[] bytes = BusEventCodec.encode(new MessageStored(ORIGIN, withFiles));
    assertThat(BusEventCodec.decode(bytes)).isEqualTo(new MessageStored(ORIGIN, withFiles));
    assertThat(bytes[1]).as("its own kind, which earlier nodes refuse").isEqualTo((byte) 5);
    assertThat(BusEventCodec.encode(new MessageStored(ORIGIN, plain))[1])
        .as("a message without attachments keeps the kind earlier nodes read")
        .isEqualTo((byte) 1);
    for (int length = 0; length < bytes.length; length++) {
      byte[] cut = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> BusEventCodec.decode(cut))
          .isInstanceOf(IllegalArgumentException.class);
    }
    // links are added by each node on delivery, never carried
    ChatMessage linked =
        plain.withAttachments(
            List.of(withFiles.attachments().get(1).withLinks("https://cdn/x", "")));
    assertThat(
            ((MessageStored)
                    BusEventCodec.decode(BusEventCodec.encode(new MessageStored(ORIGIN, linked))))
                .message()
                .attachments())
        .containsExactly(withFiles.attachments().get(1));
  }

  @Test
  void aPresenceEventIsCompact() {
    byte[] bytes =
        BusEventCodec.encode(
            new PresenceChanged(
                new Origin("n1", 1, 1), RoomId.of("lobby"), UserId.of("bob"), true));
    assertThat(bytes.length).isLessThan(30);
  }

  @Test
  void truncatedOrForeignBytesAreRefusedNotMisread() {
    byte[] good =
        BusEventCodec.encode(new PresenceChanged(ORIGIN, RoomId.of("r"), UserId.of("u"), true));
    for (int length = 0; length < good.length; length++) {
      byte[] cut = Arrays.copyOf(good, length);
      assertThatThrownBy(() -> BusEventCodec.decode(cut))
          .isInstanceOf(IllegalArgumentException.class);
    }
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> BusEventCodec.decode(longer))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] otherVersion = good.clone();
    otherVersion[0] = 2;
    assertThatThrownBy(() -> BusEventCodec.decode(otherVersion)).hasMessageContaining("version 2");
    Random random = new Random(1);
    for (int i = 0; i < 10_000; i++) {
      byte[] noise = new byte[random.nextInt(64)];
      random.nextBytes(noise);
      try {
        BusEventCodec.decode(noise);
      } catch (IllegalArgumentException expected) {
        // refused, as it should be; anything else thrown fails the test
      }
    }
  }
}
