package dev.parley.chat.protocol.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor.JavaType;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.parley.chat.api.ErrorCode;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code parley.v1.json} subprotocol: proto3 JSON text frames carrying the same Envelope as the
 * binary protocol ({@link BinaryFrames}). Stateless and thread-safe.
 *
 * <p>Needs {@code protobuf-java-util} (and the Gson it brings) on the class path. chat-api declares
 * both optional: the server, the benchmarks and the client (whose Server-Sent Events transport
 * speaks JSON) depend on them.
 */
public final class JsonFrameCodec {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  /**
   * The largest exponent accepted in an integer field. The parser expands {@code 1e999999999} into
   * a number of a billion digits, which takes minutes of CPU: one such frame would stall a
   * connection's thread.
   */
  private static final int MAX_EXPONENT = 99;

  /** Somewhere in the text, a number with an exponent of three digits or more. */
  private static final Pattern LONG_EXPONENT = Pattern.compile("[0-9.][eE][-+]?[0-9]{3}");

  /** A JSON number written with an exponent. */
  private static final Pattern NUMBER_WITH_EXPONENT =
      Pattern.compile("[-+]?[0-9]*\\.?[0-9]*[eE][-+]?[0-9]+");

  private static final Set<JavaType> INTEGER_TYPES =
      EnumSet.of(JavaType.INT, JavaType.LONG, JavaType.ENUM);

  private JsonFrameCodec() {}

  /**
   * Runs the JSON printer and parser once, so the first browser to connect does not pay for their
   * initialization (hundreds of milliseconds on a cold JVM).
   */
  public static void warmUp() {
    try {
      decode(encode(Envelope.newBuilder().setPing(Ping.getDefaultInstance()).build()));
    } catch (FrameDecodeException e) {
      throw new IllegalStateException("JSON codec cannot read its own output", e);
    }
  }

  /** The envelope as one line of proto3 JSON. */
  public static String encode(Envelope envelope) {
    try {
      return PRINTER.print(envelope);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print envelope as JSON", e);
    }
  }

  /**
   * Parses one text frame. Fields this version does not know are ignored, at the top level and
   * inside messages, so a newer peer's additions do no harm. A frame with no known body is {@link
   * ErrorCode#UNSUPPORTED_MESSAGE} when it carries an unknown key (a message type this version does
   * not know), else {@link ErrorCode#MALFORMED_FRAME}; so is anything that does not parse. The
   * exception carries the frame's request id when it could be read.
   */
  public static Envelope decode(String text) throws FrameDecodeException {
    String costly =
        text != null && LONG_EXPONENT.matcher(text).find() ? longExponentField(text) : null;
    if (costly != null) {
      // protobuf-java-util would turn the number into a BigInteger of that many digits first
      throw new FrameDecodeException(
          ErrorCode.MALFORMED_FRAME,
          costly + " is a number with an exponent beyond " + MAX_EXPONENT,
          readableRequestId(text),
          null);
    }
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

  /**
   * The path of the first integer or enum field of the frame written with an exponent beyond {@link
   * #MAX_EXPONENT} ({@code "1e999999999"}, quoted or not); null if there is none.
   */
  private static String longExponentField(String text) {
    return longExponentField(text, Envelope.getDescriptor());
  }

  /**
   * The path of the first integer or enum field of {@code text}, read as proto3 JSON of {@code
   * type}, written with an exponent of three digits or more ({@code "1e999999999"}, quoted or not);
   * null if there is none or the text is no JSON object. protobuf-java-util would expand such a
   * number into that many digits before rejecting it, so callers refuse the text first.
   */
  public static String longExponentField(String text, Descriptor type) {
    if (text == null || !LONG_EXPONENT.matcher(text).find()) {
      return null;
    }
    JsonObject object = parseObject(text);
    return object == null ? null : longExponentField(object, type);
  }

  private static String longExponentField(JsonObject object, Descriptor type) {
    for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
      FieldDescriptor field = field(type, entry.getKey());
      if (field == null) {
        continue; // ignored by the parser
      }
      JsonElement value = entry.getValue();
      Iterable<JsonElement> values =
          field.isRepeated() && value.isJsonArray() ? value.getAsJsonArray() : List.of(value);
      for (JsonElement v : values) {
        if (field.getJavaType() == JavaType.MESSAGE && v.isJsonObject()) {
          String inner = longExponentField(v.getAsJsonObject(), field.getMessageType());
          if (inner != null) {
            return field.getJsonName() + "." + inner;
          }
        } else if (INTEGER_TYPES.contains(field.getJavaType())
            && v.isJsonPrimitive()
            && hasLongExponent(v.getAsString())) {
          return field.getJsonName();
        }
      }
    }
    return null;
  }

  /** Whether the number's exponent has more than two digits, leading zeros aside. */
  private static boolean hasLongExponent(String number) {
    if (!NUMBER_WITH_EXPONENT.matcher(number).matches()) {
      return false; // an enum's name, such as ROLE_MODERATOR, is no number
    }
    int e = Math.max(number.indexOf('e'), number.indexOf('E'));
    if (e < 0) {
      return false;
    }
    int i = e + 1;
    if (i < number.length() && (number.charAt(i) == '-' || number.charAt(i) == '+')) {
      i++;
    }
    while (i < number.length() && number.charAt(i) == '0') {
      i++;
    }
    return number.length() - i > 2;
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
    return field(Envelope.getDescriptor(), key) != null;
  }

  /** The field a JSON key names, by its JSON name or its proto name; null if none. */
  private static FieldDescriptor field(Descriptor type, String key) {
    for (FieldDescriptor field : type.getFields()) {
      if (field.getJsonName().equals(key) || field.getName().equals(key)) {
        return field;
      }
    }
    return null;
  }
}
