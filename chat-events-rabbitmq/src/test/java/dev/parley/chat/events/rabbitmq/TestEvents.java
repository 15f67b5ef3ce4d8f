package dev.parley.chat.events.rabbitmq;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.ChatEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Events for tests: messages stored in a few rooms, numbered, with seqs rising per room. */
final class TestEvents {
  static final Instant AT = Instant.parse("2026-12-06T08:00:00.250Z");

  private TestEvents() {}

  /** Events {@code from} to {@code from + n - 1}, message {@code i} in room {@code i % rooms}. */
  static List<ChatEvent> messages(String prefix, int from, int n, int rooms) {
    List<ChatEvent> events = new ArrayList<>(n);
    for (int i = from; i < from + n; i++) {
      RoomId room = RoomId.of("room." + (i % rooms));
      events.add(
          new ChatEvent.MessageStored(
              prefix + "-" + i,
              AT.plusMillis(i),
              room,
              i / rooms + 1,
              MessageId.of("m" + i),
              UserId.of("user" + (i % 7)),
              ClientMessageId.of("c" + i),
              List.of(UserId.of("user" + (i % 7)))));
    }
    return events;
  }
}
