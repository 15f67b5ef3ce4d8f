package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.spi.ClientTransportConfig;
import dev.parley.chat.spi.ClientTransportConnection;
import dev.parley.chat.spi.ClientTransportListener;
import dev.parley.chat.spi.TransportConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Opcode;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.protocols.IProtocol;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The "jdk" transport over real loopback sockets. */
class JdkTransportIT {
  private static final ClientTransportConfig CONFIG =
      new ClientTransportConfig(Protocol.SUBPROTOCOL_PROTOBUF, Duration.ofSeconds(5), 4 * 1024);

  private final JdkClientTransportProvider transport = new JdkClientTransportProvider();
  private final List<LoopbackServer> servers = new ArrayList<>();

  /** Records what the transport reports. */
  static final class Recorder implements ClientTransportListener {
    final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
    final AtomicInteger closeCount = new AtomicInteger();

    @Override
    public void onBinary(ByteBuffer message) {
      byte[] bytes = new byte[message.remaining()];
      message.get(bytes);
      messages.add(bytes);
    }

    @Override
    public void onClosed(int code, String reason) {
      closeCount.incrementAndGet();
      closes.add(code);
    }

    byte[] nextMessage() throws InterruptedException {
      byte[] message = messages.poll(5, TimeUnit.SECONDS);
      assertThat(message).as("a message").isNotNull();
      return message;
    }

    int nextClose() throws InterruptedException {
      Integer code = closes.poll(5, TimeUnit.SECONDS);
      assertThat(code).as("onClosed").isNotNull();
      return code;
    }
  }

  @AfterEach
  void tearDown() {
    transport.close();
    for (LoopbackServer server : servers) {
      server.close();
    }
  }

  private LoopbackServer server(
      java.util.function.BiConsumer<TransportConnection, ByteBuffer> handler) {
    LoopbackServer server = new LoopbackServer(handler).startAndWait();
    servers.add(server);
    return server;
  }

  private ClientTransportConnection connect(LoopbackServer server, Recorder recorder)
      throws Exception {
    return transport.connect(server.uri(), CONFIG, recorder).get(10, TimeUnit.SECONDS);
  }

  @Test
  void negotiatesTheParleySubprotocolAndKeepsSendsInOrder() throws Exception {
    LoopbackServer server = server((conn, message) -> conn.sendBinary(message));
    Recorder recorder = new Recorder();
    ClientTransportConnection connection = connect(server, recorder);
    TransportConnection serverSide = server.opened.poll(5, TimeUnit.SECONDS);
    assertThat(serverSide.subprotocol()).isEqualTo(Protocol.SUBPROTOCOL_PROTOBUF);

    for (int i = 0; i < 2_000; i++) {
      assertThat(connection.sendBinary(ByteBuffer.wrap(Integer.toString(i).getBytes()))).isTrue();
    }
    for (int i = 0; i < 2_000; i++) {
      assertThat(new String(recorder.nextMessage())).isEqualTo(Integer.toString(i));
    }
  }

  @Test
  void joinsFragmentsIntoOneMessage() throws Exception {
    // Parley's server transports never fragment, so the library's bare server sends the fragments.
    FragmentingServer server = new FragmentingServer();
    server.start();
    try {
      assertThat(server.started.await(10, TimeUnit.SECONDS)).isTrue();
      Recorder recorder = new Recorder();
      ClientTransportConnection connection =
          transport
              .connect(URI.create("ws://127.0.0.1:" + server.getPort() + "/chat"), CONFIG, recorder)
              .get(10, TimeUnit.SECONDS);
      connection.sendBinary(ByteBuffer.wrap(new byte[] {0}));
      assertThat(recorder.nextMessage()).containsExactly(1, 2, 3, 4, 5);
    } finally {
      server.stop(1_000);
    }
  }

  /** Answers each message with one message in three fragments. */
  private static final class FragmentingServer extends WebSocketServer {
    final CountDownLatch started = new CountDownLatch(1);

    FragmentingServer() {
      super(
          new InetSocketAddress("127.0.0.1", 0),
          List.<Draft>of(
              new Draft_6455(
                  List.of(),
                  List.<IProtocol>of(
                      new org.java_websocket.protocols.Protocol(Protocol.SUBPROTOCOL_PROTOBUF)))));
      setReuseAddr(true);
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
      conn.sendFragmentedFrame(Opcode.BINARY, ByteBuffer.wrap(new byte[] {1, 2}), false);
      conn.sendFragmentedFrame(Opcode.BINARY, ByteBuffer.wrap(new byte[] {3}), false);
      conn.sendFragmentedFrame(Opcode.BINARY, ByteBuffer.wrap(new byte[] {4, 5}), true);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {}

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

    @Override
    public void onMessage(WebSocket conn, String message) {}

    @Override
    public void onError(WebSocket conn, Exception ex) {}

    @Override
    public void onStart() {
      started.countDown();
    }
  }

  @Test
  void aMessageOverTheLimitEndsTheConnectionWith1009() throws Exception {
    LoopbackServer server =
        server((conn, message) -> conn.sendBinary(ByteBuffer.wrap(new byte[4 * 1024 + 1])));
    Recorder recorder = new Recorder();
    ClientTransportConnection connection = connect(server, recorder);
    connection.sendBinary(ByteBuffer.wrap(new byte[] {0}));
    assertThat(recorder.nextClose()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
    assertThat(recorder.messages).isEmpty();
    assertThat(connection.sendBinary(ByteBuffer.wrap(new byte[] {0}))).isFalse();
  }

  @Test
  void closeFlushesQueuedFramesThenHandshakesAndReportsOnce() throws Exception {
    LoopbackServer server = server((conn, message) -> {});
    Recorder recorder = new Recorder();
    ClientTransportConnection connection = connect(server, recorder);
    for (int i = 0; i < 100; i++) {
      connection.sendBinary(ByteBuffer.wrap(new byte[] {(byte) i}));
    }
    connection.close(CloseCodes.NORMAL, "bye");
    assertThat(recorder.nextClose()).isEqualTo(CloseCodes.NORMAL);
    assertThat(server.closeCodes.poll(5, TimeUnit.SECONDS)).isEqualTo(CloseCodes.NORMAL);
    assertThat(server.messages).hasSize(100);
    connection.close(CloseCodes.NORMAL, "again");
    connection.abort();
    assertClosedOnlyOnce(recorder);
  }

  @Test
  void abortReportsClosedOnceFromAnotherThread() throws Exception {
    LoopbackServer server = server((conn, message) -> {});
    Recorder recorder = new Recorder();
    ClientTransportConnection connection = connect(server, recorder);
    connection.abort();
    assertThat(recorder.nextClose()).isEqualTo(1006);
    connection.abort();
    assertThat(connection.sendBinary(ByteBuffer.wrap(new byte[] {1}))).isFalse();
    assertClosedOnlyOnce(recorder);
  }

  @Test
  void aServerCloseIsReportedWithItsCode() throws Exception {
    LoopbackServer server = server((conn, message) -> conn.close(4008, "slow consumer"));
    Recorder recorder = new Recorder();
    ClientTransportConnection connection = connect(server, recorder);
    connection.sendBinary(ByteBuffer.wrap(new byte[] {0}));
    assertThat(recorder.nextClose()).isEqualTo(CloseCodes.SLOW_CONSUMER);
  }

  @Test
  void anEndpointNobodyListensOnFailsTheFuture() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    CompletableFuture<ClientTransportConnection> future =
        transport.connect(URI.create("ws://127.0.0.1:" + port + "/chat"), CONFIG, new Recorder());
    assertThat(future)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class);
    assertThat(transport.openConnections()).isZero();
  }

  @Test
  void closingTheTransportAbortsConnectionsAndStopsEveryThread() throws Exception {
    LoopbackServer server = server((conn, message) -> conn.sendBinary(message));
    ThreadLeaks baseline = ThreadLeaks.snapshot(); // the server's threads are not the client's
    Recorder recorder = new Recorder();
    ClientTransportConnection connection = connect(server, recorder);
    connection.sendBinary(ByteBuffer.wrap(new byte[] {1}));
    recorder.nextMessage();
    assertThat(baseline.newClientThreads()).isNotEmpty();

    transport.close();

    assertThat(recorder.nextClose()).isEqualTo(1006);
    baseline.awaitNoNewClientThreads(Duration.ofSeconds(10));
    assertThat(transport.connect(server.uri(), CONFIG, new Recorder())).isCompletedExceptionally();
  }

  /**
   * Checks that no second onClosed follows the first. A wrong second report would come from the
   * close and abort calls the test just made, on the transport's own thread, within milliseconds;
   * watching the count stay at one for 300 ms gives it ample time to show up.
   */
  private static void assertClosedOnlyOnce(Recorder recorder) {
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(() -> assertThat(recorder.closeCount).hasValue(1));
  }
}
