package dev.parley.chat.testkit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import dev.parley.chat.spi.ClientTransportConfig;
import dev.parley.chat.spi.ClientTransportConnection;
import dev.parley.chat.spi.ClientTransportListener;
import dev.parley.chat.spi.ClientTransportProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link ClientTransportProvider} keeps, checked over real loopback sockets
 * against a running Parley server: subclass it in your transport's tests, give the provider, the
 * server's endpoint for it and a way to make tokens. Each test gets a fresh provider from {@link
 * #provider()} and closes it afterwards (when it is {@link AutoCloseable}).
 *
 * <p>The server must accept {@link #token(String)} for any user, refuse {@link #invalidToken()}
 * with close code 4001, let anyone join any room, allow a session 1,000 requests at once (raise its
 * request rate, the default burst is 400), and have its default message limits (64 KiB frames, 16
 * KiB texts, 32 KiB payloads).
 *
 * <p>After each test the suite checks that the listener's calls never overlapped and that every
 * connection that completed got at most one {@code onClosed}; tests that close a connection check
 * that it got exactly one.
 *
 * <p>Not thread-safe: JUnit runs one test at a time per instance.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ClientTransportConformanceSuite {
  /** How long a test waits for something that should happen at once. */
  protected static final Duration WAIT = Duration.ofSeconds(10);

  private static final int MAX_TEXT = 16 * 1024;
  private static final int MAX_PAYLOAD = 32 * 1024;

  private ClientTransportProvider provider;
  private final List<Recorder> recorders = new ArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private long requestIds;

  /** A new instance of the transport under test; the suite closes it after each test. */
  protected abstract ClientTransportProvider provider();

  /** The running server's endpoint for this transport (ws:// for WebSocket, http:// for SSE). */
  protected abstract URI endpoint();

  /** A token the server accepts, authenticating {@code user}. */
  protected abstract String token(String user);

  /** A token the server refuses ({@code AUTHENTICATION_FAILED}, then close 4001). */
  protected abstract String invalidToken();

  /**
   * Prefixes of the names of the threads the transport starts, all of which must be gone once its
   * connections are closed and the provider is closed.
   */
  protected abstract Set<String> threadPrefixes();

  /** The connect timeout the tests use. */
  protected Duration connectTimeout() {
    return Duration.ofSeconds(3);
  }

  /** The config the tests connect with. */
  protected ClientTransportConfig config() {
    return new ClientTransportConfig(Protocol.SUBPROTOCOL_PROTOBUF, connectTimeout(), 1 << 20);
  }

  @BeforeEach
  final void createProvider() {
    provider = provider();
  }

  @AfterEach
  final void closeEverything() throws Exception {
    for (Recorder recorder : recorders) {
      if (recorder.connection != null) {
        recorder.connection.abort();
      }
    }
    for (AutoCloseable resource : resources) {
      resource.close();
    }
    if (provider instanceof AutoCloseable closeable) {
      closeable.close();
    }
    for (Recorder recorder : recorders) {
      assertThat(recorder.overlaps.get()).as("overlapping listener calls").isZero();
      assertThat(recorder.closes)
          .as("onClosed calls of one connection")
          .hasSizeLessThanOrEqualTo(1);
    }
  }

  // --- cases ------------------------------------------------------------------------------------

  @Test
  void connectsAndIsWelcomed() throws Exception {
    Recorder alice = connectAndWelcome("alice");

    assertThat(alice.welcome.getWelcome().getUser()).isEqualTo("alice");
    assertThat(alice.welcome.getRequestId()).isEqualTo(alice.connectId);
  }

  @Test
  void aThousandFramesEachWayArriveInOrder() throws Exception {
    Recorder alice = connectAndWelcome("alice");
    List<Long> sent = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      long id = ++requestIds;
      assertThat(alice.connection.sendBinary(BinaryFrames.encode(EnvelopeCodec.ping(id, i))))
          .isTrue();
      sent.add(id);
    }
    List<Long> answered = new ArrayList<>();
    while (answered.size() < sent.size()) {
      Envelope pong = alice.next(Envelope.BodyCase.PONG);
      answered.add(pong.getRequestId());
      assertThat(pong.getPong().getNonce()).isEqualTo(answered.size() - 1);
    }
    assertThat(answered).containsExactlyElementsOf(sent);
  }

  @Test
  void framesNearTheSizeLimitPassBothWays() throws Exception {
    Recorder alice = connectAndWelcome("alice");
    RoomId room = RoomId.of("conformance-" + Long.toHexString(new Random(38).nextLong()));
    long join = ++requestIds;
    alice.connection.sendBinary(BinaryFrames.encode(EnvelopeCodec.join(join, room)));
    assertThat(alice.next(Envelope.BodyCase.JOINED).getRequestId()).isEqualTo(join);
    byte[] payload = new byte[MAX_PAYLOAD];
    new Random(7).nextBytes(payload);
    String text = "é".repeat(MAX_TEXT / 4) + "x".repeat(MAX_TEXT / 2);
    Envelope send =
        EnvelopeCodec.send(++requestIds, room, ClientMessageId.of("big-1"), text, payload);
    assertThat(send.getSerializedSize()).isGreaterThan(48 * 1024);

    assertThat(alice.connection.sendBinary(BinaryFrames.encode(send))).isTrue();

    Envelope message = alice.next(Envelope.BodyCase.MESSAGE);
    assertThat(message.getMessage().getText()).isEqualTo(text);
    assertThat(message.getMessage().getPayload().toByteArray()).isEqualTo(payload);
    assertThat(alice.next(Envelope.BodyCase.SEND_ACK).getRequestId())
        .isEqualTo(send.getRequestId());
  }

  @Test
  void theServersCloseCodeAndReasonArriveOnce() throws Exception {
    Recorder refused = connect();
    refused.connection.sendBinary(
        BinaryFrames.encode(
            EnvelopeCodec.connect(
                refused.connectId, invalidToken(), "conformance", "1", List.of())));

    assertThat(refused.next(Envelope.BodyCase.ERROR).getRequestId()).isEqualTo(refused.connectId);
    Closed closed = refused.awaitClosed();
    assertThat(closed.code()).isEqualTo(4001);
    assertThat(closed.reason()).isNotBlank();
    assertThat(refused.connection.sendBinary(BinaryFrames.encode(EnvelopeCodec.ping(1, 1))))
        .isFalse();
  }

  @Test
  void closeFromTheClientEndsTheConnectionOnce() throws Exception {
    Recorder alice = connectAndWelcome("alice");

    alice.connection.close(1000, "bye");

    assertThat(alice.awaitClosed().code()).isEqualTo(1000);
    alice.connection.close(1000, "again");
    alice.connection.abort();
    closeProvider();
    assertThat(alice.closes).hasSize(1);
  }

  @Test
  void abortEndsTheConnectionWith1006Once() throws Exception {
    Recorder alice = connectAndWelcome("alice");

    alice.connection.abort();

    assertThat(alice.awaitClosed().code()).isEqualTo(1006);
    alice.connection.abort();
    alice.connection.close(1000, "too late");
    closeProvider();
    assertThat(alice.closes).hasSize(1);
  }

  @Test
  void sendAfterCloseIsRefused() throws Exception {
    Recorder alice = connectAndWelcome("alice");
    alice.connection.close(1000, "bye");
    alice.awaitClosed();

    assertThat(alice.connection.sendBinary(BinaryFrames.encode(EnvelopeCodec.ping(1, 1))))
        .isFalse();
    assertThat(alice.connection.bufferedBytes()).isZero();
  }

  @Test
  void aPortThatRefusesFailsTheConnect() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    Recorder recorder = new Recorder();
    recorders.add(recorder);

    CompletableFuture<ClientTransportConnection> future =
        provider.connect(withPort(endpoint(), port), config(), recorder);

    assertConnectFails(future);
    assertThat(recorder.closes).isEmpty();
  }

  @Test
  void aServerThatNeverAnswersFailsTheConnectWithinTheTimeout() throws Exception {
    BlackHole hole = new BlackHole();
    resources.add(hole);
    Recorder recorder = new Recorder();
    recorders.add(recorder);

    CompletableFuture<ClientTransportConnection> future =
        provider.connect(withPort(endpoint(), hole.port()), config(), recorder);

    assertConnectFails(future);
    assertThat(hole.accepted()).isPositive();
    assertThat(recorder.closes).isEmpty();
  }

  @Test
  void noThreadIsLeftBehindOnceClosed() throws Exception {
    Recorder alice = connectAndWelcome("alice");
    Recorder bob = connectAndWelcome("bob");
    assertThat(threadsNamed()).isNotEmpty();

    alice.connection.close(1000, "bye");
    bob.connection.abort();
    alice.awaitClosed();
    bob.awaitClosed();
    closeProvider();

    await().atMost(WAIT).untilAsserted(() -> assertThat(threadsNamed()).isEmpty());
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** Opens a connection and sends nothing. */
  protected final Recorder connect() throws Exception {
    Recorder recorder = new Recorder();
    recorders.add(recorder);
    recorder.connectId = ++requestIds;
    recorder.connection =
        provider
            .connect(endpoint(), config(), recorder)
            .get(connectTimeout().toMillis() + WAIT.toMillis(), TimeUnit.MILLISECONDS);
    return recorder;
  }

  /** Opens a connection, sends Connect for {@code user} and waits for Welcome. */
  protected final Recorder connectAndWelcome(String user) throws Exception {
    Recorder recorder = connect();
    assertThat(
            recorder.connection.sendBinary(
                BinaryFrames.encode(
                    EnvelopeCodec.connect(
                        recorder.connectId, token(user), "conformance", "1", List.of()))))
        .isTrue();
    recorder.welcome = recorder.next(Envelope.BodyCase.WELCOME);
    return recorder;
  }

  private void closeProvider() throws Exception {
    if (provider instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  private void assertConnectFails(CompletableFuture<ClientTransportConnection> future) {
    long bound = connectTimeout().toMillis() + WAIT.toMillis();
    assertThatThrownBy(() -> future.get(bound, TimeUnit.MILLISECONDS))
        .as("the connect future fails (and does not hang) when the server cannot be reached")
        .isInstanceOf(ExecutionException.class);
  }

  private List<String> threadsNamed() {
    List<String> names = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      for (String prefix : threadPrefixes()) {
        if (thread.isAlive() && thread.getName().startsWith(prefix)) {
          names.add(thread.getName());
        }
      }
    }
    return names;
  }

  private static URI withPort(URI endpoint, int port) throws URISyntaxException {
    return new URI(
        endpoint.getScheme(),
        null,
        "127.0.0.1",
        port,
        endpoint.getPath(),
        endpoint.getQuery(),
        null);
  }

  /** How a connection ended. */
  protected record Closed(int code, String reason) {}

  /**
   * Records one connection's listener calls: decoded frames in a queue, closes in a list, and any
   * overlap of two calls. Thread-safe.
   */
  protected static final class Recorder implements ClientTransportListener {
    private final LinkedBlockingQueue<Envelope> frames = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Closed> closedQueue = new LinkedBlockingQueue<>();
    final List<Closed> closes = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger overlaps = new AtomicInteger();
    volatile ClientTransportConnection connection;
    volatile Envelope welcome;
    long connectId;

    @Override
    public void onBinary(ByteBuffer message) {
      enter();
      try {
        frames.add(BinaryFrames.decode(message));
      } catch (FrameDecodeException e) {
        frames.add(Envelope.getDefaultInstance());
      } finally {
        inside.decrementAndGet();
      }
    }

    @Override
    public void onClosed(int code, String reason) {
      enter();
      Closed closed = new Closed(code, reason);
      closes.add(closed);
      closedQueue.add(closed);
      inside.decrementAndGet();
    }

    private void enter() {
      if (inside.incrementAndGet() != 1) {
        overlaps.incrementAndGet();
      }
    }

    /** The next frame of {@code type}, skipping others (such as presence); fails after a wait. */
    Envelope next(Envelope.BodyCase type) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        Envelope frame =
            frames.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (frame == null) {
          throw new AssertionError(
              "no " + type + " frame within " + WAIT + "; closes so far: " + closes);
        }
        if (frame.getBodyCase() == type) {
          return frame;
        }
      }
    }

    /** Waits for the connection's close. */
    Closed awaitClosed() throws InterruptedException {
      Closed closed = closedQueue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (closed == null) {
        throw new AssertionError("no onClosed within " + WAIT);
      }
      return closed;
    }
  }

  /** A socket that accepts connections and never reads or answers. */
  private static final class BlackHole implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());
    private final Thread acceptor;

    BlackHole() throws IOException {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    accepted.add(server.accept());
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "conformance-black-hole");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    int accepted() {
      return accepted.size();
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (accepted) {
        for (Socket socket : accepted) {
          socket.close();
        }
      }
      try {
        acceptor.join(WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
