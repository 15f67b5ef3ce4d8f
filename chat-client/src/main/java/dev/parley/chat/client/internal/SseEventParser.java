package dev.parley.chat.client.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a {@code text/event-stream} incrementally, as its bytes arrive in chunks of any size, and
 * hands each complete event to a {@link Sink}. It follows the event-stream rules: lines end with
 * CR, LF or CRLF (a CRLF may be split across chunks); a line starting with {@code :} is a comment;
 * {@code field: value} loses one space after the colon; {@code data} lines are joined with LF; an
 * empty line dispatches the event (none when it has no data); {@code id} persists across events; a
 * leading byte order mark is skipped.
 *
 * <p>Bounded: a line, or an event's joined data, longer than {@code maxEventBytes} fails with
 * {@link TooLargeException}, and the parser is then useless. Not thread-safe: one stream, one
 * reader.
 */
final class SseEventParser {
  /** Receives the parsed stream. Called on the thread that calls {@link #feed(ByteBuffer)}. */
  interface Sink {
    /**
     * One complete event.
     *
     * @param type the {@code event} field, or {@code "message"} when there was none
     * @param id the last {@code id} seen on the stream so far, or {@code ""}
     * @param data the joined {@code data} lines
     * @return false to stop reading: the rest of the chunk is not parsed
     */
    boolean event(String type, String id, String data);

    /** A comment line (such as the server's {@code : ping}); the stream is alive. */
    default void comment() {}
  }

  /** An event or line over the bound. */
  static final class TooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message);
    }
  }

  private final Sink sink;
  private final int maxEventBytes;
  private byte[] line = new byte[256];
  private int lineLength;
  private boolean afterCr;
  private boolean atStart = true;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String type = "";
  private String lastId = "";
  private boolean stopped;

  SseEventParser(Sink sink, int maxEventBytes) {
    this.sink = sink;
    this.maxEventBytes = maxEventBytes;
  }

  /**
   * Parses {@code chunk} (consumed entirely, unless the sink stops).
   *
   * @return false if the sink asked to stop
   */
  boolean feed(ByteBuffer chunk) throws TooLargeException {
    while (chunk.hasRemaining() && !stopped) {
      byte b = chunk.get();
      if (afterCr) {
        afterCr = false;
        if (b == '\n') {
          continue; // the LF of a CRLF
        }
      }
      if (b == '\r') {
        afterCr = true;
        endLine();
      } else if (b == '\n') {
        endLine();
      } else {
        if (lineLength == maxEventBytes) {
          throw new TooLargeException("an event-stream line is longer than " + maxEventBytes);
        }
        if (lineLength == line.length) {
          line = Arrays.copyOf(line, Math.min(maxEventBytes, line.length * 2));
        }
        line[lineLength++] = b;
      }
    }
    return !stopped;
  }

  private void endLine() throws TooLargeException {
    int start = 0;
    if (atStart) {
      atStart = false;
      if (lineLength >= 3
          && (line[0] & 0xff) == 0xEF
          && (line[1] & 0xff) == 0xBB
          && (line[2] & 0xff) == 0xBF) {
        start = 3;
      }
    }
    int length = lineLength - start;
    lineLength = 0;
    if (length == 0) {
      dispatch();
      return;
    }
    if (line[start] == ':') {
      sink.comment();
      return;
    }
    int colon = -1;
    for (int i = start; i < start + length; i++) {
      if (line[i] == ':') {
        colon = i;
        break;
      }
    }
    String field;
    String value;
    if (colon < 0) {
      field = new String(line, start, length, StandardCharsets.UTF_8);
      value = "";
    } else {
      field = new String(line, start, colon - start, StandardCharsets.UTF_8);
      int from = colon + 1;
      if (from < start + length && line[from] == ' ') {
        from++;
      }
      value = new String(line, from, start + length - from, StandardCharsets.UTF_8);
    }
    switch (field) {
      case "event" -> type = value;
      case "data" -> {
        if (data.length() + value.length() + 1 > maxEventBytes) {
          throw new TooLargeException("an event's data is longer than " + maxEventBytes);
        }
        data.append(value).append('\n');
        hasData = true;
      }
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastId = value;
        }
      }
      default -> {} // "retry" and unknown fields: nothing this client needs
    }
  }

  private void dispatch() {
    if (!hasData) {
      type = "";
      return;
    }
    String text = data.substring(0, data.length() - 1);
    String eventType = type.isEmpty() ? "message" : type;
    data.setLength(0);
    hasData = false;
    type = "";
    if (!sink.event(eventType, lastId, text)) {
      stopped = true;
    }
  }
}
