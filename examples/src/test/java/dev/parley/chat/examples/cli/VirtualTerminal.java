package dev.parley.chat.examples.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jline.builtins.ScreenTerminal;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;

/**
 * A JLine terminal on streams instead of a TTY: keys go in through a pipe (with the line discipline
 * a TTY has, so Ctrl-C raises an interrupt), and what the program writes is played on JLine's VT100
 * screen emulator, so a test reads the screen a user would see. Thread-safe.
 */
final class VirtualTerminal implements AutoCloseable {
  private static final int COLUMNS = 120;
  private static final int ROWS = 40;

  private final PipedOutputStream keys = new PipedOutputStream();
  private final ScreenTerminal screen = new ScreenTerminal(COLUMNS, ROWS);
  private final Terminal terminal;

  VirtualTerminal() throws IOException {
    PipedInputStream input = new PipedInputStream(keys, 4096);
    OutputStream output =
        new OutputStream() {
          @Override
          public void write(int b) {
            screen.write(String.valueOf((char) b));
          }

          @Override
          public void write(byte[] bytes, int offset, int length) {
            screen.write(new String(bytes, offset, length, StandardCharsets.UTF_8));
          }
        };
    // Built directly: TerminalBuilder would wrap the streams in a real pseudo-terminal, where
    // Ctrl-C signals the pty's process group instead of this JVM's line reader.
    terminal = new ExternalTerminal("parley-test", "screen", input, output, StandardCharsets.UTF_8);
    terminal.setSize(new Size(COLUMNS, ROWS));
  }

  Terminal terminal() {
    return terminal;
  }

  /** Presses keys: text, {@code \r} for Enter, {@code \u0003} for Ctrl-C, {@code \u0004} Ctrl-D. */
  void type(String text) throws IOException {
    keys.write(text.getBytes(StandardCharsets.UTF_8));
    keys.flush();
  }

  /** The screen's lines, without trailing blanks. */
  List<String> lines() {
    return Arrays.stream(screen.toString().split("\n", -1)).map(String::stripTrailing).toList();
  }

  /** How many lines of the screen contain {@code text}. */
  long linesContaining(String text) {
    return lines().stream().filter(line -> line.contains(text)).count();
  }

  /** The last line of the screen that is not blank: where the cursor is, after output. */
  String lastLine() {
    List<String> lines = lines();
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (!lines.get(i).isBlank()) {
        return lines.get(i);
      }
    }
    return "";
  }

  /** The screen as text, for failure messages. */
  String dump() {
    return String.join("\n", lines()).strip();
  }

  @Override
  public void close() throws IOException {
    keys.close();
    terminal.close();
  }
}
