package dev.parley.chat.examples.cli;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ClosedEvent;
import dev.parley.chat.client.ErrorEvent;
import dev.parley.chat.client.HistoryGapEvent;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.PresenceEvent;
import dev.parley.chat.client.RoomRemovedEvent;
import dev.parley.chat.client.StateChangeEvent;
import dev.parley.chat.client.TypingEvent;
import java.net.URI;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns a session's events into lines for the terminal, and typing signals into the {@link
 * TypingIndicator}. Runs on the client's callback executor; it only formats and hands each line to
 * {@code out}, which must be thread-safe (JLine's {@code printAbove} is), and calls {@code
 * typingChanged} after each change to who is typing.
 */
final class PrintingListener implements ChatListener {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");

  private final Consumer<String> out;
  private final Supplier<RoomId> currentRoom;
  private final ZoneId zone;
  private final TypingIndicator typing;
  private final Runnable typingChanged;
  private final URI linkBase; // null: links shown as the server gave them

  /**
   * A listener that prints to {@code out}.
   *
   * @param out receives one line (without line separator) per event worth showing
   * @param currentRoom the room the user is talking in; messages from other rooms are prefixed with
   *     their room's name
   * @param zone the time zone message times are shown in
   * @param typing records who is typing; a message or leaving ends a member's typing
   * @param typingChanged called after {@code typing} changed, to show it
   */
  PrintingListener(
      Consumer<String> out,
      Supplier<RoomId> currentRoom,
      ZoneId zone,
      TypingIndicator typing,
      Runnable typingChanged) {
    this(out, currentRoom, zone, typing, typingChanged, null);
  }

  /**
   * A listener that prints to {@code out}, and shows attachment links resolved against {@code
   * linkBase} (the server's HTTP side, which gives links relative to itself unless it has a public
   * base URL).
   */
  PrintingListener(
      Consumer<String> out,
      Supplier<RoomId> currentRoom,
      ZoneId zone,
      TypingIndicator typing,
      Runnable typingChanged,
      URI linkBase) {
    this.linkBase = linkBase;
    this.out = Objects.requireNonNull(out, "out");
    this.currentRoom = Objects.requireNonNull(currentRoom, "currentRoom");
    this.zone = Objects.requireNonNull(zone, "zone");
    this.typing = Objects.requireNonNull(typing, "typing");
    this.typingChanged = Objects.requireNonNull(typingChanged, "typingChanged");
  }

  @Override
  public void onMessage(ChatSession session, MessageEvent event) {
    ChatMessage message = event.message();
    typing.forget(message.room(), message.sender());
    out.accept(format(message));
    typingChanged.run();
  }

  @Override
  public void onTyping(ChatSession session, TypingEvent event) {
    typing.update(event.room(), event.user(), event.active());
    typingChanged.run();
  }

  @Override
  public void onPresence(ChatSession session, PresenceEvent event) {
    if (!event.online()) {
      typing.forget(event.room(), event.user());
      typingChanged.run();
    }
    out.accept("* " + event.user() + (event.online() ? " joined " : " left ") + event.room());
  }

  @Override
  public void onStateChanged(ChatSession session, StateChangeEvent event) {
    switch (event.current()) {
      case RECONNECTING ->
          out.accept("* connection lost (" + event.reason() + "); reconnecting...");
      case CONNECTED -> {
        if (event.previous() == ChatSession.State.RECONNECTING) {
          out.accept("* reconnected");
        }
      }
      default -> {
        // CONNECTING is the start, CLOSED is reported by onClosed.
      }
    }
  }

  @Override
  public void onHistoryGap(ChatSession session, HistoryGapEvent event) {
    out.accept(
        "* messages "
            + event.fromSeq()
            + " to "
            + event.toSeq()
            + " of "
            + event.room()
            + " are no longer kept by the server");
  }

  @Override
  public void onRemovedFromRoom(ChatSession session, RoomRemovedEvent event) {
    String reason = event.reason().isEmpty() ? "no reason given" : printable(event.reason());
    out.accept("* room closed: " + reason + " (" + event.room() + ")");
  }

  @Override
  public void onError(ChatSession session, ErrorEvent event) {
    out.accept("! " + event.error().getMessage());
  }

  @Override
  public void onClosed(ChatSession session, ClosedEvent event) {
    out.accept("* disconnected: " + event.reason() + " (close code " + event.code() + ")");
  }

  /**
   * One message as a line: {@code 12:34 <alice> hello}, prefixed with {@code #room} if needed; then
   * one line per attachment: {@code [file] cat.png (12.0 KiB, image/png, 640x480) <link>}.
   */
  String format(ChatMessage message) {
    StringBuilder line =
        new StringBuilder(TIME.format(message.timestamp().atZone(zone)))
            .append(" <")
            .append(message.sender())
            .append("> ")
            .append(printable(message.text()));
    for (Attachment attachment : message.attachments()) {
      line.append(System.lineSeparator()).append("    ").append(describe(attachment));
    }
    return message.room().equals(currentRoom.get())
        ? line.toString()
        : "#" + message.room() + " " + line;
  }

  /** {@code [file] name (size, type[, WxH]) link}, every part made printable. */
  String describe(Attachment attachment) {
    StringBuilder text =
        new StringBuilder("[file] ")
            .append(printable(attachment.name()))
            .append(" (")
            .append(size(attachment.size()))
            .append(", ")
            .append(printable(attachment.contentType()));
    if (attachment.isImage()) {
      text.append(", ").append(attachment.width()).append('x').append(attachment.height());
    }
    text.append(')');
    if (!attachment.url().isEmpty()) {
      text.append(' ').append(printable(link(attachment.url())));
    }
    return text.toString();
  }

  private String link(String url) {
    if (linkBase == null) {
      return url;
    }
    try {
      return linkBase.resolve(url).toString();
    } catch (IllegalArgumentException e) {
      return url;
    }
  }

  /** {@code 999 B}, {@code 12.0 KiB}, {@code 3.4 MiB}, {@code 1.2 GiB}. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /**
   * The text with control characters replaced, so a message cannot move the cursor, clear the
   * screen or fake other lines.
   */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '\uFFFD' : c));
    return out.toString();
  }
}
