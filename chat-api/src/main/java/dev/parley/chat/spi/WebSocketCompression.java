package dev.parley.chat.spi;

/**
 * Whether and how a server transport compresses WebSocket messages with {@code permessage-deflate}
 * (RFC 7692). Off by default ({@link #disabled()}). When enabled, the extension is negotiated only
 * with clients that offer it in their upgrade request (every browser does); a client that does not
 * offer it gets uncompressed frames. An incoming compressed message is held to the transport's
 * {@code maxMessageBytes} after inflating, and inflating stops at that limit.
 *
 * <p>Both context takeovers are on by default: chat messages are small and alike (the same JSON
 * keys, room and user ids), and keeping the previous messages' window is what lets deflate shrink
 * them; without it a message of a few hundred bytes barely compresses. The price is memory: each
 * compressing connection keeps its own deflate state (about 256 KiB of native memory for the
 * compressor and 40 KiB for the decompressor) whether takeover is on or off, so turning takeover
 * off saves no memory in Parley's transports, only lowers the ratio; it exists for peers and
 * proxies that need it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param enabled whether to accept {@code permessage-deflate} offers at all
 * @param minMessageBytes outgoing messages smaller than this many bytes are sent uncompressed (RSV1
 *     clear); 0 compresses every message
 * @param level the deflate level for outgoing messages, 1 (fastest) to 9 (smallest)
 * @param serverContextTakeover whether the server's compressor keeps its window from one message to
 *     the next; when {@code false} the server answers with {@code server_no_context_takeover}. A
 *     client that asks for {@code server_no_context_takeover} gets it either way.
 * @param clientContextTakeover whether the client may keep its compressor's window from one message
 *     to the next; when {@code false} the server answers with {@code client_no_context_takeover}
 */
public record WebSocketCompression(
    boolean enabled,
    int minMessageBytes,
    int level,
    boolean serverContextTakeover,
    boolean clientContextTakeover) {

  /** The size below which messages are sent uncompressed, unless configured. */
  public static final int DEFAULT_MIN_MESSAGE_BYTES = 256;

  /** The deflate level, unless configured: zlib's own default, a good speed for its ratio. */
  public static final int DEFAULT_LEVEL = 6;

  private static final WebSocketCompression DISABLED =
      new WebSocketCompression(false, DEFAULT_MIN_MESSAGE_BYTES, DEFAULT_LEVEL, true, true);

  /** Validates every field. */
  public WebSocketCompression {
    if (minMessageBytes < 0) {
      throw new IllegalArgumentException(
          "minMessageBytes must be 0 or more, was " + minMessageBytes);
    }
    if (level < 1 || level > 9) {
      throw new IllegalArgumentException("level must be between 1 and 9, was " + level);
    }
  }

  /** No compression: {@code permessage-deflate} offers are declined. */
  public static WebSocketCompression disabled() {
    return DISABLED;
  }

  /**
   * {@code permessage-deflate} with the defaults: messages from 256 bytes compressed at level 6,
   * context takeover on both sides.
   */
  public static WebSocketCompression permessageDeflate() {
    return DISABLED.withEnabled(true);
  }

  /** The same settings, enabled or not. */
  public WebSocketCompression withEnabled(boolean enabled) {
    return new WebSocketCompression(
        enabled, minMessageBytes, level, serverContextTakeover, clientContextTakeover);
  }

  /** The same settings with another threshold (0 or more). */
  public WebSocketCompression withMinMessageBytes(int minMessageBytes) {
    return new WebSocketCompression(
        enabled, minMessageBytes, level, serverContextTakeover, clientContextTakeover);
  }

  /** The same settings with another deflate level (1 to 9). */
  public WebSocketCompression withLevel(int level) {
    return new WebSocketCompression(
        enabled, minMessageBytes, level, serverContextTakeover, clientContextTakeover);
  }

  /** The same settings with the server's context takeover on or off. */
  public WebSocketCompression withServerContextTakeover(boolean serverContextTakeover) {
    return new WebSocketCompression(
        enabled, minMessageBytes, level, serverContextTakeover, clientContextTakeover);
  }

  /** The same settings with the client's context takeover on or off. */
  public WebSocketCompression withClientContextTakeover(boolean clientContextTakeover) {
    return new WebSocketCompression(
        enabled, minMessageBytes, level, serverContextTakeover, clientContextTakeover);
  }
}
