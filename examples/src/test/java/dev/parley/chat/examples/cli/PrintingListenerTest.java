package dev.parley.chat.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.HistoryGapEvent;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.PresenceEvent;
import dev.parley.chat.client.RoomRemovedEvent;
import dev.parley.chat.client.TypingEvent;
import dev.parley.chat.testkit.time.MutableClock;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrintingListenerTest {
  private static final RoomId GENERAL = RoomId.of("general");
  private static final RoomId RANDOM = RoomId.of("random");

  private final List<String> lines = new ArrayList<>();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  private final TypingIndicator typing = new TypingIndicator(clock);
  private final AtomicInteger typingChanges = new AtomicInteger();
  private final PrintingListener listener =
      new PrintingListener(
          lines::add, () -> GENERAL, ZoneOffset.UTC, typing, typingChanges::incrementAndGet);

  @Test
  void printsMessagesOfTheCurrentRoomPlainly() {
    listener.onMessage(null, new MessageEvent(message(GENERAL, "hello")));
    assertThat(lines).containsExactly("12:34 <alice> hello");
  }

  @Test
  void prefixesMessagesOfOtherRoomsWithTheRoom() {
    listener.onMessage(null, new MessageEvent(message(RANDOM, "psst")));
    assertThat(lines).containsExactly("#random 12:34 <alice> psst");
  }

  @Test
  void neutralizesControlCharactersSoAMessageCannotDriveTheTerminal() {
    listener.onMessage(null, new MessageEvent(message(GENERAL, "a\u001b[2Jb\nc")));
    assertThat(lines).containsExactly("12:34 <alice> a\uFFFD[2Jb\uFFFDc");
  }

  @Test
  void reportsARoomTheServerClosedWithItsReasonMadePrintable() {
    listener.onRemovedFromRoom(null, new RoomRemovedEvent(GENERAL, "archived\u001b[2J"));
    listener.onRemovedFromRoom(null, new RoomRemovedEvent(RoomId.of("random"), ""));
    assertThat(lines)
        .containsExactly(
            "* room closed: archived\uFFFD[2J (general)",
            "* room closed: no reason given (random)");
  }

  @Test
  void reportsPresenceAndGaps() {
    listener.onPresence(null, new PresenceEvent(GENERAL, UserId.of("bob"), true));
    listener.onPresence(null, new PresenceEvent(GENERAL, UserId.of("bob"), false));
    listener.onHistoryGap(null, new HistoryGapEvent(GENERAL, 3, 7));
    assertThat(lines)
        .containsExactly(
            "* bob joined general",
            "* bob left general",
            "* messages 3 to 7 of general are no longer kept by the server");
  }

  @Test
  void showsWhoIsTypingUntilTheirMessageArrives() {
    listener.onTyping(null, new TypingEvent(GENERAL, UserId.of("alice"), true));
    assertThat(typing.describe(GENERAL)).isEqualTo("alice is typing");
    assertThat(typingChanges).hasValue(1);

    listener.onMessage(null, new MessageEvent(message(GENERAL, "hello")));
    assertThat(typing.describe(GENERAL)).isEmpty();
    assertThat(typingChanges).hasValue(2);
    assertThat(lines).containsExactly("12:34 <alice> hello");
  }

  @Test
  void aMemberWhoLeavesIsNoLongerTyping() {
    listener.onTyping(null, new TypingEvent(GENERAL, UserId.of("bob"), true));
    listener.onPresence(null, new PresenceEvent(GENERAL, UserId.of("bob"), false));
    assertThat(typing.describe(GENERAL)).isEmpty();
  }

  @Test
  void printsEachAttachmentWithNameSizeTypeAndAnAbsoluteLink() {
    PrintingListener withLinks =
        new PrintingListener(
            lines::add,
            () -> GENERAL,
            ZoneOffset.UTC,
            typing,
            typingChanges::incrementAndGet,
            URI.create("http://chat.example:7451/chat"));
    String sha = "a".repeat(64);
    ChatMessage message =
        message(GENERAL, "look")
            .withAttachments(
                List.of(
                    Attachment.of(sha, "cat.png", "image/png", 12_345, 640, 480, "b".repeat(64))
                        .withLinks("/chat/files/" + sha + "?sig=x", "/chat/files/t"),
                    Attachment.of(sha, "notes\u001b.txt", "text/plain", 900, 0, 0, "")));

    withLinks.onMessage(null, new MessageEvent(message));

    String nl = System.lineSeparator();
    assertThat(lines)
        .containsExactly(
            "12:34 <alice> look"
                + nl
                + "    [file] cat.png (12.1 KiB, image/png, 640x480)"
                + " http://chat.example:7451/chat/files/"
                + sha
                + "?sig=x"
                + nl
                + "    [file] notes\uFFFD.txt (900 B, text/plain)");
  }

  @Test
  void sizesAreShownInBinaryUnits() {
    assertThat(PrintingListener.size(0)).isEqualTo("0 B");
    assertThat(PrintingListener.size(1024)).isEqualTo("1.0 KiB");
    assertThat(PrintingListener.size(5L * 1024 * 1024 + 1)).isEqualTo("5.0 MiB");
    assertThat(PrintingListener.size(3L << 30)).isEqualTo("3.0 GiB");
  }

  private static ChatMessage message(RoomId room, String text) {
    return new ChatMessage(
        room,
        1,
        MessageId.of("m1"),
        UserId.of("alice"),
        ClientMessageId.of("c1"),
        Instant.parse("2026-11-28T12:34:56Z"),
        text,
        new byte[0]);
  }
}
