package dev.parley.chat.server.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.parley.chat.api.ErrorCode;
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
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

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
   * Parses one text frame. Fields this version does not know are ignored, at the top level and
   * inside messages, so a newer client's additions do no harm. A frame with no known body is {@link
   * ErrorCode#UNSUPPORTED_MESSAGE} when it carries an unknown key (a message type this version does
   * not know), else {@link ErrorCode#MALFORMED_FRAME}; so is anything that does not parse. The
   * exception carries the frame's request id when it could be read.
   */
  static Envelope decode(String text) throws FrameDecodeException {
    Envelope.Builder builder = Envelope.newBuilder();
    try {
      PARSER.merge(text, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new FrameDecodeException(
          ErrorCode.MALFORMED_FRAME,
          "frame is not a JSON parley.v1.Envelope",
          readableRequestId(text),
          e);
    }
    Envelope envelope = builder.build();
    if (envelope.getBodyCase() == Envelope.BodyCase.BODY_NOT_SET) {
      if (hasUnknownKey(text)) {
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

  private static boolean hasUnknownKey(String text) {
    JsonObject object = parseObject(text);
    if (object == null) {
      return false;
    }
    for (String key : object.keySet()) {
      if (!isEnvelopeField(key)) {
        return true;
      }
    }
    return false;
  }

  /** The frame's {@code requestId} (or {@code request_id}) when it is a readable number; else 0. */
  private static long readableRequestId(String text) {
    JsonObject object = parseObject(text);
    if (object == null) {
      return 0;
    }
    for (String key : new String[] {"requestId", "request_id"}) {
      JsonElement value = object.get(key);
      if (value != null && value.isJsonPrimitive()) {
        try {
          return Long.parseUnsignedLong(value.getAsString());
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  private static JsonObject parseObject(String text) {
    try {
      JsonElement element = JsonParser.parseString(text);
      return element.isJsonObject() ? element.getAsJsonObject() : null;
    } catch (RuntimeException | StackOverflowError e) {
      return null;
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
