package dev.parley.chat.server.internal;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.Message;

/**
 * The server's outgoing envelopes, by the names its request path uses; each delegates to the shared
 * {@link EnvelopeCodec}, which holds the mapping. Stateless.
 */
final class Envelopes {
  private Envelopes() {}

  static Message message(ChatMessage m) {
    return EnvelopeCodec.message(m);
  }

  static Envelope delivery(ChatMessage m) {
    return EnvelopeCodec.delivery(m);
  }

  static Envelope errorFrame(long requestId, ErrorCode code, String message, RoomId room) {
    return EnvelopeCodec.errorFrame(requestId, code, message, room);
  }
}
