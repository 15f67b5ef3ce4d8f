package dev.parley.chat.testkit.transport;

import static dev.parley.chat.testkit.transport.ConformanceHarness.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.spi.OriginPolicy;
import dev.parley.chat.spi.ServerTransport;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.spi.TransportConnection;
import dev.parley.chat.spi.WebSocketCompression;
import dev.parley.chat.testkit.net.RawWebSocket;
import dev.parley.chat.testkit.transport.RecordingTransportHandler.Closed;
import dev.parley.chat.testkit.transport.WebSocketTestClient.Attempt;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link ServerTransportProvider} keeps, checked over real loopback sockets:
 * subclass it in your transport's tests and implement {@link #provider()}. Clients are the JDK's
 * {@link java.net.http.WebSocket} (a well-behaved peer) and {@link RawWebSocket} (a peer that sends
 * what no library would). Every test starts its own transport on 127.0.0.1, port 0, with {@link
 * #baseConfig()} or a variation of it, and closes it afterwards.
 *
 * <p>After each test the suite checks, through {@link RecordingTransportHandler}, that handler
 * calls for a connection never overlapped, came in order (open, messages, one close), never ran on
 * the test's own thread, and that every opened connection got exactly one {@code onClose} once the
 * transport was closed.
 *
 * <p>Not thread-safe: JUnit runs one test at a time per instance.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
public abstract class ServerTransportConformanceSuite {
  /** The endpoint path every test uses. */
  protected static final String PATH = "/conformance";

  /** How long a test waits for something that should happen at once. */
  protected static final Duration WAIT = Duration.ofSeconds(5);

  /**
   * The bound on "at once" where it matters that something did not wait for a timer: well under the
   * base config's handshake timeout and ping interval.
   */
  protected static final Duration PROMPTLY = Duration.ofSeconds(1);

  private static final String PROTO = Protocol.SUBPROTOCOL_PROTOBUF;
  private static final String JSON = Protocol.SUBPROTOCOL_JSON;

  private RecordingTransportHandler handler;
  private ConformanceHarness harness;

  /** The transport under test. */
  protected abstract ServerTransportProvider provider();

  /**
   * The configuration most tests use: small limits so they are cheap to cross. Override to adapt
   * the timings to a slow transport; tests that need another limit change only that one.
   */
  protected ServerTransportConfig baseConfig() {
    return new ServerTransportConfig(
        new InetSocketAddress("127.0.0.1", 0),
        PATH,
        List.of(PROTO, JSON),
        4096,
        8,
        2048,
        Duration.ofSeconds(2),
        Duration.ofSeconds(2),
        64);
  }

  /**
   * Whether {@code thread} belongs to the test's clients rather than to the transport, for the
   * thread-leak checks. Override if your transport's tests start threads of their own.
   */
  protected boolean isClientThread(Thread thread) {
    String name = thread.getName();
    return name.startsWith("HttpClient-")
        || name.startsWith("ForkJoinPool")
        || name.contains("junit");
  }

  @BeforeEach
  final void createHarness() {
    handler = new RecordingTransportHandler();
    handler.forbidCallbacksOn(Thread.currentThread());
    harness = new ConformanceHarness(provider(), handler, PATH, PROTO);
  }

  @AfterEach
  final void closeHarnessAndCheckTheContract() throws Exception {
    harness.closeAll();
    handler.assertNoViolations();
    handler.assertEveryConnectionClosedOnce();
  }

  /** Starts the transport with {@code config}; the suite closes it after the test. */
  protected final ServerTransport start(ServerTransportConfig config) throws IOException {
    return harness.start(config);
  }

  /** The handler the transport reports to. */
  protected final RecordingTransportHandler handler() {
    return handler;
  }

  private ConfigBuilder configWith() {
    return new ConfigBuilder(baseConfig());
  }

  // --- permessage-deflate ---------------------------------------------------------------------

  /** What a browser offers. */
  private static final String BROWSER_OFFER = "permessage-deflate; client_max_window_bits";

  private ServerTransportConfig compressed(WebSocketCompression compression) {
    return configWith().compression(compression).build();
  }

  /** The next connection to open, with its {@code onOpen} taken. */
  private TransportConnection nextOpened() throws InterruptedException {
    TransportConnection connection = handler.awaitOpen(WAIT);
    handler.awaitOpened(connection, WAIT);
    return connection;
  }

  /** A raw peer that upgraded offering {@code offer} (no header when {@code null}). */
  private DeflatePeer deflatePeer(String offer) throws IOException {
    DeflatePeer peer = harness.track(DeflatePeer.connect(harness.address(), PATH, PROTO, offer));
    assertThat(peer.status()).as("upgrade status").isEqualTo(101);
    return peer;
  }

  /** Text like a chat frame: compresses well, and repeats itself from message to message. */
  private static String chatLike(int length, int seed) {
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (text.length() < length) {
      text.append("{\"room\":\"lobby\",\"user\":\"user-")
          .append((seed * 31 + i++) % 97)
          .append("\",\"text\":\"hello there, message ")
          .append(seed)
          .append("\"}");
    }
    return text.substring(0, length);
  }

  @Test
  void compressionIsNegotiatedWhenConfiguredAndOfferedAndNotOtherwise() throws Exception {
    start(compressed(WebSocketCompression.permessageDeflate()));
    DeflatePeer offering = deflatePeer(BROWSER_OFFER);
    assertThat(offering.agreed()).startsWith("permessage-deflate");
    assertThat(offering.agreed()).doesNotContain("client_max_window_bits");

    DeflatePeer silent = deflatePeer(null);
    assertThat(silent.agreed()).as("no offer, no extension").isNull();
    nextOpened();
    TransportConnection connection = nextOpened();
    byte[] payload = chatLike(1000, 1).getBytes(StandardCharsets.UTF_8);
    silent.raw().sendBinary(payload);
    DeflatePeer.Message echo = silent.readMessage((int) WAIT.toMillis());
    assertThat(echo.compressed()).as("RSV1 to a peer that offered nothing").isFalse();
    assertThat(echo.payload()).isEqualTo(payload);
    assertThat(handler.awaitBinary(connection, WAIT)).isEqualTo(payload);

    // offers the server cannot honour are declined; a later acceptable one in the list is taken
    assertThat(deflatePeer("permessage-deflate; server_max_window_bits=10").agreed()).isNull();
    assertThat(deflatePeer("permessage-deflate; unknown_parameter").agreed()).isNull();
    assertThat(deflatePeer("x-webkit-deflate-frame, permessage-deflate").agreed())
        .isEqualTo("permessage-deflate");
  }

  @Test
  void compressionIsNotNegotiatedWhenNotConfigured() throws Exception {
    start(baseConfig());
    DeflatePeer offering = deflatePeer(BROWSER_OFFER);
    assertThat(offering.agreed()).isNull();
    byte[] payload = chatLike(1000, 2).getBytes(StandardCharsets.UTF_8);
    offering.raw().sendBinary(payload);
    DeflatePeer.Message echo = offering.readMessage((int) WAIT.toMillis());
    assertThat(echo.compressed()).isFalse();
    assertThat(echo.payload()).isEqualTo(payload);
    // a compressed frame without the extension breaks the protocol
    offering.sendCompressed(RawWebSocket.BINARY, payload);
    assertThat(offering.awaitClose((int) WAIT.toMillis())).isEqualTo(1002);
  }

  @Test
  void compressedMessagesRoundTripAndOnlyThoseFromTheThresholdAreSentCompressed() throws Exception {
    int threshold = 300;
    start(compressed(WebSocketCompression.permessageDeflate().withMinMessageBytes(threshold)));
    DeflatePeer peer = deflatePeer(BROWSER_OFFER);
    TransportConnection connection = nextOpened();

    String large = chatLike(2000, 3);
    peer.sendCompressed(RawWebSocket.TEXT, large.getBytes(StandardCharsets.UTF_8));
    assertThat(handler.awaitText(connection, WAIT)).isEqualTo(large);
    DeflatePeer.Message echo = peer.readMessage((int) WAIT.toMillis());
    assertThat(echo.opcode()).isEqualTo(RawWebSocket.TEXT);
    assertThat(echo.compressed()).as("RSV1 on a message over the threshold").isTrue();
    assertThat(new String(echo.payload(), StandardCharsets.UTF_8)).isEqualTo(large);
    assertThat(echo.wireBytes()).isLessThan(large.length() / 2);

    byte[] small = chatLike(threshold - 1, 4).getBytes(StandardCharsets.UTF_8);
    peer.sendCompressed(RawWebSocket.BINARY, small);
    assertThat(handler.awaitBinary(connection, WAIT)).isEqualTo(small);
    echo = peer.readMessage((int) WAIT.toMillis());
    assertThat(echo.compressed()).as("RSV1 on a message under the threshold").isFalse();
    assertThat(echo.payload()).isEqualTo(small);

    byte[] atThreshold = chatLike(threshold, 5).getBytes(StandardCharsets.UTF_8);
    peer.raw().sendBinary(atThreshold); // a peer may send uncompressed messages too
    assertThat(handler.awaitBinary(connection, WAIT)).isEqualTo(atThreshold);
    echo = peer.readMessage((int) WAIT.toMillis());
    assertThat(echo.compressed()).isTrue();
    assertThat(echo.payload()).isEqualTo(atThreshold);

    byte[] fragmented = chatLike(3000, 6).getBytes(StandardCharsets.UTF_8);
    peer.sendCompressedInParts(RawWebSocket.BINARY, fragmented, 3);
    assertThat(handler.awaitBinary(connection, WAIT)).isEqualTo(fragmented);
    assertThat(peer.readMessage((int) WAIT.toMillis()).payload()).isEqualTo(fragmented);
  }

  @Test
  void pingBetweenTheFramesOfACompressedMessageLeavesItIntact() throws Exception {
    start(compressed(WebSocketCompression.permessageDeflate()));
    DeflatePeer peer = deflatePeer(BROWSER_OFFER);
    TransportConnection connection = nextOpened();
    String message = chatLike(3000, 13);
    byte[] compressedMessage = peer.compress(message.getBytes(StandardCharsets.UTF_8));
    int third = compressedMessage.length / 3;
    peer.raw()
        .sendFrame(RawWebSocket.TEXT, false, 4, Arrays.copyOfRange(compressedMessage, 0, third));
    peer.raw().sendFrame(RawWebSocket.PING, true, new byte[] {1});
    peer.raw()
        .sendFrame(
            RawWebSocket.CONTINUATION,
            false,
            Arrays.copyOfRange(compressedMessage, third, 2 * third));
    peer.raw().sendFrame(RawWebSocket.PING, true, new byte[] {2});
    peer.raw()
        .sendFrame(
            RawWebSocket.CONTINUATION,
            true,
            Arrays.copyOfRange(compressedMessage, 2 * third, compressedMessage.length));
    String next = chatLike(500, 14);
    peer.sendCompressed(RawWebSocket.TEXT, next.getBytes(StandardCharsets.UTF_8));
    assertThat(handler.awaitText(connection, WAIT)).isEqualTo(message);
    assertThat(handler.awaitText(connection, WAIT)).isEqualTo(next);
    assertThat(
            new String(peer.readMessage((int) WAIT.toMillis()).payload(), StandardCharsets.UTF_8))
        .isEqualTo(message);
  }

  private void roundTripsSeveralMessages(DeflatePeer peer, TransportConnection connection)
      throws Exception {
    for (int i = 0; i < 6; i++) {
      String message = chatLike(600 + 50 * i, i % 2);
      peer.sendCompressed(RawWebSocket.TEXT, message.getBytes(StandardCharsets.UTF_8));
      assertThat(handler.awaitText(connection, WAIT)).as("message %d", i).isEqualTo(message);
      DeflatePeer.Message echo = peer.readMessage((int) WAIT.toMillis());
      assertThat(echo.compressed()).isTrue();
      assertThat(new String(echo.payload(), StandardCharsets.UTF_8))
          .as("echo %d", i)
          .isEqualTo(message);
    }
  }

  @Test
  void contextTakeoverOnBothSidesWorksAcrossMessages() throws Exception {
    start(compressed(WebSocketCompression.permessageDeflate()));
    DeflatePeer peer = deflatePeer(BROWSER_OFFER);
    assertThat(peer.agreed()).isEqualTo("permessage-deflate");
    roundTripsSeveralMessages(peer, nextOpened());
  }

  @Test
  void contextTakeoverOffOnBothSidesWorksAcrossMessages() throws Exception {
    start(
        compressed(
            WebSocketCompression.permessageDeflate()
                .withServerContextTakeover(false)
                .withClientContextTakeover(false)));
    DeflatePeer peer = deflatePeer(BROWSER_OFFER);
    assertThat(peer.agreed())
        .contains("server_no_context_takeover")
        .contains("client_no_context_takeover");
    assertThat(peer.clientContextTakeover()).isFalse();
    roundTripsSeveralMessages(peer, nextOpened());
  }

  @Test
  void clientAskingForServerNoContextTakeoverGetsIt() throws Exception {
    start(compressed(WebSocketCompression.permessageDeflate()));
    DeflatePeer peer =
        deflatePeer("permessage-deflate; server_no_context_takeover; server_max_window_bits=15");
    assertThat(peer.agreed())
        .contains("server_no_context_takeover")
        .contains("server_max_window_bits=15")
        .doesNotContain("client_no_context_takeover");
    roundTripsSeveralMessages(peer, nextOpened());
  }

  @Test
  void decompressionBombClosesWith1009AndOtherConnectionsKeepWorking() throws Exception {
    int limit = 128 * 1024;
    start(
        configWith()
            .maxMessageBytes(limit)
            .compression(WebSocketCompression.permessageDeflate())
            .build());
    WebSocketTestClient bystander = harness.client(PROTO);
    TransportConnection bystanderConnection = nextOpened();

    DeflatePeer bomber = deflatePeer(BROWSER_OFFER);
    TransportConnection bomberConnection = nextOpened();
    byte[] bomb = zerosDeflated(100 << 20);
    assertThat(bomb.length).as("bomb fits a frame").isLessThan(limit);
    bomber.raw().sendFrame(RawWebSocket.BINARY, true, 4, bomb);
    assertThat(bomber.awaitClose((int) WAIT.toMillis())).isEqualTo(1009);
    assertThat(handler.awaitClose(bomberConnection, WAIT).code()).isEqualTo(1009);

    bystander.sendBinary(bytes(100, 8));
    assertThat(bystander.awaitBinary(WAIT)).isEqualTo(bytes(100, 8));
    assertThat(handler.awaitBinary(bystanderConnection, WAIT)).isEqualTo(bytes(100, 8));
    DeflatePeer next = deflatePeer(BROWSER_OFFER);
    byte[] payload = chatLike(1000, 9).getBytes(StandardCharsets.UTF_8);
    next.sendCompressed(RawWebSocket.BINARY, payload);
    assertThat(next.readMessage((int) WAIT.toMillis()).payload()).isEqualTo(payload);
  }

  @Test
  void compressedMessageInflatingOneByteOverTheLimitClosesWith1009() throws Exception {
    ServerTransportConfig config = compressed(WebSocketCompression.permessageDeflate());
    start(config);
    DeflatePeer peer = deflatePeer(BROWSER_OFFER);
    TransportConnection connection = nextOpened();
    byte[] largest = chatLike(config.maxMessageBytes(), 10).getBytes(StandardCharsets.UTF_8);
    peer.sendCompressed(RawWebSocket.BINARY, largest);
    assertThat(handler.awaitBinary(connection, WAIT)).isEqualTo(largest);
    assertThat(peer.readMessage((int) WAIT.toMillis()).payload()).isEqualTo(largest);

    byte[] over = chatLike(config.maxMessageBytes() + 1, 11).getBytes(StandardCharsets.UTF_8);
    peer.sendCompressedInParts(RawWebSocket.BINARY, over, 2);
    assertThat(peer.awaitClose((int) WAIT.toMillis())).isEqualTo(1009);
    assertThat(handler.awaitClose(connection, WAIT).code()).isEqualTo(1009);
  }

  /** {@code length} zero bytes deflated, fed in steps so that they never exist at once. */
  private static byte[] zerosDeflated(int length) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] zeros = new byte[1 << 20];
      byte[] chunk = new byte[64 * 1024];
      for (int fed = 0; fed < length; fed += zeros.length) {
        deflater.setInput(zeros, 0, Math.min(zeros.length, length - fed));
        while (!deflater.needsInput()) {
          out.write(chunk, 0, deflater.deflate(chunk, 0, chunk.length, Deflater.NO_FLUSH));
        }
      }
      int produced;
      do {
        produced = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
        out.write(chunk, 0, produced);
      } while (produced == chunk.length);
      byte[] all = out.toByteArray();
      return Arrays.copyOf(all, all.length - 4); // the tail the receiver appends
    } finally {
      deflater.end();
    }
  }

  @Test
  void invalidDeflateDataClosesWith1007() throws Exception {
    start(compressed(WebSocketCompression.permessageDeflate()));
    DeflatePeer peer = deflatePeer(BROWSER_OFFER);
    TransportConnection connection = nextOpened();
    // 0xff: a final block of the reserved type 3, which no inflater accepts
    peer.raw().sendFrame(RawWebSocket.TEXT, true, 4, new byte[] {(byte) 0xff, 0x12, 0x34, 0x56});
    assertThat(peer.awaitClose((int) WAIT.toMillis())).isEqualTo(1007);
    assertThat(handler.awaitEvent(connection, WAIT))
        .as("no message delivered, the close reported")
        .isInstanceOfSatisfying(Closed.class, closed -> assertThat(closed.code()).isEqualTo(1007));
  }

  @Test
  void rsvBitsOtherThanRsv1OnAFirstDataFrameCloseWith1002() throws Exception {
    start(compressed(WebSocketCompression.permessageDeflate()));
    byte[] compressedPart = deflatePeer(BROWSER_OFFER).compress(bytes(10, 12));
    int[][] frames = {
      {RawWebSocket.BINARY, 2}, // RSV2
      {RawWebSocket.BINARY, 1}, // RSV3
      {RawWebSocket.PING, 4}, // RSV1 on a control frame
    };
    for (int[] frame : frames) {
      DeflatePeer peer = deflatePeer(BROWSER_OFFER);
      peer.raw().sendFrame(frame[0], true, frame[1], compressedPart);
      assertThat(peer.awaitClose((int) WAIT.toMillis()))
          .as("opcode %d, rsv %d", frame[0], frame[1])
          .isEqualTo(1002);
    }
    DeflatePeer continuation = deflatePeer(BROWSER_OFFER);
    continuation.raw().sendFrame(RawWebSocket.BINARY, false, 4, compressedPart);
    continuation.raw().sendFrame(RawWebSocket.CONTINUATION, true, 4, new byte[] {0});
    assertThat(continuation.awaitClose((int) WAIT.toMillis()))
        .as("RSV1 on a continuation frame")
        .isEqualTo(1002);
  }

  // --- messages -------------------------------------------------------------------------------

  @Test
  void echoesBinaryAndTextMessages() throws Exception {
    start(baseConfig());
    WebSocketTestClient client = harness.client(PROTO);
    TransportConnection connection = handler.awaitOpen(WAIT);
    assertThat(connection.isOpen()).isTrue();
    assertThat(connection.remoteAddress().getAddress().isLoopbackAddress()).isTrue();

    byte[] payload = bytes(1000, 1);
    client.sendBinary(payload);
    assertThat(client.awaitBinary(WAIT)).isEqualTo(payload);
    client.sendText("héllo ✓ 𝄞");
    assertThat(client.awaitText(WAIT)).isEqualTo("héllo ✓ 𝄞");
    client.sendBinary(new byte[0]);
    assertThat(client.awaitBinary(WAIT)).isEmpty();

    handler.awaitOpened(connection, WAIT);
    assertThat(handler.awaitBinary(connection, WAIT)).isEqualTo(payload);
    assertThat(handler.awaitText(connection, WAIT)).isEqualTo("héllo ✓ 𝄞");
    assertThat(handler.awaitBinary(connection, WAIT)).isEmpty();
  }

  @Test
  void messageAtTheSizeLimitIsDeliveredAndOneByteMoreClosesWith1009() throws Exception {
    ServerTransportConfig config = baseConfig();
    start(config);
    WebSocketTestClient client = harness.client(PROTO);
    TransportConnection connection = handler.awaitOpen(WAIT);
    byte[] largest = bytes(config.maxMessageBytes(), 2);
    client.sendBinary(largest);
    assertThat(client.awaitBinary(WAIT)).isEqualTo(largest);

    client.sendBinary(bytes(config.maxMessageBytes() + 1, 3));
    assertThat(client.awaitClosure(WAIT).code()).isEqualTo(1009);
    Closed closed = handler.awaitClose(connection, WAIT);
    assertThat(closed.code()).isEqualTo(1009);
    assertThat(closed.remote()).isFalse();
  }

  @Test
  void oversizedTextMessageClosesWith1009() throws Exception {
    ServerTransportConfig config = baseConfig();
    start(config);
    WebSocketTestClient client = harness.client(JSON);
    TransportConnection connection = handler.awaitOpen(WAIT);
    client.sendText("é".repeat(config.maxMessageBytes() / 2 + 1)); // 2 UTF-8 bytes each
    assertThat(client.awaitClosure(WAIT).code()).isEqualTo(1009);
    assertThat(handler.awaitClose(connection, WAIT).code()).isEqualTo(1009);
  }

  @Test
  void fragmentedMessageOverTheSizeLimitClosesWith1009() throws Exception {
    ServerTransportConfig config = baseConfig();
    start(config);
    WebSocketTestClient client = harness.client(PROTO);
    TransportConnection connection = handler.awaitOpen(WAIT);
    int part = config.maxMessageBytes() / 3 + 1;
    client.sendBinaryPart(bytes(part, 4), false);
    client.sendBinaryPart(bytes(part, 5), false);
    client.sendBinaryPart(bytes(part, 6), false);
    assertThat(client.awaitClosure(WAIT).code()).isEqualTo(1009);
    assertThat(handler.awaitClose(connection, WAIT).code()).isEqualTo(1009);
  }

  @Test
  void frameHeaderAnnouncingAHugePayloadClosesWith1009AtOnce() throws Exception {
    start(baseConfig());
    for (long announced : new long[] {Integer.MAX_VALUE - 1L, 1L << 40}) {
      RawWebSocket raw = harness.rawUpgraded();
      TransportConnection connection = handler.awaitOpen(WAIT);
      raw.sendHeaderOnly(RawWebSocket.BINARY, announced);
      assertThat(raw.awaitClose((int) WAIT.toMillis()))
          .as("announced %d", announced)
          .isEqualTo(1009);
      assertThat(handler.awaitClose(connection, WAIT).code()).isEqualTo(1009);
    }
    WebSocketTestClient client = harness.client(PROTO);
    client.sendBinary(bytes(10, 7));
    assertThat(client.awaitBinary(WAIT)).as("transport still serves").isEqualTo(bytes(10, 7));
  }

  @Test
  void fragmentedMessageWithinTheLimitsIsReassembled() throws Exception {
    ServerTransportConfig config = baseConfig();
    start(config);
    RawWebSocket raw = harness.rawUpgraded();
    TransportConnection connection = handler.awaitOpen(WAIT);
    int frames = config.maxFragmentsPerMessage();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < frames; i++) {
      String part = i % 2 == 0 ? "part" + i : "";
      expected.append(part);
      int opcode = i == 0 ? RawWebSocket.TEXT : RawWebSocket.CONTINUATION;
      raw.sendFrame(opcode, i == frames - 1, part.getBytes(StandardCharsets.UTF_8));
      if (i == 1) {
        raw.sendFrame(RawWebSocket.PING, true, new byte[] {1}); // control frames may interleave
      }
    }
    handler.awaitOpened(connection, WAIT);
    assertThat(handler.awaitText(connection, WAIT)).isEqualTo(expected.toString());
  }

  @Test
  void messageInTooManyFragmentsClosesWith1002() throws Exception {
    ServerTransportConfig config = baseConfig();
    start(config);
    RawWebSocket raw = harness.rawUpgraded();
    TransportConnection connection = handler.awaitOpen(WAIT);
    raw.sendFrame(RawWebSocket.BINARY, false, new byte[] {1});
    for (int i = 0; i < config.maxFragmentsPerMessage(); i++) {
      raw.sendFrame(RawWebSocket.CONTINUATION, false, new byte[0]);
    }
    assertThat(raw.awaitClose((int) WAIT.toMillis())).isEqualTo(1002);
    assertThat(handler.awaitClose(connection, WAIT).code()).isEqualTo(1002);
  }

  // --- handshake ------------------------------------------------------------------------------

  @Test
  void subprotocolsAreNegotiatedInTheServersOrder() throws Exception {
    start(baseConfig());
    WebSocketTestClient json = harness.client(JSON);
    assertThat(json.subprotocol()).isEqualTo(JSON);
    assertThat(handler.awaitOpen(WAIT).subprotocol()).isEqualTo(JSON);

    WebSocketTestClient both = harness.client(JSON, PROTO);
    assertThat(both.subprotocol()).isEqualTo(PROTO);
    assertThat(handler.awaitOpen(WAIT).subprotocol()).isEqualTo(PROTO);

    WebSocketTestClient none = harness.client();
    assertThat(none.subprotocol()).as("no header answers a request naming none").isEmpty();
    assertThat(handler.awaitOpen(WAIT).subprotocol()).isEqualTo(PROTO);
  }

  @Test
  void clientAskingOnlyForUnknownSubprotocolsIsRefusedOrGetsTheFirst() throws Exception {
    start(baseConfig());
    String unknown = "parley.v9.proto";
    RawWebSocket raw = harness.rawOpen(0);
    if (RawPeers.handshakeStatus(raw, PATH, unknown, "") == 101) {
      assertThat(raw.acceptedSubprotocol()).as("never echo an unknown subprotocol").isNull();
      assertThat(handler.awaitOpen(WAIT).subprotocol()).isEqualTo(PROTO);
      Attempt attempt =
          WebSocketTestClient.attempt(harness.http(), harness.uri(PATH), List.of(unknown));
      assertThat(attempt.connected()).isTrue();
      harness.track(attempt.client());
    } else {
      assertThat(RawPeers.awaitEndOfStream(raw, WAIT)).isLessThan(PROMPTLY);
      Attempt attempt =
          WebSocketTestClient.attempt(harness.http(), harness.uri(PATH), List.of(unknown));
      assertThat(attempt.connected()).isFalse();
      assertThat(handler.openCount()).isZero();
    }
  }

  @Test
  void onlyTheConfiguredPathIsServedAndRefusedSocketsAreClosed() throws Exception {
    start(baseConfig());
    for (String path : List.of("/elsewhere", PATH + "/more", "/")) {
      RawWebSocket raw = harness.rawOpen(0);
      assertThat(RawPeers.handshakeStatus(raw, path, PROTO, "")).as(path).isEqualTo(404);
      assertThat(RawPeers.awaitEndOfStream(raw, WAIT)).as(path).isLessThan(PROMPTLY);
    }
    InetSocketAddress address = harness.address();
    assertThat(RawPeers.tryUpgrade(address, PATH + "?token=abc", PROTO)).isEqualTo(101);
    assertThat(handler.awaitOpen(WAIT).subprotocol()).isEqualTo(PROTO);
  }

  @Test
  void upgradeRequestOverTheSizeLimitIsRefusedAndClosed() throws Exception {
    ServerTransportConfig config = baseConfig();
    start(config);
    String padding = "X-Padding: " + "a".repeat(config.maxHandshakeBytes()) + "\r\n";
    RawWebSocket raw = harness.rawOpen(0);
    assertThat(RawPeers.handshakeStatus(raw, PATH, PROTO, padding)).isNotEqualTo(101);
    assertThat(RawPeers.awaitEndOfStream(raw, WAIT)).isLessThan(PROMPTLY);

    RawWebSocket endless = harness.rawOpen(0);
    RawPeers.sendQuietly(
        endless, "A".repeat(config.maxHandshakeBytes() + 100).getBytes(StandardCharsets.US_ASCII));
    assertThat(RawPeers.awaitEndOfStream(endless, WAIT))
        .as("refused on size, not at the handshake deadline")
        .isLessThan(PROMPTLY);
    assertThat(handler.openCount()).isZero();
  }

  @Test
  void upgradeRequestJustUnderTheSizeLimitIsAccepted() throws Exception {
    ServerTransportConfig config = baseConfig();
    start(config);
    String padding = "X-Padding: " + "a".repeat(config.maxHandshakeBytes() - 400) + "\r\n";
    RawWebSocket raw = harness.rawOpen(0);
    assertThat(RawPeers.handshakeStatus(raw, PATH, PROTO, padding)).isEqualTo(101);
    assertThat(handler.awaitOpen(WAIT).subprotocol()).isEqualTo(PROTO);
  }

  @Test
  void socketThatNeverCompletesItsUpgradeIsClosedAtTheDeadline() throws Exception {
    Duration deadline = Duration.ofMillis(300);
    start(configWith().handshakeTimeout(deadline).build());
    long opened = System.nanoTime();
    RawWebSocket silent = harness.rawOpen(0);
    RawWebSocket partial = harness.rawOpen(0);
    partial.sendRaw(
        ("GET " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n").getBytes(StandardCharsets.US_ASCII));

    Duration limit = deadline.multipliedBy(2).plusSeconds(1);
    RawPeers.awaitEndOfStream(silent, limit);
    assertThat(Duration.ofNanos(System.nanoTime() - opened))
        .as("not closed before the deadline")
        .isGreaterThanOrEqualTo(deadline);
    RawPeers.awaitEndOfStream(partial, limit);
    assertThat(handler.openCount()).isZero();
  }

  @Test
  void connectionsBeyondTheLimitAreRefused() throws Exception {
    start(configWith().maxConnections(3).build());
    List<RawWebSocket> open = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      open.add(harness.rawUpgraded());
      handler.awaitOpen(WAIT);
    }
    InetSocketAddress address = harness.address();
    assertThat(RawPeers.tryUpgrade(address, PATH, PROTO)).isNotEqualTo(101);

    TransportConnection first = handler.openedConnections().get(0);
    open.get(0).close();
    handler.awaitClose(first, WAIT);
    Poll.until(
        "a freed slot accepts a new connection",
        WAIT,
        () -> RawPeers.tryUpgrade(address, PATH, PROTO) == 101);
  }

  @Test
  void socketsFromOneAddressBeyondItsLimitAreClosedAtAcceptWhileOtherAddressesGetIn()
      throws Exception {
    start(configWith().maxConnectionsPerAddress(2).build());
    InetSocketAddress address = harness.address();
    // counted from accept: three sockets connect before any of them sends a byte, so one of them
    // (whichever the transport took last) is closed without an answer, the other two upgrade
    List<RawWebSocket> three = List.of(harness.rawOpen(0), harness.rawOpen(0), harness.rawOpen(0));
    List<Integer> statuses = new ArrayList<>();
    for (RawWebSocket raw : three) {
      statuses.add(RawPeers.handshakeStatus(raw, PATH, PROTO, ""));
    }
    assertThat(statuses).containsExactlyInAnyOrder(-1, 101, 101);
    Poll.until("two connections open", WAIT, () -> handler.openCount() == 2);
    assertThat(RawPeers.tryUpgrade(address, PATH, PROTO))
        .as("a further socket from 127.0.0.1 is closed without an answer")
        .isEqualTo(-1);
    RawWebSocket first = three.get(statuses.indexOf(101));

    // another address still gets in
    RawWebSocket other;
    try {
      other = harness.track(RawWebSocket.openFrom(address, InetAddress.getByName("127.0.0.2")));
    } catch (IOException e) {
      Assumptions.abort("127.0.0.2 is not a local address here: " + e.getMessage());
      return;
    }
    assertThat(RawPeers.handshakeStatus(other, PATH, PROTO, "")).isEqualTo(101);
    Poll.until("a third connection open", WAIT, () -> handler.openCount() == 3);

    // a freed slot of the first address takes a socket again
    first.close();
    Poll.until(
        "a freed slot of 127.0.0.1 accepts a new connection",
        WAIT,
        () -> RawPeers.tryUpgrade(address, PATH, PROTO) == 101);
  }

  // --- origins (cross-site WebSocket hijacking) --------------------------------------------

  @Test
  void browserPageOfAnotherSiteIsRefusedWith403ByDefault() throws Exception {
    start(baseConfig());
    RawWebSocket raw = harness.rawOpen(0);
    assertThat(RawPeers.handshakeStatus(raw, PATH, PROTO, "Origin: https://evil.example\r\n"))
        .isEqualTo(403);
    assertThat(RawPeers.awaitEndOfStream(raw, WAIT)).isLessThan(PROMPTLY);
    for (String origin : List.of("null", "not an origin", "https://127.0.0.1.evil.example")) {
      RawWebSocket refused = harness.rawOpen(0);
      assertThat(RawPeers.handshakeStatus(refused, PATH, PROTO, "Origin: " + origin + "\r\n"))
          .as(origin)
          .isEqualTo(403);
    }
    assertThat(handler.openCount()).isZero();

    // the same host on another port (a page from the server's HTTP side), and no Origin at all
    RawWebSocket sameHost = harness.rawOpen(0);
    assertThat(RawPeers.handshakeStatus(sameHost, PATH, PROTO, "Origin: http://127.0.0.1:7451\r\n"))
        .isEqualTo(101);
    handler.awaitOpen(WAIT);
    assertThat(RawPeers.tryUpgrade(harness.address(), PATH, PROTO)).isEqualTo(101);
  }

  @Test
  void withAnAllowListOnlyTheListedOriginsMayUpgrade() throws Exception {
    start(
        configWith()
            .originPolicy(OriginPolicy.allowing(List.of("https://chat.example.com")))
            .build());
    int port = harness.address().getPort();
    for (String origin :
        List.of("http://127.0.0.1:" + port, "https://chat.example.com:8443", "null")) {
      RawWebSocket refused = harness.rawOpen(0);
      assertThat(RawPeers.handshakeStatus(refused, PATH, PROTO, "Origin: " + origin + "\r\n"))
          .as(origin)
          .isEqualTo(403);
    }
    assertThat(handler.openCount()).isZero();
    RawWebSocket listed = harness.rawOpen(0);
    assertThat(
            RawPeers.handshakeStatus(
                listed, PATH, PROTO, "Origin: HTTPS://Chat.Example.com:443\r\n"))
        .isEqualTo(101);
    handler.awaitOpen(WAIT);
  }

  @Test
  void anyOriginPolicyLetsEveryPageUpgrade() throws Exception {
    start(configWith().originPolicy(OriginPolicy.anyOrigin()).build());
    RawWebSocket raw = harness.rawOpen(0);
    assertThat(RawPeers.handshakeStatus(raw, PATH, PROTO, "Origin: https://elsewhere.example\r\n"))
        .isEqualTo(101);
    handler.awaitOpen(WAIT);
  }

  // --- liveness -------------------------------------------------------------------------------

  @Test
  void peerThatStopsAnsweringIsDroppedWithinAboutTwoPingIntervals() throws Exception {
    Duration interval = Duration.ofMillis(250);
    start(configWith().pingInterval(interval).build());
    long connected = System.nanoTime();
    harness.rawUpgraded(); // upgrades, then never reads or writes again
    TransportConnection connection = handler.awaitOpen(WAIT);
    Closed closed = handler.awaitClose(connection, interval.multipliedBy(3).plusMillis(500));
    Duration after = Duration.ofNanos(System.nanoTime() - connected);
    assertThat(after)
        .as("not dropped before two intervals")
        .isGreaterThanOrEqualTo(interval.multipliedBy(2));
    assertThat(closed.remote()).isFalse();
  }

  @Test
  void peerThatAnswersPingsStaysConnected() throws Exception {
    Duration interval = Duration.ofMillis(500);
    start(configWith().pingInterval(interval).build());
    WebSocketTestClient client = harness.client(PROTO);
    TransportConnection connection = handler.awaitOpen(WAIT);
    // Generous: on a loaded two-core machine the ping timer can lag well behind its interval.
    Poll.until("three pings arrived", WAIT.multipliedBy(4), () -> client.pingsReceived() >= 3);
    assertThat(handler.isClosed(connection)).isFalse();
    assertThat(client.isClosed()).isFalse();
    client.sendBinary(bytes(5, 8));
    assertThat(client.awaitBinary(WAIT)).isEqualTo(bytes(5, 8));
  }

  // --- lifecycle and threading ----------------------------------------------------------------

  @Test
  void eventsArriveInOrderAndThePeersCloseIsReportedOnce() throws Exception {
    start(baseConfig());
    WebSocketTestClient client = harness.client(PROTO);
    TransportConnection connection = handler.awaitOpen(WAIT);
    for (int i = 0; i < 50; i++) {
      client.sendBinary(new byte[] {(byte) i});
    }
    client.sendClose(1000, "done");
    handler.awaitOpened(connection, WAIT);
    for (int i = 0; i < 50; i++) {
      assertThat(handler.awaitBinary(connection, WAIT)).containsExactly((byte) i);
    }
    Closed closed = handler.awaitClose(connection, WAIT);
    assertThat(closed.code()).isEqualTo(1000);
    assertThat(closed.remote()).isTrue();
    assertThat(connection.isOpen()).isFalse();
    assertThat(connection.sendBinary(ByteBuffer.wrap(new byte[1]))).isFalse();
    assertThat(connection.sendText("late")).isFalse();
  }

  @Test
  void abruptDisconnectIsReportedOnce() throws Exception {
    start(baseConfig());
    RawWebSocket raw = harness.rawUpgraded();
    TransportConnection connection = handler.awaitOpen(WAIT);
    raw.sendBinary(new byte[] {42});
    handler.awaitOpened(connection, WAIT);
    assertThat(handler.awaitBinary(connection, WAIT)).containsExactly(42);
    raw.close();
    Closed closed = handler.awaitClose(connection, WAIT);
    assertThat(closed.code()).isNotEqualTo(1000);
  }

  @Test
  void peerCloseFollowedAtOnceByEndOfStreamKeepsItsMessagesAndCode() throws Exception {
    start(baseConfig());
    handler.echo(false);
    for (int round = 0; round < 10; round++) {
      RawWebSocket raw = harness.rawUpgraded();
      TransportConnection connection = handler.awaitOpen(WAIT);
      for (int i = 0; i < 5; i++) {
        raw.sendBinary(new byte[] {(byte) i});
      }
      raw.sendFrame(RawWebSocket.CLOSE, true, new byte[] {0x03, (byte) 0xE8, 'o', 'k'}); // 1000
      raw.close(); // the end of the stream right behind the close frame

      handler.awaitOpened(connection, WAIT);
      for (int i = 0; i < 5; i++) {
        assertThat(handler.awaitBinary(connection, WAIT)).as("round %d", round).containsExactly(i);
      }
      Closed closed = handler.awaitClose(connection, WAIT);
      assertThat(closed.code()).as("round %d", round).isEqualTo(1000);
      assertThat(closed.reason()).isEqualTo("ok");
      assertThat(closed.remote()).isTrue();
    }
  }

  @Test
  void serverCloseReachesThePeerAndIsReportedOnceOnATransportThread() throws Exception {
    start(baseConfig());
    WebSocketTestClient client = harness.client(PROTO);
    TransportConnection connection = handler.awaitOpen(WAIT);
    connection.close(4000, "bye");
    connection.close(4001, "ignored: already closing");
    WebSocketTestClient.Closure closure = client.awaitClosure(WAIT);
    assertThat(closure.code()).isEqualTo(4000);
    assertThat(closure.reason()).isEqualTo("bye");
    Closed closed = handler.awaitClose(connection, WAIT);
    assertThat(closed.code()).isEqualTo(4000);
    assertThat(closed.remote()).isFalse();
    assertThat(closed.thread()).isNotEqualTo(Thread.currentThread().getName());
  }

  // --- closing handshake (RFC 6455 7.1.1, 5.5.1) ------------------------------------------------

  /**
   * After its close frame the server waits for the peer's before it ends the TCP connection. Here
   * the peer reads slowly (a small receive buffer, full of the server's messages, holds the close
   * frame back in the server's kernel) and sends once more before it reads on. A server that had
   * already ended the socket would answer that data with a reset, and its kernel would throw away
   * the close frame still waiting to go out: the peer would read the messages, then a reset (1006),
   * and a client would reconnect where the code told it not to. Fifty fresh connections; every peer
   * must read its code, and the data it sent after the close must not reach the handler.
   */
  @Test
  void serverCloseCodeReachesASlowReaderThatIsStillSendingEveryTime() throws Exception {
    start(baseConfig());
    handler.echo(false);
    ByteBuffer message = ByteBuffer.wrap(bytes(2048, 12));
    List<String> lost = new ArrayList<>();
    for (int round = 0; round < 50; round++) {
      int code = 4000 + round;
      RawWebSocket raw = harness.rawOpen(4096);
      assertThat(RawPeers.handshakeStatus(raw, PATH, PROTO, "")).isEqualTo(101);
      TransportConnection connection = handler.awaitOpen(WAIT);
      handler.awaitOpened(connection, WAIT);
      for (int i = 0; i < 16; i++) {
        connection.sendBinary(message); // 32 KiB: more than the peer's buffer takes
      }
      Poll.until(
          "the messages were handed to the socket", WAIT, () -> connection.bufferedBytes() == 0);
      connection.close(code, "round " + round);
      // Time for a server that ends the socket at once to do so (on loopback well under 20 ms),
      // then for the reset its kernel sends when the data below arrives on the ended socket.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      try {
        raw.sendBinary(bytes(64, round)); // the peer has not read the close frame yet
      } catch (IOException e) {
        // already reset; the read below tells what the peer gets
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      int seen = raw.awaitClose((int) WAIT.toMillis());
      if (seen != code) {
        lost.add("round " + round + " read " + seen);
        continue;
      }
      RawPeers.sendQuietly(raw, RawPeers.closeFrame(code));
      RawPeers.awaitEndOfStream(raw, WAIT);
      RecordingTransportHandler.Event next = handler.awaitEvent(connection, WAIT);
      assertThat(next)
          .as("round %d: nothing sent after the close reaches the handler", round)
          .isInstanceOf(Closed.class);
      assertThat(((Closed) next).code()).isEqualTo(code);
      assertThat(((Closed) next).remote()).isFalse();
    }
    assertThat(lost).as("peers that did not read their close code").isEmpty();
  }

  /**
   * The server waits for the peer's close frame, and ends the TCP connection as soon as it arrives
   * (RFC 6455 7.1.1: the server closes first), well before the transport's close deadline (at most
   * 1 s).
   */
  @Test
  void peerThatAnswersTheServersCloseHasItsSocketClosedPromptly() throws Exception {
    start(baseConfig());
    RawWebSocket raw = harness.rawUpgraded();
    TransportConnection connection = handler.awaitOpen(WAIT);
    connection.close(4000, "bye");
    assertThat(raw.awaitClose((int) WAIT.toMillis())).isEqualTo(4000);
    // isEndOfStream waits 200 ms of silence: the server is waiting for the answer, not gone
    assertThat(raw.isEndOfStream()).as("socket still open while the answer is awaited").isFalse();
    raw.sendFrame(RawWebSocket.CLOSE, true, new byte[] {0x0f, (byte) 0xa0}); // 4000
    Duration took = RawPeers.awaitEndOfStream(raw, WAIT);
    assertThat(took).as("socket closed once the answer arrived").isLessThan(PROMPTLY.dividedBy(2));
    Closed closed = handler.awaitClose(connection, WAIT);
    assertThat(closed.code()).isEqualTo(4000);
    assertThat(closed.remote()).isFalse();
  }

  /**
   * A peer that never answers the close frame, even one that keeps sending, is dropped at the close
   * deadline (at most 1 s; the check allows {@link #WAIT}): it cannot keep the socket.
   */
  @Test
  void peerThatNeverAnswersTheServersCloseIsDroppedAtTheDeadline() throws Exception {
    start(baseConfig());
    RawWebSocket raw = harness.rawUpgraded();
    TransportConnection connection = handler.awaitOpen(WAIT);
    connection.close(4000, "bye");
    assertThat(raw.awaitClose((int) WAIT.toMillis())).isEqualTo(4000);
    long start = System.nanoTime();
    boolean ended = false;
    while (!ended && System.nanoTime() - start < WAIT.toNanos()) {
      try {
        raw.sendBinary(new byte[] {1}); // data, never the close frame
      } catch (IOException e) {
        ended = true; // the server dropped the socket
      }
      ended = ended || raw.isEndOfStream(); // waits up to 200 ms of silence
    }
    assertThat(ended).as("socket dropped within %s", WAIT).isTrue();
    Closed closed = handler.awaitClose(connection, WAIT);
    assertThat(closed.code()).isEqualTo(4000);
    assertThat(closed.remote()).isFalse();
  }

  @Test
  void concurrentClientsEachKeepTheirOrder() throws Exception {
    start(baseConfig());
    int clients = 16;
    int messages = 25;
    List<Runnable> senders = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      WebSocketTestClient client = harness.client(PROTO);
      senders.add(
          () -> {
            for (int i = 0; i < messages; i++) {
              client.sendBinary(new byte[] {(byte) i});
            }
            client.sendClose(1000, "");
          });
    }
    ConformanceHarness.inParallel(senders, WAIT);
    for (int c = 0; c < clients; c++) {
      TransportConnection connection = handler.awaitOpen(WAIT);
      handler.awaitOpened(connection, WAIT);
      for (int i = 0; i < messages; i++) {
        assertThat(handler.awaitBinary(connection, WAIT)).containsExactly((byte) i);
      }
      assertThat(handler.awaitClose(connection, WAIT).code()).isEqualTo(1000);
    }
  }

  @Test
  void sendsMadeInOrderFromTheTransportThreadAndAnotherThreadArriveInThatOrder() throws Exception {
    // A room's fan-out sends on whichever thread delivered the message, sometimes the transport's
    // own thread: the order the sends were made in (here fixed by a lock) must be the wire order.
    start(baseConfig());
    handler.echo(false);
    int total = 3_000;
    Object lock = new Object();
    AtomicInteger next = new AtomicInteger();
    handler.afterBinary((connection, payload) -> sendNext(connection, lock, next, total));
    RawWebSocket peer = harness.rawUpgraded();
    TransportConnection connection = handler.awaitOpen(WAIT);
    handler.awaitOpened(connection, WAIT);
    Thread other =
        new Thread(
            () -> {
              while (sendNext(connection, lock, next, total)) {
                LockSupport.parkNanos(20_000);
              }
            },
            "conformance-other-sender");
    other.start();
    for (int i = 0; i < 300 && next.get() < total; i++) {
      peer.sendBinary(new byte[] {1}); // each makes the transport's thread send one
      LockSupport.parkNanos(200_000);
    }
    other.join(WAIT.toMillis());
    for (int expected = 0; expected < total; expected++) {
      RawWebSocket.Frame frame = peer.readFrame((int) WAIT.toMillis());
      assertThat(frame).as("frame %d", expected).isNotNull();
      assertThat(ByteBuffer.wrap(frame.payload()).getInt())
          .as("frame %d", expected)
          .isEqualTo(expected);
    }
  }

  private static boolean sendNext(
      TransportConnection connection, Object lock, AtomicInteger next, int total) {
    synchronized (lock) {
      int n = next.get();
      if (n >= total) {
        return false;
      }
      connection.sendBinary(ByteBuffer.allocate(4).putInt(n).flip());
      next.set(n + 1);
      return true;
    }
  }

  @Test
  void twoHundredConnectionsEachGetTheirOwnEcho() throws Exception {
    start(configWith().maxConnections(250).build());
    List<RawWebSocket> peers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      peers.add(harness.rawUpgraded());
    }
    for (int i = 0; i < peers.size(); i++) {
      peers.get(i).sendBinary(ByteBuffer.allocate(4).putInt(i).array());
    }
    for (int i = 0; i < peers.size(); i++) {
      RawWebSocket.Frame echo = peers.get(i).readFrame((int) WAIT.toMillis());
      assertThat(echo).as("echo %d", i).isNotNull();
      assertThat(ByteBuffer.wrap(echo.payload()).getInt()).isEqualTo(i);
    }
    assertThat(handler.openCount()).isEqualTo(200);
  }

  @Test
  void oneBufferSentToManyConnectionsAtOnceIsLeftUntouched() throws Exception {
    start(baseConfig());
    int clients = 16;
    List<WebSocketTestClient> receivers = new ArrayList<>();
    List<TransportConnection> connections = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      receivers.add(harness.client(PROTO));
      connections.add(handler.awaitOpen(WAIT));
    }
    byte[] backing = bytes(1010, 9);
    ByteBuffer shared = ByteBuffer.wrap(backing.clone());
    shared.position(5).limit(1005);
    ByteBuffer readOnly = shared.asReadOnlyBuffer();
    byte[] expected = Arrays.copyOfRange(backing, 5, 1005);

    List<Runnable> senders = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      ByteBuffer buffer = t % 2 == 0 ? shared : readOnly;
      senders.add(() -> connections.forEach(c -> assertThat(c.sendBinary(buffer)).isTrue()));
    }
    ConformanceHarness.inParallel(senders, WAIT);
    assertThat(shared.position()).isEqualTo(5);
    assertThat(shared.limit()).isEqualTo(1005);
    assertThat(readOnly.position()).isEqualTo(5);
    assertThat(shared.array()).isEqualTo(backing);
    for (WebSocketTestClient receiver : receivers) {
      for (int i = 0; i < 4; i++) {
        assertThat(receiver.awaitBinary(WAIT)).isEqualTo(expected);
      }
    }
  }

  @Test
  void bufferedBytesCountsOutputThePeerHasNotRead() throws Exception {
    start(configWith().pingInterval(Duration.ofSeconds(20)).build());
    RawWebSocket raw = harness.rawOpen(4096);
    assertThat(RawPeers.handshakeStatus(raw, PATH, PROTO, "")).isEqualTo(101);
    TransportConnection connection = handler.awaitOpen(WAIT);
    assertThat(connection.bufferedBytes()).isBetween(0L, 1024L);

    int messages = 64;
    ByteBuffer message = ByteBuffer.wrap(bytes(256 * 1024, 10));
    for (int i = 0; i < messages; i++) {
      assertThat(connection.sendBinary(message)).isTrue();
    }
    long sent = (long) messages * message.remaining();
    Poll.until("output queues up", WAIT, () -> connection.bufferedBytes() > 1024 * 1024);
    assertThat(connection.bufferedBytes()).isLessThanOrEqualTo(sent + messages * 14L + 1024);

    for (int i = 0; i < messages; i++) {
      RawWebSocket.Frame frame = raw.readFrame((int) WAIT.toMillis());
      assertThat(frame).as("frame %d", i).isNotNull();
      assertThat(frame.payload()).hasSize(message.remaining());
    }
    Poll.until("the queue drains", WAIT, () -> connection.bufferedBytes() == 0);
  }

  @Test
  void peerFloodingPingsWithoutReadingCannotGrowItsQueuePastOneMessage() throws Exception {
    ServerTransportConfig config = configWith().pingInterval(Duration.ofSeconds(20)).build();
    start(config);
    handler.echo(false);
    RawWebSocket raw = harness.rawOpen(4096);
    assertThat(RawPeers.handshakeStatus(raw, PATH, PROTO, "")).isEqualTo(101);
    TransportConnection connection = handler.awaitOpen(WAIT);

    byte[] pings = new byte[1000 * 131];
    for (int i = 0; i < 1000; i++) {
      pings[i * 131] = (byte) 0x89; // fin, ping
      pings[i * 131 + 1] = (byte) (0x80 | 125); // masked with a zero key, 125 bytes
    }
    for (int i = 0; i < 20; i++) { // 20,000 pings: 2.5 MB of pongs if every one were answered
      raw.sendRaw(pings);
    }
    raw.sendBinary(new byte[] {7}); // arrives after every ping
    handler.awaitOpened(connection, WAIT);
    assertThat(handler.awaitBinary(connection, WAIT.multipliedBy(4))).containsExactly(7);
    assertThat(connection.bufferedBytes())
        .as("pongs stop while a message's worth of output waits")
        .isLessThanOrEqualTo(config.maxMessageBytes() + 127L);
  }

  @Test
  void closeSendsGoingAwayAndReportsEveryConnection() throws Exception {
    start(baseConfig());
    List<WebSocketTestClient> clients = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      clients.add(harness.client(PROTO));
      handler.awaitOpen(WAIT);
    }
    RawWebSocket pending = harness.rawOpen(0); // accepted, never upgraded
    harness.transport().close();
    for (WebSocketTestClient client : clients) {
      assertThat(client.awaitClosure(WAIT).code()).isEqualTo(1001);
    }
    for (TransportConnection connection : handler.openedConnections()) {
      assertThat(handler.isClosed(connection)).as(connection.id()).isTrue();
    }
    RawPeers.awaitEndOfStream(pending, WAIT);
    harness.transport().close(); // a second close does nothing
  }

  @Test
  void closeReturnsPromptlyWhenAPeerStoppedReading() throws Exception {
    start(baseConfig());
    RawWebSocket raw = harness.rawOpen(4096);
    assertThat(RawPeers.handshakeStatus(raw, PATH, PROTO, "")).isEqualTo(101);
    TransportConnection connection = handler.awaitOpen(WAIT);
    ByteBuffer message = ByteBuffer.wrap(bytes(256 * 1024, 11));
    for (int i = 0; i < 64; i++) {
      connection.sendBinary(message);
    }
    long start = System.nanoTime();
    harness.transport().close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT);
    assertThat(handler.isClosed(connection)).isTrue();
  }

  @Test
  void closeCalledFromAHandlerCallbackIsRefusedInsteadOfWaitingForItself() throws Exception {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    AtomicReference<ServerTransport> self = new AtomicReference<>();
    ServerTransport closing = provider().create(baseConfig(), new ClosingHandler(self, outcome));
    self.set(closing);
    closing.start();
    try {
      harness.track(RawWebSocket.connect(closing.localAddress(), PATH, PROTO));
      assertThat(outcome.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
          .isInstanceOf(IllegalStateException.class);
    } finally {
      closing.close();
    }
  }

  /** Calls {@link ServerTransport#close()} from {@code onOpen} and records what happened. */
  private record ClosingHandler(
      AtomicReference<ServerTransport> transport, CompletableFuture<Throwable> outcome)
      implements ServerTransportHandler {
    @Override
    public void onOpen(TransportConnection connection) {
      try {
        transport.get().close();
        outcome.complete(null);
      } catch (RuntimeException e) {
        outcome.complete(e);
      }
    }

    @Override
    public void onBinary(TransportConnection connection, ByteBuffer message) {}

    @Override
    public void onText(TransportConnection connection, String message) {}

    @Override
    public void onClose(TransportConnection connection, int code, String reason, boolean remote) {}
  }

  @Test
  void closeLeavesNoThreadBehind() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    for (int cycle = 0; cycle < 3; cycle++) {
      ServerTransport cycled = provider().create(baseConfig(), handler);
      cycled.start();
      URI uri = URI.create("ws://127.0.0.1:" + cycled.localAddress().getPort() + PATH);
      WebSocketTestClient client =
          harness.track(WebSocketTestClient.connect(harness.http(), uri, List.of(PROTO)));
      client.sendBinary(bytes(3, cycle));
      assertThat(client.awaitBinary(WAIT)).isEqualTo(bytes(3, cycle));
      cycled.close();
      assertThat(client.awaitClosure(WAIT).code()).isEqualTo(1001);
    }
    assertThat(ConformanceHarness.threadsStartedSince(before, this::isClientThread))
        .as("threads left running after close()")
        .isEmpty();
  }

  @Test
  void startFailsWithBindExceptionWhenTheAddressIsTakenAndLeavesNoThread() throws Exception {
    ServerTransport first = start(baseConfig());
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    ServerTransport second =
        provider().create(configWith().bindAddress(first.localAddress()).build(), handler);
    assertThatThrownBy(second::start)
        .isInstanceOf(BindException.class)
        .hasMessageContaining(String.valueOf(first.localAddress().getPort()));
    second.close();
    assertThat(ConformanceHarness.threadsStartedSince(before, this::isClientThread))
        .as("threads left running after a failed start")
        .isEmpty();
  }

  @Test
  void closeBeforeStartIsHarmless() {
    ServerTransport unstarted = provider().create(baseConfig(), handler);
    assertThatThrownBy(unstarted::localAddress).isInstanceOf(IllegalStateException.class);
    unstarted.close();
    unstarted.close();
  }

  @Test
  void theProviderRefusesNullArguments() {
    assertThatThrownBy(() -> provider().create(null, handler))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> provider().create(baseConfig(), null))
        .isInstanceOf(NullPointerException.class);
  }
}
