package dev.parley.chat.examples.cli;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.RoomHandle;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.Widget;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;

/**
 * The command-line client's terminal, on JLine's line reader. Reads a line at a time with who else
 * is typing at the right of the input line; a line entered is erased from the input (the server's
 * delivery shows it once, in the room's order); lines printed go above the line being typed, which
 * stays intact. Keys typed into a message go to the {@link TypingSignal}.
 *
 * <p>Thread-safety: {@link #readLine} on one thread (the input thread); {@link #print} and {@link
 * #showTyping} from any thread (they take the line reader's lock). A daemon thread redraws the
 * typing status every second, so signals that expire disappear; {@link #close} stops it.
 */
final class ChatConsole implements AutoCloseable {
  /** The widget that redraws the input line with who is typing at its right. */
  private static final String SHOW_TYPING = "parley-show-typing";

  private final LineReader reader;
  private final TypingIndicator typingIndicator;
  private final TypingSignal typingSignal;
  private final Supplier<RoomHandle> currentRoom;
  private final ScheduledExecutorService ticker;

  /**
   * A console on {@code terminal}.
   *
   * @param typingIndicator who else is typing, shown for the current room
   * @param typingSignal told of every key typed
   * @param currentRoom the room typed text goes to, or null
   */
  ChatConsole(
      Terminal terminal,
      TypingIndicator typingIndicator,
      TypingSignal typingSignal,
      Supplier<RoomHandle> currentRoom) {
    this.typingIndicator = Objects.requireNonNull(typingIndicator, "typingIndicator");
    this.typingSignal = Objects.requireNonNull(typingSignal, "typingSignal");
    this.currentRoom = Objects.requireNonNull(currentRoom, "currentRoom");
    DefaultParser parser = new DefaultParser();
    parser.setEofOnUnclosedQuote(false);
    parser.setEofOnEscapedNewLine(false);
    reader =
        LineReaderBuilder.builder()
            .terminal(terminal)
            .appName("parley-cli")
            .parser(parser)
            .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
            // The line sent disappears from the input; the server's delivery shows it once.
            .option(LineReader.Option.ERASE_LINE_ON_FINISH, true)
            .build();
    installWidgets();
    ticker =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "parley-cli-typing");
              thread.setDaemon(true);
              return thread;
            });
    ticker.scheduleWithFixedDelay(this::showTyping, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * Reads one line.
   *
   * @throws UserInterruptException Ctrl-C: the line was abandoned (its text in {@code
   *     getPartialLine()})
   * @throws EndOfFileException Ctrl-D on an empty line, or the end of piped input
   */
  String readLine(String prompt) {
    return reader.readLine(prompt, typingStatus(), (Character) null, null);
  }

  /** Prints a line above the line being typed. */
  void print(String text) {
    reader.printAbove(text);
  }

  /** Redraws the input line, if one is being read, with who is typing now. */
  void showTyping() {
    if (reader.isReading()) {
      try {
        reader.callWidget(SHOW_TYPING);
      } catch (IllegalStateException e) {
        // readLine returned meanwhile; the next one starts with the current status.
      }
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }

  /**
   * Every key typed into the line goes through {@code self-insert}: wrapped here to tell the room.
   * And a widget to redraw the line with who else is typing, called under the reader's lock.
   */
  private void installWidgets() {
    Map<String, Widget> widgets = reader.getWidgets();
    Widget selfInsert = widgets.get(LineReader.SELF_INSERT);
    widgets.put(
        LineReader.SELF_INSERT,
        () -> {
          boolean inserted = selfInsert.apply();
          typingSignal.keyTyped(currentRoom.get(), reader.getBuffer().toString());
          return inserted;
        });
    widgets.put(
        SHOW_TYPING,
        () -> {
          // The right prompt is only settable on JLine's implementation (what the builder makes).
          ((LineReaderImpl) reader).setRightPrompt(typingStatus());
          reader.callWidget(LineReader.REDISPLAY);
          return true;
        });
  }

  private String typingStatus() {
    RoomHandle room = currentRoom.get();
    RoomId id = room == null ? null : room.id();
    String typing = typingIndicator.describe(id);
    return typing.isEmpty() ? "" : "(" + typing + ")";
  }
}
