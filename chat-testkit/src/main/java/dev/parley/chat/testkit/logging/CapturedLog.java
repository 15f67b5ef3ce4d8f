package dev.parley.chat.testkit.logging;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Records what is written to {@code System.err} while it is open, which is where slf4j-simple (the
 * logging backend of every Parley test) prints by default, and still passes it through. Close it to
 * restore the previous stream.
 *
 * <p>{@code System.err} is global: a capture sees lines from every thread of the JVM, including
 * threads of earlier tests still winding down. The assertions it serves ("no ERROR line", "no stack
 * trace") hold for the whole JVM, so such lines are real findings, not noise. Captures must not
 * overlap; test classes in one JVM run one at a time.
 *
 * <p>Thread-safety: writes from any thread are recorded; {@link #lines()} may be called at any
 * time.
 */
public final class CapturedLog implements AutoCloseable {
  /** slf4j-simple's layout: {@code [thread] LEVEL logger - message}. */
  private static final Pattern ERROR_LINE = Pattern.compile("^(\\[[^\\]]*\\] )?ERROR ");

  /** A stack-trace line: a frame, a cause, or a suppressed exception. */
  private static final Pattern TRACE_LINE =
      Pattern.compile("^\\s+at |^Caused by: |^\\s+Suppressed: |^\\s+\\.\\.\\. \\d+ more");

  private final PrintStream previous;
  private final ByteArrayOutputStream recorded = new ByteArrayOutputStream();

  private CapturedLog() {
    this.previous = System.err;
  }

  /** Starts recording {@code System.err}. */
  public static CapturedLog start() {
    CapturedLog capture = new CapturedLog();
    System.setErr(new PrintStream(capture.new Tee(), true, StandardCharsets.UTF_8));
    return capture;
  }

  /** Every line recorded so far. */
  public List<String> lines() {
    String text;
    synchronized (recorded) {
      text = recorded.toString(StandardCharsets.UTF_8);
    }
    return text.lines().toList();
  }

  /** The lines logged at ERROR. */
  public List<String> errorLines() {
    return lines().stream().filter(line -> ERROR_LINE.matcher(line).find()).toList();
  }

  /** The lines that belong to a printed stack trace. */
  public List<String> stackTraceLines() {
    return lines().stream().filter(line -> TRACE_LINE.matcher(line).find()).toList();
  }

  /** The lines that contain {@code text}. */
  public List<String> linesContaining(String text) {
    return lines().stream().filter(line -> line.contains(text)).toList();
  }

  /** Stops recording and restores the previous {@code System.err}. */
  @Override
  public void close() {
    System.err.flush();
    System.setErr(previous);
  }

  private final class Tee extends OutputStream {
    @Override
    public void write(int b) {
      synchronized (recorded) {
        recorded.write(b);
      }
      previous.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      synchronized (recorded) {
        recorded.write(bytes, offset, length);
      }
      previous.write(bytes, offset, length);
    }

    @Override
    public void flush() {
      previous.flush();
    }
  }
}
