package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.Ping;
import dev.parley.chat.protocol.internal.Send;
import dev.parley.chat.testkit.net.RawWebSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * The catalogue of hostile input, over real sockets. Each case gets its stable error or close code,
 * and after each one two well-behaved clients still chat on the same server.
 *
 * <p>One fixture per run of the class, held by the test instance ({@code PER_CLASS}), so a rerun or
 * another order starts from a new server with nothing carried over.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
  private static final RoomId HEALTHY = RoomId.of("healthy");
  private Fixture fixture;
  private RoomHandle alice;
  private RecordingListener bobEvents;

  @BeforeAll
  void start() throws Exception {
    fixture =
        new Fixture(
            b ->
                b.transport(CloseRecordingTransport.NAME)
                    .requestRate(50, 100)
                    .handshakeTimeout(Duration.ofMillis(800))
                    .connectTimeout(Duration.ofSeconds(2)));
    ChatSession a = fixture.connect("alice", new RecordingListener());
    bobEvents = new RecordingListener();
    ChatSession b = fixture.connect("bob", bobEvents);
    alice = a.join(HEALTHY).get(10, TimeUnit.SECONDS);
    b.join(HEALTHY).get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  @AfterEach
  void othersStillChat(TestInfo test) throws Exception {
    // Nothing the hostile client did outlives it: only alice's and bob's sessions remain.
    RecordingListener.await(
        () -> fixture.server.sessionCount() == 2,
        Duration.ofSeconds(10),
        () -> "sessions back to 2, now " + fixture.server.sessionCount());
    String text = "still here after " + test.getDisplayName();
    alice.send(text).get(10, TimeUnit.SECONDS);
    RecordingListener.await(
        () -> bobEvents.messages(HEALTHY).stream().anyMatch(m -> m.text().equals(text)),
        Duration.ofSeconds(10),
        () -> "bob to get '" + text + "'");
    assertThat(bobEvents.messages(HEALTHY))
        .extracting(ChatMessage::seq)
        .doesNotHaveDuplicates()
        .isSorted();
  }

  @Test
  void randomBytesGetMalformedFrameAndTheConnectionStays() throws Exception {
    try (RawWebSocket ws = RawClients.connected(fixture.server, "fuzzy")) {
      Random random = new Random(11);
      for (int i = 0; i < 5; i++) {
        byte[] junk = new byte[1 + random.nextInt(200)];
        random.nextBytes(junk);
        junk[0] = (byte) 0xff; // field 31, wire type 7: never valid
        ws.sendBinary(junk);
        assertThat(RawClients.await(ws, Envelope.BodyCase.ERROR).getError().getCode())
            .isEqualTo(ErrorCode.MALFORMED_FRAME.code());
      }
      ws.sendBinary(
          Envelope.newBuilder()
              .setRequestId(9)
              .setPing(Ping.newBuilder().setNonce(3))
              .build()
              .toByteArray());
      assertThat(RawClients.await(ws, Envelope.BodyCase.PONG).getRequestId()).isEqualTo(9);
    }
  }

  @Test
  void truncatedProtobufGetsMalformedFrame() throws Exception {
    try (RawWebSocket ws = RawClients.connected(fixture.server, "trunc")) {
      byte[] whole =
          Envelope.newBuilder()
              .setRequestId(5)
              .setSend(
                  Send.newBuilder()
                      .setRoom("healthy")
                      .setClientMessageId("c")
                      .setText("hello there"))
              .build()
              .toByteArray();
      ws.sendBinary(java.util.Arrays.copyOf(whole, whole.length - 4));
      assertThat(RawClients.await(ws, Envelope.BodyCase.ERROR).getError().getCode())
          .isEqualTo(ErrorCode.MALFORMED_FRAME.code());
    }
  }

  @Test
  void invalidJsonGetsMalformedFrameAndUnknownTypeUnsupported() throws Exception {
    try (RawWebSocket ws =
        RawWebSocket.connect(fixture.server.address(), "/chat", Protocol.SUBPROTOCOL_JSON)) {
      assertThat(ws.acceptedSubprotocol()).isEqualTo(Protocol.SUBPROTOCOL_JSON);
      ws.sendText("{\"requestId\":\"1\",\"connect\":{\"protocolVersion\":1,\"token\":\"jay\"}}");
      assertThat(nextText(ws)).contains("\"welcome\"");
      ws.sendText("{this is not json");
      String error = nextText(ws);
      assertThat(error).contains("\"code\":" + ErrorCode.MALFORMED_FRAME.code());
      ws.sendText("{\"requestId\":\"2\",\"teleport\":{\"to\":\"mars\"}}");
      assertThat(nextText(ws)).contains("\"code\":" + ErrorCode.UNSUPPORTED_MESSAGE.code());
    }
  }

  @Test
  void unknownBinaryMessageTypeIsUnsupported() throws Exception {
    try (RawWebSocket ws = RawClients.connected(fixture.server, "future")) {
      ws.sendBinary(new byte[] {0x08, 0x07, (byte) 0x9a, 0x06, 0x00}); // request 7, field 99
      assertThat(RawClients.await(ws, Envelope.BodyCase.ERROR).getError().getCode())
          .isEqualTo(ErrorCode.UNSUPPORTED_MESSAGE.code());
    }
  }

  @Test
  void oversizedTextAndRoomNamesAreRefused() throws Exception {
    try (RawWebSocket ws = RawClients.connected(fixture.server, "wordy")) {
      RawClients.join(ws, "wordy-room");
      RawClients.await(ws, Envelope.BodyCase.JOINED);
      ws.sendBinary(
          Envelope.newBuilder()
              .setRequestId(3)
              .setSend(
                  Send.newBuilder()
                      .setRoom("wordy-room")
                      .setClientMessageId("big")
                      .setText("é".repeat(Protocol.DEFAULT_MAX_TEXT_BYTES / 2 + 1)))
              .build()
              .toByteArray());
      var tooLarge = RawClients.await(ws, Envelope.BodyCase.ERROR);
      assertThat(tooLarge.getRequestId()).isEqualTo(3);
      assertThat(tooLarge.getError().getCode()).isEqualTo(ErrorCode.TOO_LARGE.code());
      RawClients.join(ws, "r".repeat(RoomId.MAX_LENGTH + 1));
      assertThat(RawClients.await(ws, Envelope.BodyCase.ERROR).getError().getCode())
          .isEqualTo(ErrorCode.INVALID_ARGUMENT.code());
    }
  }

  @Test
  void sendToARoomNotJoinedIsRefused() throws Exception {
    try (RawWebSocket ws = RawClients.connected(fixture.server, "intruder")) {
      ws.sendBinary(
          Envelope.newBuilder()
              .setRequestId(4)
              .setSend(
                  Send.newBuilder().setRoom(HEALTHY.value()).setClientMessageId("x").setText("boo"))
              .build()
              .toByteArray());
      var error = RawClients.await(ws, Envelope.BodyCase.ERROR);
      assertThat(error.getError().getCode()).isEqualTo(ErrorCode.NOT_A_MEMBER.code());
      assertThat(error.getError().getRoom()).isEqualTo(HEALTHY.value());
    }
    assertThat(bobEvents.messages(HEALTHY)).extracting(ChatMessage::text).doesNotContain("boo");
  }

  @Test
  void aFloodIsRateLimitedThenClosed() throws Exception {
    try (RawWebSocket ws = RawClients.connected(fixture.server, "flooder")) {
      byte[] ping = Envelope.newBuilder().setPing(Ping.getDefaultInstance()).build().toByteArray();
      boolean limited = false;
      for (int i = 0; i < 3_000; i++) {
        ws.sendBinary(ping);
      }
      int code = -1;
      // Every frame the server sends answers one of the pings or ends the connection, so this
      // reads a bounded number of frames, each within 2 s; no deadline loop needed.
      for (int frames = 0; frames <= 3_001 && code == -1; frames++) {
        RawWebSocket.Frame frame = ws.readFrame(2_000);
        if (frame == null) {
          code = 1006;
        } else if (frame.opcode() == RawWebSocket.CLOSE) {
          code = frame.closeCode();
        } else if (frame.opcode() == RawWebSocket.BINARY) {
          Envelope e = Envelope.parseFrom(frame.payload());
          if (e.hasError() && e.getError().getCode() == ErrorCode.RATE_LIMITED.code()) {
            limited = true;
          }
        }
      }
      assertThat(limited).isTrue();
      assertThat(code).isEqualTo(CloseCodes.FLOODING);
    }
  }

  @Test
  void aFrameOverTheSizeLimitClosesWith1009() throws Exception {
    List<CloseRecordingTransport.Close> serverCloses =
        CloseRecordingTransport.closesOf(fixture.server.address());
    int closesBefore = serverCloses.size();
    try (RawWebSocket ws = RawClients.connected(fixture.server, "huge")) {
      boolean writeFailed = false;
      try {
        ws.sendBinary(new byte[Protocol.DEFAULT_MAX_FRAME_BYTES + 1]);
      } catch (IOException e) {
        // Correct too: the server may close as soon as the frame's header announces too many
        // bytes, while this client is still writing them ("Broken pipe", "Connection reset").
        writeFailed = true;
      }
      int code = ws.awaitClose(5_000);
      // The close frame is read when it arrives before the connection ends; a server that closes
      // with unread input resets the connection, and the reset can discard the frame (1006 here).
      assertThat(code)
          .as("close code read by the client (write failed: %s)", writeFailed)
          .isIn(CloseCodes.MESSAGE_TOO_BIG, 1006);
    }
    // Whatever the client could read, the server itself closed the connection because of the size:
    // the hostile connection is the only one closed during this test.
    RecordingListener.await(
        () -> serverCloses.size() > closesBefore,
        Duration.ofSeconds(10),
        () -> "the server to report the close");
    assertThat(serverCloses.subList(closesBefore, serverCloses.size()))
        .containsExactly(new CloseRecordingTransport.Close(CloseCodes.MESSAGE_TOO_BIG, false));
  }

  @Test
  void aHeaderAnnouncingExabytesClosesWithoutAllocating() throws Exception {
    long heapBefore = usedHeap();
    try (RawWebSocket ws = RawClients.connected(fixture.server, "liar")) {
      ws.sendHeaderOnly(RawWebSocket.BINARY, Long.MAX_VALUE >>> 1);
      assertThat(ws.awaitClose(5_000))
          .isIn(CloseCodes.MESSAGE_TOO_BIG, CloseCodes.PROTOCOL_ERROR, 1006);
    }
    assertThat(usedHeap() - heapBefore).isLessThan(256L * 1024 * 1024);
  }

  @Test
  void fragmentsCannotBypassTheSizeLimit() throws Exception {
    try (RawWebSocket ws = RawClients.connected(fixture.server, "sneaky")) {
      byte[] chunk = new byte[1024];
      ws.sendFrame(RawWebSocket.BINARY, false, chunk);
      int code = -1;
      for (int i = 0; i < 100 && code == -1; i++) {
        try {
          ws.sendFrame(RawWebSocket.CONTINUATION, false, chunk);
        } catch (java.io.IOException closed) {
          break;
        }
      }
      code = ws.awaitClose(5_000);
      assertThat(code).isIn(CloseCodes.MESSAGE_TOO_BIG, CloseCodes.PROTOCOL_ERROR);
    }
  }

  @Test
  void endlessEmptyFragmentsAreCut() throws Exception {
    try (RawWebSocket ws = RawClients.connected(fixture.server, "drip")) {
      ws.sendFrame(RawWebSocket.BINARY, false, new byte[0]);
      for (int i = 0; i < 10_000; i++) {
        try {
          ws.sendFrame(RawWebSocket.CONTINUATION, false, new byte[0]);
        } catch (java.io.IOException closed) {
          break;
        }
      }
      assertThat(ws.awaitClose(5_000))
          .isIn(CloseCodes.PROTOCOL_ERROR, CloseCodes.MESSAGE_TOO_BIG, 1006);
    }
  }

  @Test
  void aHandshakeWithEndlessHeadersIsRefused() throws Exception {
    try (RawWebSocket ws = RawWebSocket.open(fixture.server.address(), 0)) {
      StringBuilder headers = new StringBuilder();
      for (int i = 0; i < 2_000; i++) {
        headers.append("X-Padding-").append(i).append(": ").append("p".repeat(64)).append("\r\n");
      }
      int status;
      try {
        status = ws.handshake("/chat", Protocol.SUBPROTOCOL_PROTOBUF, headers.toString());
      } catch (java.io.IOException refused) {
        status = -1;
      }
      assertThat(status).isNotEqualTo(101);
      assertThat(ws.isEndOfStream()).isTrue();
    }
  }

  @Test
  void aHandshakeThatNeverCompletesIsClosed() throws Exception {
    try (RawWebSocket ws = RawWebSocket.open(fixture.server.address(), 0)) {
      ws.sendRaw("GET /chat HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      RecordingListener.await(
          ws::isEndOfStream, Duration.ofSeconds(10), () -> "server to drop the socket");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
    }
  }

  @Test
  void aFirstFrameOtherThanConnectClosesWith4000() throws Exception {
    try (RawWebSocket ws =
        RawWebSocket.connect(fixture.server.address(), "/chat", Protocol.SUBPROTOCOL_PROTOBUF)) {
      ws.sendBinary(
          Envelope.newBuilder()
              .setRequestId(1)
              .setPing(Ping.getDefaultInstance())
              .build()
              .toByteArray());
      assertThat(RawClients.await(ws, Envelope.BodyCase.ERROR).getError().getCode())
          .isEqualTo(ErrorCode.NOT_CONNECTED.code());
      assertThat(ws.awaitClose(5_000)).isEqualTo(CloseCodes.PROTOCOL_VIOLATION);
    }
  }

  @Test
  void noConnectWithinTheDeadlineClosesWith4002() throws Exception {
    try (RawWebSocket ws =
        RawWebSocket.connect(fixture.server.address(), "/chat", Protocol.SUBPROTOCOL_PROTOBUF)) {
      assertThat(ws.awaitClose(5_000)).isEqualTo(CloseCodes.CONNECT_TIMEOUT);
    }
  }

  @Test
  void refusedCredentialsCloseWith4001() throws Exception {
    try (RawWebSocket ws =
        RawWebSocket.connect(fixture.server.address(), "/chat", Protocol.SUBPROTOCOL_PROTOBUF)) {
      ws.sendBinary(
          Envelope.newBuilder()
              .setRequestId(1)
              .setConnect(Connect.newBuilder().setProtocolVersion(1).setToken("no spaces allowed"))
              .build()
              .toByteArray());
      assertThat(RawClients.await(ws, Envelope.BodyCase.ERROR).getError().getCode())
          .isEqualTo(ErrorCode.AUTHENTICATION_FAILED.code());
      assertThat(ws.awaitClose(5_000)).isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
    }
  }

  private static String nextText(RawWebSocket ws) throws Exception {
    while (true) {
      RawWebSocket.Frame frame = ws.readFrame(5_000);
      assertThat(frame).as("a text frame").isNotNull();
      if (frame.opcode() == RawWebSocket.TEXT) {
        return new String(frame.payload(), StandardCharsets.UTF_8);
      }
    }
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
