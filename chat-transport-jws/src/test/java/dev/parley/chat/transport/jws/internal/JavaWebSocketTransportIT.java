package dev.parley.chat.transport.jws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.testkit.net.RawWebSocket;
import dev.parley.chat.testkit.transport.RecordingTransportHandler;
import dev.parley.chat.testkit.transport.WebSocketTestClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
    await("both sockets registered")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(5))
        .until(
            () -> {
              sockets.clear();
              transport.sockets().forEach(sockets::add);
              return sockets.size() >= 2;
            });
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

  /**
   * The close deadline runs on the transport's ticker: with the clock standing still a peer that
   * never answers the close frame keeps its socket, and one step past the deadline it loses it.
   */
  @Test
  void unansweredCloseIsDroppedWhenTheTickerPassesTheCloseDeadline() throws Exception {
    AtomicLong now = new AtomicLong();
    ServerTransportConfig config = config(4096, 64);
    transport = new JwsServerTransport(config, handler, now::get);
    transport.start();
    RawWebSocket raw = track(RawWebSocket.connect(transport.localAddress(), PATH, PROTO));
    JwsConnection connection = (JwsConnection) handler.awaitOpen(WAIT);
    connection.close(4000, "bye");
    assertThat(raw.awaitClose((int) WAIT.toMillis())).isEqualTo(4000);
    await()
        .atMost(WAIT)
        .until(() -> connection.socket().phase() == LivenessPolicy.Phase.CLOSE_SENT);
    // Three checks of 200 ms of silence each: the timer (every 250 ms here) looked at least twice.
    for (int i = 0; i < 3; i++) {
      assertThat(raw.isEndOfStream()).as("kept while the clock stands still").isFalse();
    }
    assertThat(handler.isClosed(connection)).isFalse();

    now.addAndGet(LivenessPolicy.of(config).closeTimeoutNanos());
    await().atMost(WAIT).until(raw::isEndOfStream);
    RecordingTransportHandler.Closed closed = handler.awaitClose(connection, WAIT);
    assertThat(closed.code()).isEqualTo(4000);
    assertThat(closed.remote()).isFalse();
  }

  @Test
  void clientAskingOnlyForUnknownSubprotocolsIsRefusedWith400() throws Exception {
    start(config(4096, 64), handler);
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create("ws://127.0.0.1:" + transport.localAddress().getPort() + PATH);
    WebSocketTestClient.Attempt attempt =
        WebSocketTestClient.attempt(http, uri, List.of("parley.v2.proto", "mqtt"));
    assertThat(attempt.connected()).isFalse();
    assertThat(attempt.refusedStatus()).isEqualTo(400);
    assertThat(handler.openCount()).isZero();
  }

  @Test
  void refusedUpgradesAnswerWithAStatusNamingTheReason() throws Exception {
    start(config(4096, 64), handler);
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
