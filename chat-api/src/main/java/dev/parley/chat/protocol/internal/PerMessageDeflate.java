package dev.parley.chat.protocol.internal;

import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.spi.WebSocketCompression;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The {@code permessage-deflate} extension (RFC 7692) as both server transports speak it, so that
 * they negotiate, compress and refuse alike: {@link #negotiate} reads a client's offers, {@link
 * Compressor} deflates outgoing messages, {@link Decompressor} inflates incoming ones incrementally
 * and stops at the message limit. Not API.
 *
 * <p>{@link #negotiate} is stateless and thread-safe; each compressor and decompressor belongs to
 * one connection and is used by one thread at a time (see each).
 */
public final class PerMessageDeflate {
  /** The extension's token in {@code Sec-WebSocket-Extensions}. */
  public static final String NAME = "permessage-deflate";

  /** The header field that carries offers and the answer. */
  public static final String HEADER = "Sec-WebSocket-Extensions";

  /** What a sender strips from the end of each compressed message, and the receiver appends. */
  private static final byte[] TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};

  private PerMessageDeflate() {}

  /**
   * What was agreed with one client. Immutable.
   *
   * @param serverContextTakeover whether the server's compressor keeps its window across messages
   * @param clientContextTakeover whether the client may keep its window (the server's decompressor
   *     keeps its own either way unless this is false)
   * @param response the {@code Sec-WebSocket-Extensions} value to answer with
   */
  public record Agreement(
      boolean serverContextTakeover, boolean clientContextTakeover, String response) {}

  /** Why an incoming compressed message was refused, with the close code to close with. */
  public static final class DeflateException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int closeCode;

    DeflateException(int closeCode, String message) {
      super(message);
      this.closeCode = closeCode;
    }

    /** {@link CloseCodes#MESSAGE_TOO_BIG} or {@link CloseCodes#INVALID_PAYLOAD}. */
    public int closeCode() {
      return closeCode;
    }
  }

  /**
   * Picks the first acceptable {@code permessage-deflate} offer in {@code headerValues} (the values
   * of every {@code Sec-WebSocket-Extensions} field of the request, each a comma-separated list),
   * or returns {@code null}: compression disabled, nothing offered, or no offer this server can
   * honour. An offer is declined when it has an unknown or repeated parameter, a malformed value,
   * or asks for a server window smaller than 15 bits (the JDK's deflater always uses 15).
   */
  public static Agreement negotiate(List<String> headerValues, WebSocketCompression config) {
    if (!config.enabled() || headerValues == null) {
      return null;
    }
    for (String value : headerValues) {
      if (value == null) {
        continue;
      }
      for (String offer : value.split(",")) {
        Agreement agreement = accept(offer, config);
        if (agreement != null) {
          return agreement;
        }
      }
    }
    return null;
  }

  private static Agreement accept(String offer, WebSocketCompression config) {
    String[] parts = offer.split(";");
    if (!parts[0].trim().equalsIgnoreCase(NAME)) {
      return null;
    }
    Set<String> seen = new HashSet<>();
    boolean serverNoContextTakeover = false;
    boolean serverMaxWindowBits = false;
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i].trim();
      int equals = part.indexOf('=');
      String name = (equals < 0 ? part : part.substring(0, equals)).trim().toLowerCase(Locale.ROOT);
      String argument = equals < 0 ? null : unquote(part.substring(equals + 1).trim());
      if (!seen.add(name)) {
        return null;
      }
      switch (name) {
        case "server_no_context_takeover" -> {
          if (argument != null) {
            return null;
          }
          serverNoContextTakeover = true;
        }
        case "client_no_context_takeover" -> {
          if (argument != null) {
            return null;
          }
          // a hint that the client will not take its context over; harmless to ignore
        }
        case "server_max_window_bits" -> {
          if (windowBits(argument) != 15) {
            return null;
          }
          serverMaxWindowBits = true;
        }
        case "client_max_window_bits" -> {
          if (argument != null && windowBits(argument) < 0) {
            return null;
          }
          // the decompressor takes windows of any size up to 15 bits: no need to limit the client
        }
        default -> {
          return null;
        }
      }
    }
    boolean serverTakeover = config.serverContextTakeover() && !serverNoContextTakeover;
    boolean clientTakeover = config.clientContextTakeover();
    StringBuilder response = new StringBuilder(NAME);
    if (!serverTakeover) {
      response.append("; server_no_context_takeover");
    }
    if (!clientTakeover) {
      response.append("; client_no_context_takeover");
    }
    if (serverMaxWindowBits) {
      response.append("; server_max_window_bits=15");
    }
    return new Agreement(serverTakeover, clientTakeover, response.toString());
  }

  private static String unquote(String value) {
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }

  /** The window bits in {@code argument} (8 to 15), or -1 when absent or malformed. */
  private static int windowBits(String argument) {
    if (argument == null || argument.isEmpty() || argument.length() > 2) {
      return -1;
    }
    for (int i = 0; i < argument.length(); i++) {
      if (argument.charAt(i) < '0' || argument.charAt(i) > '9') {
        return -1;
      }
    }
    int bits = Integer.parseInt(argument);
    return bits >= 8 && bits <= 15 ? bits : -1;
  }

  /**
   * Deflates outgoing messages of one connection. Not thread-safe: the caller compresses messages
   * one at a time, in the order they go out, and calls {@link #close} once.
   */
  public static final class Compressor implements AutoCloseable {
    private final Deflater deflater;
    private final boolean contextTakeover;
    private final int minMessageBytes;

    public Compressor(WebSocketCompression config, Agreement agreement) {
      this.deflater = new Deflater(config.level(), true);
      this.contextTakeover = agreement.serverContextTakeover();
      this.minMessageBytes = config.minMessageBytes();
    }

    /** Whether a message of {@code bytes} bytes is to be compressed. */
    public boolean compresses(int bytes) {
      return bytes >= minMessageBytes;
    }

    /**
     * The compressed payload of one whole message (RSV1 to be set on its frame), without the four
     * bytes every flushed block ends with. Reads {@code message} through a duplicate.
     */
    public byte[] compress(ByteBuffer message) {
      deflater.setInput(message.duplicate());
      byte[] out = new byte[Math.max(64, message.remaining() / 2 + 16)];
      int length = 0;
      while (true) {
        length += deflater.deflate(out, length, out.length - length, Deflater.SYNC_FLUSH);
        if (length < out.length) {
          break;
        }
        out = Arrays.copyOf(out, out.length * 2);
      }
      if (length >= 4 && endsWithTail(out, length)) {
        length -= 4;
      }
      if (!contextTakeover) {
        deflater.reset();
      }
      return Arrays.copyOf(out, length);
    }

    private static boolean endsWithTail(byte[] out, int length) {
      for (int i = 0; i < 4; i++) {
        if (out[length - 4 + i] != TAIL[i]) {
          return false;
        }
      }
      return true;
    }

    /** Frees the native memory of the deflater. */
    @Override
    public void close() {
      deflater.end();
    }
  }

  /**
   * Inflates incoming compressed messages of one connection, frame by frame, holding each message
   * to a limit: output is produced in steps and inflating stops as soon as the message passes the
   * limit, so a small bomb allocates at most about the limit. Not thread-safe: the caller feeds
   * frames in order and calls {@link #close} once.
   */
  public static final class Decompressor implements AutoCloseable {
    private static final int FIRST_CHUNK_BYTES = 8 * 1024;

    private final Inflater inflater = new Inflater(true);
    private final boolean contextTakeover;
    private final int maxMessageBytes;
    private long messageBytes;

    public Decompressor(Agreement agreement, int maxMessageBytes) {
      this.contextTakeover = agreement.clientContextTakeover();
      this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * Inflates the next part of a compressed message (the payload of one of its frames); {@code
     * last} when it ends the message. Returns what this part inflates to.
     *
     * @throws DeflateException with {@link CloseCodes#MESSAGE_TOO_BIG} once the message inflates to
     *     more than the limit, with {@link CloseCodes#INVALID_PAYLOAD} for data that is not
     *     deflate; the decompressor is unusable afterwards
     */
    public ByteBuffer decompress(ByteBuffer part, boolean last) throws DeflateException {
      Output out = new Output(maxMessageBytes - messageBytes);
      try {
        inflater.setInput(part.duplicate());
        drain(out);
        if (last) {
          if (!inflater.finished()) {
            inflater.setInput(TAIL);
            drain(out);
          }
          if (!contextTakeover || inflater.finished()) {
            inflater.reset();
          }
          messageBytes = 0;
        } else {
          messageBytes += out.length;
        }
      } catch (DataFormatException e) {
        throw new DeflateException(
            CloseCodes.INVALID_PAYLOAD, "compressed message does not inflate: " + e.getMessage());
      }
      return ByteBuffer.wrap(out.bytes, 0, out.length);
    }

    private void drain(Output out) throws DataFormatException, DeflateException {
      while (!inflater.finished()) {
        out.ensureRoom();
        int produced = inflater.inflate(out.bytes, out.length, out.bytes.length - out.length);
        out.length += produced;
        if (out.length > out.room) {
          throw new DeflateException(
              CloseCodes.MESSAGE_TOO_BIG,
              "message inflates to more than " + maxMessageBytes + " bytes");
        }
        if (produced == 0 && out.length < out.bytes.length) {
          if (inflater.needsDictionary()) {
            throw new DataFormatException("a preset dictionary is not allowed");
          }
          return; // all input taken
        }
      }
      if (inflater.getRemaining() > 0) {
        throw new DataFormatException("data after the end of the deflate stream");
      }
    }

    /** Frees the native memory of the inflater. */
    @Override
    public void close() {
      inflater.end();
    }

    /** Output that grows by doubling up to one byte past the room left in the message. */
    private static final class Output {
      final long room;
      byte[] bytes = new byte[0];
      int length;

      Output(long room) {
        this.room = room;
      }

      void ensureRoom() {
        if (length < bytes.length) {
          return;
        }
        long cap = room + 1; // one byte past the limit shows that it was passed
        long size = Math.min(cap, Math.max(FIRST_CHUNK_BYTES, 2L * bytes.length));
        bytes = Arrays.copyOf(bytes, (int) size);
      }
    }
  }
}
