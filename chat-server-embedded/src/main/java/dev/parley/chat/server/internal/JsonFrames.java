package dev.parley.chat.server.internal;

import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import dev.parley.chat.protocol.internal.JsonFrameCodec;

/**
 * The {@code parley.v1.json} subprotocol as the server's request path names it; the codec itself is
 * the shared {@link JsonFrameCodec}. Stateless and thread-safe.
 */
final class JsonFrames {
  private JsonFrames() {}

  /** See {@link JsonFrameCodec#warmUp()}. */
  static void warmUp() {
    JsonFrameCodec.warmUp();
  }

  static String encode(Envelope envelope) {
    return JsonFrameCodec.encode(envelope);
  }

  /** See {@link JsonFrameCodec#decode(String)}. */
  static Envelope decode(String text) throws FrameDecodeException {
    return JsonFrameCodec.decode(text);
  }
}
