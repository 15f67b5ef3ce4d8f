package dev.parley.chat.protocol.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.parley.chat.api.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Encodes and decodes binary (Protobuf) frames. Stateless and thread-safe. Not API. */
public final class BinaryFrames {
  /** Deepest nesting accepted; the schema needs 3. */
  private static final int RECURSION_LIMIT = 16;

  private BinaryFrames() {}

  /** Serializes the envelope into a new heap buffer positioned at 0. */
  public static ByteBuffer encode(Envelope envelope) {
    return ByteBuffer.wrap(envelope.toByteArray());
  }

  /**
   * Parses one frame. Rejects bytes that are not an Envelope, envelopes with no body, and bodies
   * this version does not know (a field number outside the oneof).
   */
  public static Envelope decode(ByteBuffer frame) throws FrameDecodeException {
    Envelope envelope;
    try {
      CodedInputStream in = CodedInputStream.newInstance(frame.duplicate());
      in.setRecursionLimit(RECURSION_LIMIT);
      envelope = Envelope.parseFrom(in);
    } catch (IOException | RuntimeException e) {
      throw new FrameDecodeException(
          ErrorCode.MALFORMED_FRAME,
          "frame is not a parley.v1.Envelope: " + e.getMessage(),
          readableRequestId(e),
          e);
    }
    return requireBody(envelope);
  }

  /** Rejects an envelope without a known body. */
  public static Envelope requireBody(Envelope envelope) throws FrameDecodeException {
    if (envelope.getBodyCase() == Envelope.BodyCase.BODY_NOT_SET) {
      if (!envelope.getUnknownFields().asMap().isEmpty()) {
        throw new FrameDecodeException(
            ErrorCode.UNSUPPORTED_MESSAGE,
            "envelope carries a message type this server does not know",
            envelope.getRequestId(),
            null);
      }
      throw new FrameDecodeException(
          ErrorCode.MALFORMED_FRAME, "envelope has no body", envelope.getRequestId(), null);
    }
    return envelope;
  }

  /** The request id parsed before the frame broke (it is field 1, so usually first); else 0. */
  private static long readableRequestId(Exception failure) {
    if (failure instanceof InvalidProtocolBufferException invalid
        && invalid.getUnfinishedMessage() instanceof Envelope partial) {
      return partial.getRequestId();
    }
    return 0;
  }
}
