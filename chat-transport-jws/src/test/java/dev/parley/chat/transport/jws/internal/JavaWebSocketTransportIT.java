package dev.parley.chat.transport.jws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.TransportConnection;
import dev.parley.chat.testkit.net.RawWebSocket;
import dev.parley.chat.testkit.transport.RecordingTransportHandler;
import dev.parley.chat.testkit.transport.RecordingTransportHandler.Closed;
import dev.parley.chat.testkit.transport.WebSocketTestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the conformance suite cannot see from outside: socket options, thread names, the choices
 * this transport made where the SPI leaves room, and regressions for Java-WebSocket's own bugs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JavaWebSocketTransportIT {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String PATH = "/chat";
  private static final String PROTO = Protocol.SUBPROTOCOL_PROTOBUF;

  private final RecordingTransportHandler handler = new RecordingTransportHandler();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private JwsServerTransport transport;

  private static ServerTransportConfig config(int maxMessageBytes, int maxConnections) {
    return new ServerTransportConfig(
        new InetSocketAddress("127.0.0.1", 0),
        PATH,
        List.of(PROTO, Protocol.SUBPROTOCOL_JSON),
        maxMessageBytes,
        8,
        2048,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        maxConnections);
  }

  private JwsServerTransport start(ServerTransportConfig config, ServerTransportHandler handler)
      throws IOException {
    transport = new JwsServerTransport(config, handler, System::nanoTime);
    transport.start();
    return transport;
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (AutoCloseable resource : resources) {
      resource.close();
    }
    if (transport != null) {
      transport.close();
    }
    handler.assertNoViolations();
    handler.assertEveryConnectionClosedOnce();
  }

  @Test
  void everyAcceptedSocketHasTcpNoDelay() throws Exception {
    start(config(4096, 64), handler);
    track(RawWebSocket.connect(transport.localAddress(), PATH, PROTO));
    JwsConnection upgraded = (JwsConnection) handler.awaitOpen(WAIT);
    track(RawWebSocket.open(transport.localAddress(), 0)); // accepted, never upgraded
    assertThat(upgraded.socket().tcpNoDelay()).isTrue();
    List<JwsSocket> sockets = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (sockets.size() < 2 && System.nanoTime() < deadline) {
      sockets.clear();
      transport.sockets().forEach(sockets::add);
      Thread.sleep(5);
    }
    assertThat(sockets).hasSize(2);
    for (JwsSocket socket : sockets) {
      assertThat(socket.tcpNoDelay()).as(socket.toString()).isTrue();
    }
  }

  @Test
  void everyThreadIsNamedAfterItsTransportAndEndsWithIt() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    start(config(4096, 64), handler);
    track(RawWebSocket.connect(transport.localAddress(), PATH, PROTO));
    handler.awaitOpen(WAIT);
    List<String> started =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> !before.contains(t) && !t.getName().contains("junit"))
            .map(Thread::getName)
            .collect(Collectors.toList());
    String prefix = transport.threadNamePrefix();
    assertThat(started).allMatch(name -> name.startsWith(prefix + "-"), "named " + prefix);
    assertThat(started).contains(prefix + "-selector", prefix + "-timer", prefix + "-worker-1");

    transport.close();
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)))
        .isEmpty();
  }

  @Test
  void clientAskingOnlyForUnknownSubprotocolsIsRefusedWith404() throws Exception {
    start(config(4096, 64), handler);
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create("ws://127.0.0.1:" + transport.localAddress().getPort() + PATH);
    WebSocketTestClient.Attempt attempt =
        WebSocketTestClient.attempt(http, uri, List.of("parley.v2.proto", "mqtt"));
    assertThat(attempt.connected()).isFalse();
    assertThat(attempt.refusedStatus()).isEqualTo(404);
    assertThat(handler.openCount()).isZero();
  }

  @Test
  void peerFloodingPingsWithoutReadingCannotGrowItsQueuePastOneMessage() throws Exception {
    int maxMessage = 4096;
    start(config(maxMessage, 64), handler);
    handler.echo(false);
    RawWebSocket raw = track(RawWebSocket.open(transport.localAddress(), 4096));
    assertThat(raw.handshake(PATH, PROTO, "")).isEqualTo(101);
    TransportConnection connection = handler.awaitOpen(WAIT);

    byte[] batch = new byte[1000 * 131];
    for (int i = 0; i < 1000; i++) {
      batch[i * 131] = (byte) 0x89; // fin + ping
      batch[i * 131 + 1] = (byte) (0x80 | 125); // masked (with a zero key), 125 bytes
    }
    for (int i = 0; i < 50; i++) { // 50,000 pings: 6 MB of pongs if all were answered
      raw.sendRaw(batch);
    }
    raw.sendBinary(new byte[] {7}); // arrives after every ping has been handled
    handler.awaitOpened(connection, WAIT);
    assertThat(handler.awaitBinary(connection, WAIT)).containsExactly(7);
    assertThat(connection.bufferedBytes()).isLessThanOrEqualTo(maxMessage + 127L);
  }

  @Test
  void peerCloseFollowedAtOnceByEndOfStreamKeepsItsMessagesAndCode() throws Exception {
    start(config(4096, 64), handler);
    handler.echo(false);
    for (int round = 0; round < 30; round++) {
      try (Socket socket = new Socket()) {
        socket.connect(transport.localAddress(), 5_000);
        socket.setSoTimeout(5_000);
        upgrade(socket);
        TransportConnection connection = handler.awaitOpen(WAIT);
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < 5; i++) {
          frames.write(maskedFrame(0x82, new byte[] {(byte) i}));
        }
        frames.write(maskedFrame(0x88, new byte[] {0x03, (byte) 0xE8, 'o', 'k'})); // 1000 "ok"
        socket.getOutputStream().write(frames.toByteArray());
        socket.shutdownOutput(); // the end of stream right behind the close frame

        handler.awaitOpened(connection, WAIT);
        for (int i = 0; i < 5; i++) {
          assertThat(handler.awaitBinary(connection, WAIT))
              .as("round %d", round)
              .containsExactly(i);
        }
        Closed closed = handler.awaitClose(connection, WAIT);
        assertThat(closed.code()).as("round %d", round).isEqualTo(1000);
        assertThat(closed.reason()).isEqualTo("ok");
        assertThat(closed.remote()).isTrue();
      }
    }
  }

  @Test
  void closingTheTransportFromAHandlerCallbackIsRefused() throws Exception {
    CompletableFuture<Throwable> refusal = new CompletableFuture<>();
    AtomicReference<JwsServerTransport> self = new AtomicReference<>();
    ServerTransportHandler closer =
        new ServerTransportHandler() {
          @Override
          public void onOpen(TransportConnection connection) {
            try {
              self.get().close();
              refusal.complete(null);
            } catch (RuntimeException e) {
              refusal.complete(e);
            }
          }

          @Override
          public void onBinary(TransportConnection connection, ByteBuffer message) {}

          @Override
          public void onText(TransportConnection connection, String message) {}

          @Override
          public void onClose(TransportConnection c, int code, String reason, boolean remote) {}
        };
    self.set(start(config(4096, 64), closer));
    track(RawWebSocket.connect(transport.localAddress(), PATH, PROTO));
    assertThat(refusal.get(5, TimeUnit.SECONDS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("own thread");
  }

  @Test
  void threeHundredConnectionsEachGetTheirOwnEcho() throws Exception {
    start(config(4096, 400), handler);
    List<RawWebSocket> peers = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      peers.add(track(RawWebSocket.connect(transport.localAddress(), PATH, PROTO)));
    }
    for (int i = 0; i < peers.size(); i++) {
      peers.get(i).sendBinary(ByteBuffer.allocate(4).putInt(i).array());
    }
    for (int i = 0; i < peers.size(); i++) {
      RawWebSocket.Frame echo = peers.get(i).readFrame(5_000);
      assertThat(echo).isNotNull();
      assertThat(ByteBuffer.wrap(echo.payload()).getInt()).isEqualTo(i);
    }
    assertThat(handler.openCount()).isEqualTo(300);
  }

  private static void upgrade(Socket socket) throws IOException {
    String request =
        "GET "
            + PATH
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: "
            + PROTO
            + "\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    int matched = 0;
    while (matched < 4) { // read through the answer's empty line
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during the upgrade");
      }
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  /** A client frame under a zero mask key (so the payload goes as is); payload under 126 bytes. */
  private static byte[] maskedFrame(int firstByte, byte[] payload) {
    ByteBuffer frame = ByteBuffer.allocate(6 + payload.length);
    frame.put((byte) firstByte).put((byte) (0x80 | payload.length)).putInt(0).put(payload);
    return frame.array();
  }
}
