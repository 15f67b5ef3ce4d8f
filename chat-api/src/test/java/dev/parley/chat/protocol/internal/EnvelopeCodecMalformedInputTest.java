package dev.parley.chat.protocol.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.protocol.internal.EnvelopeCodecRoundTripTest.Format;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input, in both encodings: a frame that does not decode fails with a {@link
 * FrameDecodeException} naming {@code MALFORMED_FRAME} or {@code UNSUPPORTED_MESSAGE}, never with
 * anything else; a frame that decodes but carries invalid values fails the codec's value decoders
 * with {@link IllegalArgumentException} (or {@link DateTimeException} for a timestamp), as they
 * document. The random cases are seeded; the seed is in every assertion message.
 */
class EnvelopeCodecMalformedInputTest {
  private static final int CASES = 300;
  private static final Envelope.BodyCase[] BODIES =
      Arrays.stream(Envelope.BodyCase.values())
          .filter(b -> b != Envelope.BodyCase.BODY_NOT_SET)
          .toArray(Envelope.BodyCase[]::new);

  static Stream<Arguments> formatsAndSeeds() {
    return Arrays.stream(Format.values())
        .flatMap(f -> LongStream.range(1, 11).mapToObj(seed -> Arguments.of(f, 7_000 + seed)));
  }

  @ParameterizedTest(name = "{0}, seed {1}")
  @MethodSource("formatsAndSeeds")
  void mutatedFramesDecodeOrFailWithAFrameDecodeException(Format format, long seed) {
    Random r = new Random(seed);
    for (int i = 0; i < CASES; i++) {
      Envelope frame =
          EnvelopeCodecRoundTripTest.sampleOf(BODIES[r.nextInt(BODIES.length)], r).frame();
      String what = "seed " + seed + ", case " + i;
      try {
        Envelope decoded =
            format == Format.BINARY
                ? BinaryFrames.decode(ByteBuffer.wrap(mutate(BinaryFrames.encode(frame), r)))
                : JsonFrameCodec.decode(mutate(JsonFrameCodec.encode(frame), r));
        assertThat(decoded.getBodyCase()).as(what).isNotEqualTo(Envelope.BodyCase.BODY_NOT_SET);
        assertThat(format.roundTrip(decoded)).as(what).isEqualTo(decoded);
        readValues(decoded);
      } catch (FrameDecodeException e) {
        assertThat(e.code())
            .as(what)
            .isIn(ErrorCode.MALFORMED_FRAME, ErrorCode.UNSUPPORTED_MESSAGE);
        assertThat(e.getMessage()).as(what).isNotBlank();
      }
    }
  }

  static Stream<Arguments> badJsonFrames() {
    return Stream.of(
        Arguments.of("", ErrorCode.MALFORMED_FRAME, 0L),
        Arguments.of("null", ErrorCode.MALFORMED_FRAME, 0L),
        Arguments.of("[]", ErrorCode.MALFORMED_FRAME, 0L),
        Arguments.of("42", ErrorCode.MALFORMED_FRAME, 0L),
        Arguments.of("\"ping\"", ErrorCode.MALFORMED_FRAME, 0L),
        Arguments.of("{", ErrorCode.MALFORMED_FRAME, 0L),
        Arguments.of("{}", ErrorCode.MALFORMED_FRAME, 0L),
        Arguments.of("{\"requestId\":\"7\"}", ErrorCode.MALFORMED_FRAME, 7L),
        Arguments.of("{\"request_id\":\"8\",\"send\":5}", ErrorCode.MALFORMED_FRAME, 8L),
        Arguments.of("{\"requestId\":\"x\",\"join\":{}}", ErrorCode.MALFORMED_FRAME, 0L),
        Arguments.of("{\"requestId\":9,\"join\":{\"room\":{}}}", ErrorCode.MALFORMED_FRAME, 9L),
        Arguments.of("{\"requestId\":3,\"shareScreen\":{}}", ErrorCode.UNSUPPORTED_MESSAGE, 3L),
        Arguments.of(
            "{\"requestId\":\"18446744073709551615\",\"ping\":{},\"pong\":{}}",
            ErrorCode.MALFORMED_FRAME,
            -1L),
        // regression: protobuf-java-util expands an integer's exponent into that many digits
        Arguments.of("{\"requestId\":\"1e999999999\",\"ping\":{}}", ErrorCode.MALFORMED_FRAME, 0L),
        Arguments.of(
            "{\"requestId\":2,\"historyRequest\":{\"room\":\"r\",\"fromSeq\":1E-0000999999}}",
            ErrorCode.MALFORMED_FRAME,
            2L),
        Arguments.of(
            "{\"requestId\":3,\"connect\":{\"resume\":[{\"room\":\"r\",\"lastSeq\":\"9e+123456\"}]}}",
            ErrorCode.MALFORMED_FRAME,
            3L),
        Arguments.of(
            "{\"requestId\":5,\"historyRequest\":{\"direction\":\"1e99999999\"}}",
            ErrorCode.MALFORMED_FRAME,
            5L),
        Arguments.of(
            "{\"requestId\":4,\"send\":" + "[".repeat(100_000), ErrorCode.MALFORMED_FRAME, 0L),
        Arguments.of(
            "{\"requestId\":5,\"send\":" + "{\"a\":".repeat(50_000),
            ErrorCode.MALFORMED_FRAME,
            0L));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("badJsonFrames")
  void badJsonFramesNameTheirCodeAndRequestId(String text, ErrorCode code, long requestId) {
    assertThatThrownBy(() -> JsonFrameCodec.decode(text))
        .isInstanceOfSatisfying(
            FrameDecodeException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.requestId()).isEqualTo(requestId);
              assertThat(e.getMessage()).isNotBlank();
            });
  }

  @Test
  void exponentsAreReadInIntegersUpToTwoDigitsAndNeverInText() throws FrameDecodeException {
    Envelope small = JsonFrameCodec.decode("{\"requestId\":\"1e2\",\"ping\":{\"nonce\":1E+018}}");
    assertThat(small.getRequestId()).isEqualTo(100);
    assertThat(small.getPing().getNonce()).isEqualTo(1_000_000_000_000_000_000L);
    Envelope text =
        JsonFrameCodec.decode(
            "{\"requestId\":1,\"send\":{\"room\":\"r\",\"text\":\"1e999999999\"},"
                + "\"futureField\":1e999999999}");
    assertThat(text.getSend().getText()).isEqualTo("1e999999999");
  }

  static Stream<Arguments> badBinaryFrames() {
    byte[] deepGroups = new byte[200_000];
    for (int i = 0; i < deepGroups.length; i += 2) {
      deepGroups[i] = (byte) 0xa3; // field 100, start group, nested 100,000 deep
      deepGroups[i + 1] = 0x06;
    }
    return Stream.of(
        Arguments.of(new byte[0], ErrorCode.MALFORMED_FRAME),
        Arguments.of(new byte[] {(byte) 0xff, 1}, ErrorCode.MALFORMED_FRAME),
        Arguments.of(new byte[] {0x08, (byte) 0x80}, ErrorCode.MALFORMED_FRAME),
        Arguments.of(new byte[] {0x08, 0x07}, ErrorCode.MALFORMED_FRAME),
        Arguments.of(new byte[] {(byte) 0x9a, 0x06, 0x00}, ErrorCode.UNSUPPORTED_MESSAGE),
        Arguments.of(new byte[] {(byte) 0x9a, 0x06, 0x05, 0x01}, ErrorCode.MALFORMED_FRAME),
        Arguments.of(deepGroups, ErrorCode.MALFORMED_FRAME));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("badBinaryFrames")
  void badBinaryFramesNameTheirCode(byte[] bytes, ErrorCode code) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    assertThatThrownBy(() -> BinaryFrames.decode(buffer))
        .isInstanceOfSatisfying(
            FrameDecodeException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.getMessage()).isNotBlank();
            });
    assertThat(buffer.remaining()).isEqualTo(bytes.length);
  }

  @Test
  void aMessageWithInvalidFieldsFailsWithIllegalArgument() {
    Message valid =
        EnvelopeCodec.message(
            new ChatMessage(
                RoomId.of("r"),
                1,
                dev.parley.chat.api.MessageId.of("m1"),
                dev.parley.chat.api.UserId.of("alice"),
                dev.parley.chat.api.ClientMessageId.of("c1"),
                java.time.Instant.ofEpochMilli(1),
                "hi",
                null));
    for (Message bad :
        List.of(
            valid.toBuilder().setSeq(0).build(),
            valid.toBuilder().setRoom("").build(),
            valid.toBuilder().setRoom("a room").build(),
            valid.toBuilder().setSender("").build(),
            valid.toBuilder().setMessageId("").build(),
            valid.toBuilder().setClientMessageId("x".repeat(65)).build())) {
      assertThatThrownBy(() -> EnvelopeCodec.chatMessage(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
    }
  }

  @Test
  void aHistoryPageKeepsOnlyTheValidMessagesOfItsRoom() {
    Message ok =
        Message.newBuilder()
            .setRoom("r")
            .setSeq(3)
            .setMessageId("m3")
            .setSender("bob")
            .setClientMessageId("c3")
            .setText("three")
            .build();
    List<ChatMessage> kept =
        EnvelopeCodec.chatMessages(
            RoomId.of("r"),
            List.of(
                ok.toBuilder().setSeq(0).build(),
                ok,
                ok.toBuilder().setRoom("other").setSeq(4).build(),
                ok.toBuilder().setSender("").setSeq(5).build()));
    assertThat(kept).extracting(ChatMessage::seq).containsExactly(3L);
  }

  @Test
  void anErrorBecomesAnExceptionThatNamesItsCodeOnce() {
    for (String sent : new String[] {"carol may not join x", "FORBIDDEN: carol may not join x"}) {
      Error error = Error.newBuilder().setCode(ErrorCode.FORBIDDEN.code()).setMessage(sent).build();
      assertThat(EnvelopeCodec.exception(error).getMessage())
          .as(sent)
          .isEqualTo("FORBIDDEN: carol may not join x");
    }
  }

  @Test
  void anUnknownErrorCodeIsInternalAndAnEmptyMessageIsTheCodesName() {
    ChatException unknown =
        EnvelopeCodec.exception(Error.newBuilder().setCode(987_654).setMessage("new").build());
    assertThat(unknown.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(unknown.reason()).isEqualTo("new");
    ChatException empty =
        EnvelopeCodec.exception(Error.newBuilder().setCode(ErrorCode.RATE_LIMITED.code()).build());
    assertThat(empty.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(empty.reason()).isEqualTo("RATE_LIMITED");
  }

  @Test
  void invalidIdsAndPositionsFromTheWireAreRejected() {
    assertThat(EnvelopeCodec.roomOrNull("")).isNull();
    assertThat(EnvelopeCodec.roomOrNull("no spaces")).isNull();
    assertThat(EnvelopeCodec.userOrNull("é")).isNull();
    assertThat(EnvelopeCodec.roomOrNull("ok.room")).isEqualTo(RoomId.of("ok.room"));
    Joined inconsistent = Joined.newBuilder().setRoom("r").setHeadSeq(3).setFirstSeq(9).build();
    assertThatThrownBy(() -> EnvelopeCodec.position(inconsistent))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("firstSeq=9");
  }

  // --- Helpers ---

  /**
   * Applies the codec's value decoders that fit the frame; only their documented failures pass. The
   * fuzz tests use it too.
   */
  static void readValues(Envelope e) {
    try {
      switch (e.getBodyCase()) {
        case MESSAGE -> EnvelopeCodec.chatMessage(e.getMessage());
        case HISTORY_PAGE ->
            EnvelopeCodec.chatMessages(RoomId.of("r"), e.getHistoryPage().getMessagesList());
        case ERROR -> assertThat(EnvelopeCodec.exception(e.getError()).code()).isNotNull();
        case JOINED -> EnvelopeCodec.position(e.getJoined());
        case LEFT -> EnvelopeCodec.roomOrNull(e.getLeft().getRoom());
        case PRESENCE -> EnvelopeCodec.userOrNull(e.getPresence().getUser());
        default -> {}
      }
    } catch (IllegalArgumentException | DateTimeException documented) {
      assertThat(documented.getMessage()).isNotBlank();
    }
  }

  private static byte[] mutate(ByteBuffer frame, Random r) {
    byte[] bytes = new byte[frame.remaining()];
    frame.get(bytes);
    switch (r.nextInt(4)) {
      case 0 -> {
        return Arrays.copyOf(bytes, r.nextInt(bytes.length + 1));
      }
      case 1 -> {
        for (int n = 1 + r.nextInt(3); n > 0 && bytes.length > 0; n--) {
          bytes[r.nextInt(bytes.length)] ^= (byte) (1 << r.nextInt(8));
        }
        return bytes;
      }
      case 2 -> {
        byte[] noise = new byte[1 + r.nextInt(8)];
        r.nextBytes(noise);
        int at = r.nextInt(bytes.length + 1);
        byte[] out = new byte[bytes.length + noise.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(noise, 0, out, at, noise.length);
        System.arraycopy(bytes, at, out, at + noise.length, bytes.length - at);
        return out;
      }
      default -> {
        if (bytes.length > 0) {
          bytes[r.nextInt(bytes.length)] = (byte) r.nextInt(256);
        }
        return bytes;
      }
    }
  }

  private static final String JSON_NOISE = "{}[]\":,\\-.0123456789eEtrufalsn ";

  private static String mutate(String frame, Random r) {
    StringBuilder b = new StringBuilder(frame);
    switch (r.nextInt(4)) {
      case 0 -> b.setLength(r.nextInt(frame.length() + 1));
      case 1 -> {
        if (b.length() > 0) {
          b.deleteCharAt(r.nextInt(b.length()));
        }
      }
      case 2 ->
          b.insert(r.nextInt(b.length() + 1), JSON_NOISE.charAt(r.nextInt(JSON_NOISE.length())));
      default -> {
        if (b.length() > 0) {
          b.setCharAt(r.nextInt(b.length()), JSON_NOISE.charAt(r.nextInt(JSON_NOISE.length())));
        }
      }
    }
    return b.toString();
  }
}
