package dev.parley.chat.transport.jws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.spi.ServerTransportConfig;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.HandshakeState;
import org.java_websocket.enums.Role;
import org.java_websocket.exceptions.IncompleteHandshakeException;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.exceptions.LimitExceededException;
import org.java_websocket.framing.BinaryFrame;
import org.java_websocket.framing.ContinuousFrame;
import org.java_websocket.framing.DataFrame;
import org.java_websocket.framing.PingFrame;
import org.java_websocket.framing.TextFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.HandshakeImpl1Client;
import org.junit.jupiter.api.Test;

/** The limits and encoding of {@link LimitedDraft}, in memory: no sockets, no threads. */
class LimitedDraftTest {
  private static final int MAX_MESSAGE = 1024;
  private static final int MAX_FRAGMENTS = 4;
  private static final int MAX_HANDSHAKE = 512;

  private final RecordingListener listener = new RecordingListener();
  private final LimitedDraft draft = serverDraft(config());
  private final ClosingSocket socket = new ClosingSocket(listener);

  /** Records the close a draft asks for instead of performing it. */
  private static final class ClosingSocket extends WebSocketImpl {
    final List<Integer> closeCodes = new ArrayList<>();

    ClosingSocket(RecordingListener listener) {
      super(listener, new Draft_6455());
    }

    @Override
    public void close(int code, String message, boolean remote) {
      closeCodes.add(code);
    }
  }

  /** Decodes {@code bytes} and hands every frame to the draft, as the library's worker does. */
  private void decode(LimitedDraft draft, ByteBuffer bytes) throws InvalidDataException {
    for (var frame : draft.translateFrame(bytes)) {
      draft.processFrame(socket, frame);
    }
  }

  private static ServerTransportConfig config() {
    return new ServerTransportConfig(
        new InetSocketAddress("127.0.0.1", 0),
        "/chat",
        List.of(Protocol.SUBPROTOCOL_PROTOBUF, Protocol.SUBPROTOCOL_JSON),
        MAX_MESSAGE,
        MAX_FRAGMENTS,
        MAX_HANDSHAKE,
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        10);
  }

  private static LimitedDraft serverDraft(ServerTransportConfig config) {
    LimitedDraft draft = (LimitedDraft) new LimitedDraft(config, System::nanoTime).copyInstance();
    draft.setParseMode(Role.SERVER);
    return draft;
  }

  /** A masked client frame header announcing {@code length} payload bytes, and no payload. */
  private static ByteBuffer headerOnly(long length) {
    ByteBuffer header = ByteBuffer.allocate(14);
    header.put((byte) 0x82);
    header.put((byte) (0x80 | 127));
    header.putLong(length);
    header.putInt(0x01020304);
    return header.flip();
  }

  private static DataFrame frame(DataFrame frame, boolean fin, int bytes) {
    frame.setFin(fin);
    frame.setPayload(ByteBuffer.allocate(bytes));
    return frame;
  }

  // --- frame and message size ----------------------------------------------------------------

  @Test
  void frameHeaderAnnouncingAHugePayloadClosesWith1009FromTheHeaderAlone() throws Exception {
    for (long announced : new long[] {MAX_MESSAGE + 1L, Integer.MAX_VALUE, 1L << 40, -1L}) {
      LimitedDraft fresh = serverDraft(config());
      decode(fresh, headerOnly(announced));
      assertThat(socket.closeCodes).as("announced %d", announced).containsExactly(1009);
      socket.closeCodes.clear();
    }
  }

  @Test
  void unknownOpcodeClosesWith1002AndNothingMoreIsDecoded() throws Exception {
    ByteBuffer bytes = ByteBuffer.allocate(12);
    bytes.put((byte) 0x83).put((byte) 0x80).putInt(0x01020304); // opcode 3 is reserved
    bytes.put((byte) 0x82).put((byte) 0x80).putInt(0x01020304); // an empty binary frame
    decode(draft, bytes.flip());
    ByteBuffer more = ByteBuffer.allocate(6).put((byte) 0x82).put((byte) 0x80).putInt(0);
    decode(draft, more.flip());
    assertThat(socket.closeCodes).containsExactly(1002);
    assertThat(listener.binary).isEmpty();
  }

  @Test
  void unmaskedClientFrameClosesWith1002EvenAfterMaskedFramesSplitAcrossReads() throws Exception {
    ByteBuffer masked = ByteBuffer.allocate(11).put((byte) 0x82).put((byte) 0x85).putInt(0);
    masked.put(new byte[] {1, 2, 3, 4, 5}).flip();
    for (int i = 0; i < masked.limit(); i++) {
      decode(draft, ByteBuffer.wrap(new byte[] {masked.get(i)}));
    }
    assertThat(listener.binary).hasSize(1);
    assertThat(socket.closeCodes).isEmpty();
    decode(draft, ByteBuffer.wrap(new byte[] {(byte) 0x82, 0x01, 7}));
    assertThat(socket.closeCodes).containsExactly(1002);
    assertThat(listener.binary).hasSize(1);
  }

  @Test
  void continuationWithoutAMessageAndAMessageInsideAnotherClose1002() throws Exception {
    draft.processFrame(socket, frame(new ContinuousFrame(), true, 1));
    LimitedDraft other = serverDraft(config());
    other.processFrame(socket, frame(new BinaryFrame(), false, 1));
    other.processFrame(socket, frame(new BinaryFrame(), true, 1));
    assertThat(socket.closeCodes).containsExactly(1002, 1002);
    assertThat(listener.binary).isEmpty();
  }

  @Test
  void textThatIsNotUtf8Closes1007WholeOrAsAFirstFragment() throws Exception {
    byte[] invalid = {(byte) 0xC3, (byte) 0x28};
    TextFrame whole = new TextFrame();
    whole.setPayload(ByteBuffer.wrap(invalid));
    draft.processFrame(socket, whole);
    TextFrame first = new TextFrame();
    first.setFin(false);
    first.setPayload(ByteBuffer.wrap(invalid));
    serverDraft(config()).processFrame(socket, first);
    assertThat(socket.closeCodes).containsExactly(1007, 1007);
    assertThat(listener.text).isEmpty();
  }

  @Test
  void frameAtTheLimitIsAwaitedNotRejected() throws Exception {
    assertThat(draft.translateFrame(headerOnly(MAX_MESSAGE))).isEmpty();
  }

  @Test
  void allocationBeyondOneFrameIsRefused() {
    assertThatThrownBy(() -> draft.checkAlloc(MAX_MESSAGE + 15))
        .isInstanceOf(LimitExceededException.class);
    assertThatCode(() -> draft.checkAlloc(MAX_MESSAGE + 14)).doesNotThrowAnyException();
  }

  @Test
  void plainDraft6455LetsMiddleFragmentsPastItsLimit() throws Exception {
    // Java-WebSocket issue #1508: the reason LimitedDraft counts fragments itself.
    Draft_6455 plain = new Draft_6455(List.of(), MAX_MESSAGE);
    plain.processFrame(socket, frame(new BinaryFrame(), false, MAX_MESSAGE));
    assertThatCode(
            () -> {
              for (int i = 0; i < 10; i++) {
                plain.processFrame(socket, frame(new ContinuousFrame(), false, MAX_MESSAGE));
              }
            })
        .as("eleven times its limit buffered, and no middle fragment refused")
        .doesNotThrowAnyException();
    assertThat(listener.binary).as("nothing delivered before the last fragment").isEmpty();
    // It only checks the total on the last fragment, after buffering all of it.
    assertThatThrownBy(() -> plain.processFrame(socket, frame(new ContinuousFrame(), true, 1)))
        .isInstanceOfSatisfying(
            LimitExceededException.class, e -> assertThat(e.getCloseCode()).isEqualTo(1009));
    assertThat(listener.binary).isEmpty();
  }

  @Test
  void middleFragmentsThatPassTheMessageLimitClose1009() throws Exception {
    draft.processFrame(socket, frame(new BinaryFrame(), false, MAX_MESSAGE / 2));
    draft.processFrame(socket, frame(new ContinuousFrame(), false, MAX_MESSAGE / 2));
    assertThat(socket.closeCodes).isEmpty();
    draft.processFrame(socket, frame(new ContinuousFrame(), false, 1));
    assertThat(socket.closeCodes).containsExactly(1009);
  }

  @Test
  void tooManyFragmentsClose1002EvenWhenEmpty() throws Exception {
    draft.processFrame(socket, frame(new BinaryFrame(), false, 0));
    for (int i = 1; i < MAX_FRAGMENTS; i++) {
      draft.processFrame(socket, frame(new ContinuousFrame(), false, 0));
    }
    assertThat(socket.closeCodes).isEmpty();
    draft.processFrame(socket, frame(new ContinuousFrame(), true, 0));
    assertThat(socket.closeCodes).containsExactly(1002);
    assertThat(listener.binary).isEmpty();
  }

  @Test
  void messagesWithinTheLimitsAreReassembledAndCountedAfresh() throws Exception {
    for (int message = 0; message < 3; message++) {
      draft.processFrame(socket, frame(new BinaryFrame(), false, 100));
      draft.processFrame(socket, new PingFrame()); // control frames are not counted
      draft.processFrame(socket, frame(new ContinuousFrame(), false, 100));
      draft.processFrame(socket, frame(new ContinuousFrame(), false, 100));
      draft.processFrame(socket, frame(new ContinuousFrame(), true, MAX_MESSAGE - 300));
    }
    draft.processFrame(socket, frame(new BinaryFrame(), true, MAX_MESSAGE));
    TextFrame text = new TextFrame();
    text.setPayload(ByteBuffer.wrap("ok".getBytes(StandardCharsets.UTF_8)));
    draft.processFrame(socket, text);
    assertThat(listener.binary).hasSize(4).allSatisfy(m -> assertThat(m).hasSize(MAX_MESSAGE));
    assertThat(listener.text).containsExactly("ok");
  }

  // --- handshake -----------------------------------------------------------------------------

  private static ByteBuffer request(String extraHeaders) {
    String request =
        "GET /chat?x=1 HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + extraHeaders
            + "\r\n";
    return ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void completeRequestWithinTheLimitIsParsed() throws Exception {
    ClientHandshake handshake = (ClientHandshake) draft.translateHandshake(request(""));
    assertThat(handshake.getResourceDescriptor()).isEqualTo("/chat?x=1");
  }

  @Test
  void incompleteRequestUnderTheLimitAsksForASmallBuffer() {
    ByteBuffer start = ByteBuffer.wrap("GET /chat HTTP/1.1\r\nHost: x\r\n".getBytes());
    assertThatThrownBy(() -> draft.translateHandshake(start))
        .isInstanceOfSatisfying(
            IncompleteHandshakeException.class,
            e -> assertThat(e.getPreferredSize()).isBetween(start.remaining(), MAX_HANDSHAKE));
  }

  @Test
  void requestWhoseHeaderPassesTheLimitIsRefusedCompleteOrNot() {
    String padding = "X-Padding: " + "a".repeat(MAX_HANDSHAKE) + "\r\n";
    assertThatThrownBy(() -> draft.translateHandshake(request(padding)))
        .isInstanceOf(InvalidHandshakeException.class);
    ByteBuffer endless = ByteBuffer.wrap("A".repeat(MAX_HANDSHAKE).getBytes());
    assertThatThrownBy(() -> draft.translateHandshake(endless))
        .isInstanceOf(InvalidHandshakeException.class);
  }

  @Test
  void headerLengthCountsThroughTheEmptyLineFromThePosition() {
    ByteBuffer buffer = ByteBuffer.wrap("xxGET / HTTP/1.1\r\n\r\nframes".getBytes());
    buffer.position(2);
    assertThat(LimitedDraft.headerLength(buffer, 100)).isEqualTo(18);
    assertThat(LimitedDraft.headerLength(buffer, 18)).isEqualTo(18);
    assertThat(LimitedDraft.headerLength(buffer, 17)).isEqualTo(-1);
    assertThat(buffer.position()).isEqualTo(2);
  }

  // --- subprotocols --------------------------------------------------------------------------

  private String negotiate(String header) throws InvalidHandshakeException {
    LimitedDraft fresh = serverDraft(config());
    HandshakeImpl1Client request = new HandshakeImpl1Client();
    request.put("Sec-WebSocket-Version", "13");
    if (header != null) {
      request.put("Sec-WebSocket-Protocol", header);
    }
    if (fresh.acceptHandshakeAsServer(request) != HandshakeState.MATCHED) {
      return "refused";
    }
    String provided = fresh.getProtocol().getProvidedProtocol();
    return fresh.negotiatedSubprotocol() + (provided.isEmpty() ? " (no header)" : "");
  }

  @Test
  void subprotocolIsChosenInTheServersOrder() throws Exception {
    assertThat(negotiate("parley.v1.json")).isEqualTo("parley.v1.json");
    assertThat(negotiate("parley.v1.json, parley.v1.proto")).isEqualTo("parley.v1.proto");
    assertThat(negotiate("other; parley.v1.json")).isEqualTo("parley.v1.json");
    assertThat(negotiate(null)).isEqualTo("parley.v1.proto (no header)");
    assertThat(negotiate("")).isEqualTo("parley.v1.proto (no header)");
    assertThat(negotiate("parley.v9.proto, chat")).isEqualTo("refused");
    assertThat(negotiate("PARLEY.V1.PROTO")).as("tokens are case-sensitive").isEqualTo("refused");
  }

  // --- encoding ------------------------------------------------------------------------------

  @Test
  void encodesEveryLengthFormUnmaskedAndCountsIt() {
    long counted = 0;
    for (int length : new int[] {0, 125, 126, 65535, 65536}) {
      BinaryFrame frame = new BinaryFrame();
      frame.setPayload(ByteBuffer.allocate(length));
      ByteBuffer encoded = draft.createBinaryFrame(frame);
      int header = length <= 125 ? 2 : length <= 65535 ? 4 : 10;
      assertThat(encoded.remaining()).as("length %d", length).isEqualTo(header + length);
      assertThat(encoded.get(0)).isEqualTo((byte) 0x82);
      assertThat(encoded.get(1) & 0x80).as("server frames are not masked").isZero();
      counted += encoded.remaining();
      assertThat(draft.enqueuedBytes()).isEqualTo(counted);
    }
  }

  @Test
  void encodingOnlyReadsThePayload() {
    byte[] content = "0123456789".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer heap = ByteBuffer.wrap(content.clone()).position(2).limit(8);
    ByteBuffer readOnly = heap.asReadOnlyBuffer();
    ByteBuffer direct = ByteBuffer.allocateDirect(10).put(content).position(2).limit(8);
    for (ByteBuffer payload : List.of(heap, readOnly, direct)) {
      BinaryFrame frame = new BinaryFrame();
      frame.setPayload(payload);
      ByteBuffer encoded = draft.createBinaryFrame(frame);
      assertThat(payload.position()).isEqualTo(2);
      assertThat(payload.limit()).isEqualTo(8);
      byte[] body = new byte[6];
      encoded.position(2);
      encoded.get(body);
      assertThat(new String(body, StandardCharsets.US_ASCII)).isEqualTo("234567");
    }
  }

  @Test
  void copiesKeepTheLimitsButNotTheCounters() throws Exception {
    draft.createBinaryFrame(new PingFrame());
    LimitedDraft copy = (LimitedDraft) draft.copyInstance();
    assertThat(copy.enqueuedBytes()).isZero();
    copy.setParseMode(Role.SERVER);
    decode(copy, headerOnly(MAX_MESSAGE + 1));
    assertThat(socket.closeCodes).containsExactly(1009);
  }
}
