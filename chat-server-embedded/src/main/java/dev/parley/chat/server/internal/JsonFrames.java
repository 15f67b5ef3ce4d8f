package dev.parley.chat.server.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import dev.parley.chat.protocol.internal.Ping;

/**
 * The {@code parley.v1.json} subprotocol: proto3 JSON text frames carrying the same Envelope as the
 * binary protocol. Stateless and thread-safe.
 */
final class JsonFrames {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private JsonFrames() {}

  /**
   * Runs the JSON printer and parser once, so the first browser to connect does not pay for their
   * initialization (hundreds of milliseconds on a cold JVM).
   */
  static void warmUp() {
    try {
      decode(encode(Envelope.newBuilder().setPing(Ping.getDefaultInstance()).build()));
    } catch (FrameDecodeException e) {
      throw new IllegalStateException("JSON codec cannot read its own output", e);
    }
  }

  static String encode(Envelope envelope) {
    try {
      return PRINTER.print(envelope);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print envelope as JSON", e);
    }
  }

  /**
   * Parses one text frame. A syntactically valid object whose only unknown key names a message type
   * is reported as {@link ErrorCode#UNSUPPORTED_MESSAGE}; anything else that fails as {@link
   * ErrorCode#MALFORMED_FRAME}.
   */
  static Envelope decode(String text) throws FrameDecodeException {
    Envelope.Builder builder = Envelope.newBuilder();
    try {
      PARSER.merge(text, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new FrameDecodeException(classify(text), "frame is not a JSON parley.v1.Envelope", e);
    }
    return BinaryFrames.requireBody(builder.build());
  }

  private static ErrorCode classify(String text) {
    try {
      JsonElement element = JsonParser.parseString(text);
      if (!element.isJsonObject()) {
        return ErrorCode.MALFORMED_FRAME;
      }
      for (String key : element.getAsJsonObject().keySet()) {
        if (!isEnvelopeField(key)) {
          return ErrorCode.UNSUPPORTED_MESSAGE;
        }
      }
      return ErrorCode.MALFORMED_FRAME;
    } catch (RuntimeException | StackOverflowError e) {
      return ErrorCode.MALFORMED_FRAME;
    }
  }

  private static boolean isEnvelopeField(String key) {
    for (FieldDescriptor field : Envelope.getDescriptor().getFields()) {
      if (field.getJsonName().equals(key) || field.getName().equals(key)) {
        return true;
      }
    }
    return false;
  }
}
