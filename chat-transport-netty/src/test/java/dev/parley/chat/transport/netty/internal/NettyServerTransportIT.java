package dev.parley.chat.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.TransportConnection;
import dev.parley.chat.testkit.net.RawWebSocket;
import dev.parley.chat.testkit.transport.RecordingTransportHandler;
import dev.parley.chat.testkit.transport.WebSocketTestClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the conformance suite cannot see from outside: thread names, the choices this transport made
 * where the SPI leaves room, and hostile peers next to a well-behaved one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NettyServerTransportIT {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final int WAIT_MILLIS = (int) WAIT.toMillis();
  private static final String PATH = "/chat";
  private static final String PROTO = Protocol.SUBPROTOCOL_PROTOBUF;
  private static final int MAX_MESSAGE = 4096;

  private final RecordingTransportHandler handler = new RecordingTransportHandler();
  private final List<AutoCloseable> peers = new ArrayList<>();
  private NettyServerTransport transport;

  private static ServerTransportConfig config(int maxConnections) {
    return new ServerTransportConfig(
        new InetSocketAddress("127.0.0.1", 0),
        PATH,
        List.of(PROTO, Protocol.SUBPROTOCOL_JSON),
        MAX_MESSAGE,
        8,
        2048,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        maxConnections);
  }

  private NettyServerTransport start(ServerTransportHandler handler) throws IOException {
    transport = new NettyServerTransport(config(400), handler);
    transport.start();
    return transport;
  }

  private RawWebSocket upgraded() throws IOException {
    return track(RawWebSocket.connect(transport.localAddress(), PATH, PROTO));
  }

  private <T extends AutoCloseable> T track(T peer) {
    peers.add(peer);
    return peer;
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (AutoCloseable peer : peers) {
      peer.close();
    }
    if (transport != null) {
      transport.close();
    }
    handler.assertNoViolations();
    handler.assertEveryConnectionClosedOnce();
  }

  @Test
  void everyThreadIsNamedAfterItsTransportAndEndsWithIt() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    start(handler);
    for (int i = 0; i < 4; i++) { // spread over the event loops
      upgraded();
      handler.awaitOpen(WAIT);
    }
    List<String> started =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> !before.contains(t) && !t.getName().contains("junit"))
            .map(Thread::getName)
            .toList();
    String prefix = transport.threadNamePrefix();
    assertThat(started).allMatch(name -> name.startsWith(prefix + "-"), "named " + prefix);
    assertThat(started).contains(prefix + "-boss-1", prefix + "-io-1", prefix + "-io-2");

    transport.close();
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(t -> t.isAlive() && t.getName().startsWith(prefix))
        .isEmpty();
    assertThat(transport.admittedSockets()).isZero();
  }

  @Test
  void clientAskingOnlyForUnknownSubprotocolsIsRefusedWith400() throws Exception {
    start(handler);
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create("ws://127.0.0.1:" + transport.localAddress().getPort() + PATH);
    WebSocketTestClient.Attempt attempt =
        WebSocketTestClient.attempt(http, uri, List.of("parley.v2.proto", "mqtt"));
    assertThat(attempt.connected()).isFalse();
    assertThat(attempt.refusedStatus()).isEqualTo(400);
    assertThat(handler.openCount()).isZero();
  }

  @Test
  void otherRequestsOnThePathAreRefused() throws Exception {
    start(handler);
    String upgradeHeaders =
        "Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    assertThat(
            answer("GET " + PATH + " HTTP/1.1\r\n" + upgradeHeaders + "Sec-WebSocket-Version: 8"))
        .startsWith("HTTP/1.1 426 ")
        .containsIgnoringCase("sec-websocket-version: 13");
    assertThat(
            answer("POST " + PATH + " HTTP/1.1\r\n" + upgradeHeaders + "Sec-WebSocket-Version: 13"))
        .startsWith("HTTP/1.1 400 ");
    assertThat(answer("GET " + PATH + " HTTP/1.1\r\nHost: x")).startsWith("HTTP/1.1 400 ");
    assertThat(answer("\u0001\u0002 nonsense")).startsWith("HTTP/1.1 400 ");
    assertThat(handler.openCount()).isZero();
  }

  /**
   * Sends {@code head} and an empty line; returns the whole answer, read until the server closes.
   */
  private String answer(String head) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(transport.localAddress(), WAIT_MILLIS);
      socket.setSoTimeout(WAIT_MILLIS);
      socket.getOutputStream().write((head + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void hostileInputClosesOnlyItsOwnConnection() throws Exception {
    start(handler);
    RawWebSocket good = upgraded();
    TransportConnection goodConnection = handler.awaitOpen(WAIT);
    int round = 0;
    assertStillEchoes(good, round++);

    RawWebSocket reservedOpcode = upgraded();
    handler.awaitOpen(WAIT);
    reservedOpcode.sendFrame(0x3, true, new byte[] {1, 2, 3});
    assertThat(reservedOpcode.awaitClose(WAIT_MILLIS)).isEqualTo(1002);
    assertStillEchoes(good, round++);

    RawWebSocket unmasked = upgraded();
    handler.awaitOpen(WAIT);
    unmasked.sendRaw(new byte[] {(byte) 0x82, 0x01, 0x2A});
    assertThat(unmasked.awaitClose(WAIT_MILLIS)).isEqualTo(1002);
    assertStillEchoes(good, round++);

    RawWebSocket oversized = upgraded();
    handler.awaitOpen(WAIT);
    oversized.sendBinary(new byte[MAX_MESSAGE + 1]);
    assertThat(oversized.awaitClose(WAIT_MILLIS)).isEqualTo(1009);
    assertStillEchoes(good, round++);

    RawWebSocket badText = upgraded();
    handler.awaitOpen(WAIT);
    badText.sendFrame(RawWebSocket.TEXT, true, new byte[] {'a', (byte) 0xC3, (byte) 0x28});
    assertThat(badText.awaitClose(WAIT_MILLIS)).isEqualTo(1007);
    assertStillEchoes(good, round++);

    RawWebSocket wrongPath = track(RawWebSocket.open(transport.localAddress(), 0));
    assertThat(wrongPath.handshake("/elsewhere", PROTO, "")).isEqualTo(404);
    assertStillEchoes(good, round++);

    assertThat(goodConnection.isOpen()).isTrue();
    assertThat(handler.openCount()).isEqualTo(5);
  }

  private void assertStillEchoes(RawWebSocket good, int round) throws IOException {
    byte[] payload = ("still here " + round).getBytes(StandardCharsets.UTF_8);
    good.sendBinary(payload);
    RawWebSocket.Frame echo = good.readFrame(WAIT_MILLIS);
    assertThat(echo).as("echo %d", round).isNotNull();
    assertThat(echo.payload()).isEqualTo(payload);
  }

  @Test
  void refusedUpgradesAnswerWithAStatusNamingTheReason() throws Exception {
    start(handler);
    InetSocketAddress address = transport.localAddress();
    try (RawWebSocket wrongPath = RawWebSocket.open(address, 0)) {
      assertThat(wrongPath.handshake("/elsewhere", PROTO, "")).as("wrong path").isEqualTo(404);
    }
    try (RawWebSocket unknown = RawWebSocket.open(address, 0)) {
      assertThat(unknown.handshake(PATH, "parley.v2.proto, mqtt", ""))
          .as("no offered subprotocol asked for")
          .isEqualTo(400);
    }
    try (RawWebSocket oversized = RawWebSocket.open(address, 0)) {
      String padding = "X-Padding: " + "a".repeat(3000) + "\r\n";
      assertThat(oversized.handshake(PATH, PROTO, padding))
          .as("request head over the 2048-byte limit")
          .isEqualTo(431);
    }
    try (RawWebSocket both = RawWebSocket.open(address, 0)) {
      assertThat(both.handshake(PATH, Protocol.SUBPROTOCOL_JSON + ", " + PROTO, "")).isEqualTo(101);
      assertThat(both.acceptedSubprotocol()).as("the server's preference wins").isEqualTo(PROTO);
    }
  }
}
