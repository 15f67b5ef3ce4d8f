package dev.parley.chat.server.internal;

import static dev.parley.chat.protocol.internal.Envelope.BodyCase.ERROR;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.JOINED;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.PONG;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.WELCOME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.Join;
import dev.parley.chat.protocol.internal.Ping;
import dev.parley.chat.protocol.internal.RoomPosition;
import dev.parley.chat.protocol.internal.Welcome;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rules of docs/protocol.md that an outside client relies on, in memory: frame types per
 * subprotocol, forward-compatible JSON, request ids echoed on undecodable frames, rejected resume
 * entries and direct room ids.
 */
class WireRulesTest {
  private final Engine engine = new Engine();

  @AfterEach
  void tearDown() {
    engine.close();
  }

  @Test
  void textFrameOnABinaryConnectionClosesWith1003() throws Exception {
    FakeConnection c = engine.connect("alice");
    engine.core.onText(c, "{\"requestId\":\"2\",\"ping\":{\"nonce\":\"1\"}}");
    assertThat(c.awaitClose()).isEqualTo(CloseCodes.UNSUPPORTED_DATA);
  }

  @Test
  void binaryFrameOnAJsonConnectionClosesWith1003() throws Exception {
    FakeConnection c = engine.open(Protocol.SUBPROTOCOL_JSON);
    engine.core.onBinary(c, ByteBuffer.wrap(engine.connectFrame("alice").toByteArray()));
    assertThat(c.awaitClose()).isEqualTo(CloseCodes.UNSUPPORTED_DATA);
  }

  @ParameterizedTest
  @ValueSource(strings = {Protocol.SUBPROTOCOL_PROTOBUF, Protocol.SUBPROTOCOL_JSON})
  void everyRejectedResumeEntryNamesTheRoomAsTheClientSentIt(String subprotocol) {
    FakeConnection c = engine.open(subprotocol);
    engine.send(
        c,
        Envelope.newBuilder()
            .setRequestId(1)
            .setConnect(
                Connect.newBuilder()
                    .setProtocolVersion(Protocol.VERSION)
                    .setToken("bob")
                    .addResume(RoomPosition.newBuilder().setRoom("ok"))
                    .addResume(RoomPosition.newBuilder().setRoom("no such!"))
                    .addResume(RoomPosition.newBuilder().setRoom(""))
                    .addResume(RoomPosition.newBuilder().setRoom("dm:zed"))
                    .addResume(RoomPosition.newBuilder().setRoom("dm:alice:carol")))
            .build());
    Welcome welcome = c.next(WELCOME).getWelcome();
    assertThat(welcome.getRejoinedList()).extracting(j -> j.getRoom()).containsExactly("ok");
    assertThat(welcome.getRejectedList())
        .extracting(e -> e.getRoom(), e -> e.getCode())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("no such!", ErrorCode.INVALID_ARGUMENT.code()),
            org.assertj.core.groups.Tuple.tuple("", ErrorCode.INVALID_ARGUMENT.code()),
            org.assertj.core.groups.Tuple.tuple("dm:zed", ErrorCode.INVALID_ARGUMENT.code()),
            org.assertj.core.groups.Tuple.tuple("dm:alice:carol", ErrorCode.FORBIDDEN.code()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dm:zed", "dm:bob:alice", "dm:alice:alice", "dm:alice:bob:carol", "dm:"})
  void malformedDirectRoomIdIsAnInvalidArgument(String room) {
    FakeConnection alice = engine.connect("alice");
    engine.send(
        alice,
        Envelope.newBuilder().setRequestId(8).setJoin(Join.newBuilder().setRoom(room)).build());
    Envelope error = alice.next(ERROR);
    assertThat(error.getRequestId()).isEqualTo(8);
    assertThat(error.getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.code());
    assertThat(error.getError().getRoom()).isEqualTo(room);
  }

  @Test
  void jsonReaderIgnoresFieldsItDoesNotKnow() {
    FakeConnection web = engine.open(Protocol.SUBPROTOCOL_JSON);
    engine.core.onText(
        web,
        "{\"requestId\":\"1\",\"traceId\":\"abc\",\"connect\":{\"protocolVersion\":1,"
            + "\"token\":\"webby\",\"deviceClass\":\"tablet\",\"capabilities\":{\"x\":[1,2]}}}");
    assertThat(web.next(WELCOME).getWelcome().getUser()).isEqualTo("webby");
    engine.core.onText(
        web, "{\"requestId\":\"2\",\"join\":{\"room\":\"j\",\"mood\":\"curious\"},\"hint\":7}");
    Envelope joined = web.next(JOINED);
    assertThat(joined.getRequestId()).isEqualTo(2);
    assertThat(joined.getJoined().getRoom()).isEqualTo("j");
    engine.core.onText(web, "{\"future\":null,\"requestId\":\"3\",\"ping\":{\"nonce\":\"4\"}}");
    assertThat(web.next(PONG).getPong().getNonce()).isEqualTo(4);
    // A frame whose only body is unknown still gets UNSUPPORTED_MESSAGE.
    engine.core.onText(web, "{\"requestId\":\"5\",\"teleport\":{\"to\":\"mars\"}}");
    Envelope unsupported = web.next(ERROR);
    assertThat(unsupported.getRequestId()).isEqualTo(5);
    assertThat(unsupported.getError().getCode()).isEqualTo(ErrorCode.UNSUPPORTED_MESSAGE.code());
  }

  @Test
  void undecodableJsonFramesEchoTheirRequestIdWhenItIsReadable() {
    FakeConnection web = engine.open(Protocol.SUBPROTOCOL_JSON);
    engine.send(web, engine.connectFrame("webby"));
    web.next(WELCOME);
    assertError(web, "{\"requestId\":\"9\",\"teleport\":{}}", 9, ErrorCode.UNSUPPORTED_MESSAGE);
    assertError(web, "{\"request_id\":10}", 10, ErrorCode.MALFORMED_FRAME);
    assertError(
        web, "{\"requestId\":\"11\",\"join\":{\"room\":{}}}", 11, ErrorCode.MALFORMED_FRAME);
    assertError(
        web, "{\"requestId\":\"12\",\"join\":{},\"ping\":{}}", 12, ErrorCode.MALFORMED_FRAME);
    assertError(web, "{not json", 0, ErrorCode.MALFORMED_FRAME);
    assertError(web, "{\"requestId\":\"minus one\",\"join\":7}", 0, ErrorCode.MALFORMED_FRAME);
  }

  @Test
  void undecodableBinaryFramesEchoTheirRequestIdWhenItIsReadable() {
    FakeConnection c = engine.connect("alice");
    // request id 7, then field 99 (length-delimited, empty): a body from a future version
    engine.sendRaw(c, new byte[] {0x08, 0x07, (byte) 0x9a, 0x06, 0x00});
    assertError(c.nextError(), 7, ErrorCode.UNSUPPORTED_MESSAGE);
    // request id 8 and no body
    engine.sendRaw(c, new byte[] {0x08, 0x08});
    assertError(c.nextError(), 8, ErrorCode.MALFORMED_FRAME);
    // a Ping with request id 300 cut short: the id is read before the frame breaks
    byte[] ping =
        Envelope.newBuilder()
            .setRequestId(300)
            .setPing(Ping.newBuilder().setNonce(Long.MAX_VALUE))
            .build()
            .toByteArray();
    engine.sendRaw(c, Arrays.copyOf(ping, ping.length - 3));
    assertError(c.nextError(), 300, ErrorCode.MALFORMED_FRAME);
    engine.sendRaw(c, new byte[] {(byte) 0xff, 0x01});
    assertError(c.nextError(), 0, ErrorCode.MALFORMED_FRAME);
  }

  private void assertError(FakeConnection web, String frame, long requestId, ErrorCode code) {
    engine.core.onText(web, frame);
    assertError(web.nextError(), requestId, code);
  }

  private static void assertError(Envelope error, long requestId, ErrorCode code) {
    assertThat(error.getError().getCode()).as("code of %s", error).isEqualTo(code.code());
    assertThat(error.getRequestId()).as("request id of %s", error).isEqualTo(requestId);
  }
}
