package dev.parley.chat.server.internal;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Envelope;
import java.nio.ByteBuffer;

/**
 * One server-to-client envelope, encoded at most once per wire format however many connections it
 * goes to. Thread-safe: the encodings are computed lazily and published through volatile fields
 * (two threads may race to encode; both get equal bytes).
 */
final class OutboundFrame {
  private final Envelope envelope;
  private volatile ByteBuffer binary;
  private volatile String json;

  OutboundFrame(Envelope envelope) {
    this.envelope = envelope;
  }

  Envelope envelope() {
    return envelope;
  }

  /** The code of the error this frame carries; only for frames that carry one. */
  ErrorCode errorCode() {
    return ErrorCode.fromCode(envelope.getError().getCode());
  }

  /** The Protobuf encoding as a read-only buffer; callers send duplicates of it. */
  ByteBuffer binary() {
    ByteBuffer b = binary;
    if (b == null) {
      b = BinaryFrames.encode(envelope).asReadOnlyBuffer();
      binary = b;
    }
    return b;
  }

  /** The proto3 JSON encoding. */
  String json() {
    String j = json;
    if (j == null) {
      j = JsonFrames.encode(envelope);
      json = j;
    }
    return j;
  }

  /** Bytes this frame takes on a connection of the given format. */
  int size(boolean jsonFormat) {
    return jsonFormat ? json().length() : binary().remaining();
  }
}
