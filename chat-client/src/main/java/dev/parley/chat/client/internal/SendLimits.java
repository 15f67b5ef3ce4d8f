package dev.parley.chat.client.internal;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.ServerLimits;

/**
 * The server's limits the client checks before sending, from Welcome; the protocol's defaults until
 * a server said otherwise.
 *
 * @param maxTextBytes largest text, in UTF-8 bytes
 * @param maxPayloadBytes largest payload
 * @param maxHistoryPage largest history page the server returns
 */
record SendLimits(int maxTextBytes, int maxPayloadBytes, int maxHistoryPage) {
  static final SendLimits DEFAULTS =
      new SendLimits(
          Protocol.DEFAULT_MAX_TEXT_BYTES,
          Protocol.DEFAULT_MAX_PAYLOAD_BYTES,
          Protocol.DEFAULT_MAX_HISTORY_PAGE);

  /** The server's limits; a field the server left at 0 keeps its default. */
  static SendLimits of(ServerLimits limits) {
    return new SendLimits(
        orDefault(limits.getMaxTextBytes(), DEFAULTS.maxTextBytes),
        orDefault(limits.getMaxPayloadBytes(), DEFAULTS.maxPayloadBytes),
        Math.min(orDefault(limits.getMaxHistoryPage(), DEFAULTS.maxHistoryPage), 10_000));
  }

  private static int orDefault(int value, int fallback) {
    return value > 0 ? value : fallback;
  }
}
