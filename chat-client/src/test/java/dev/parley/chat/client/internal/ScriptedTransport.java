package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import dev.parley.chat.spi.ClientTransportConfig;
import dev.parley.chat.spi.ClientTransportConnection;
import dev.parley.chat.spi.ClientTransportListener;
import dev.parley.chat.spi.ClientTransportProvider;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An in-memory client transport whose server side the test scripts: it sees every frame the client
 * sends (decoded) and answers with Envelopes, on the test's thread.
 */
final class ScriptedTransport implements ClientTransportProvider {
  final List<URI> attempts = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Server> servers = new LinkedBlockingQueue<>();
  private final Deque<Throwable> failures = new ArrayDeque<>();
  volatile ClientTransportConfig lastConfig;

  @Override
  public String name() {
    return "scripted";
  }

  /** Any endpoint: WebSocket ones and the http(s) ones of the SSE fallback alike. */
  @Override
  public boolean supports(URI endpoint) {
    return true;
  }

  /** The next connect attempt fails with {@code failure} instead of connecting. */
  synchronized void failNextConnect(Throwable failure) {
    failures.add(failure);
  }

  @Override
  public CompletableFuture<ClientTransportConnection> connect(
      URI endpoint, ClientTransportConfig config, ClientTransportListener listener) {
    attempts.add(endpoint);
    lastConfig = config;
    Throwable failure;
    synchronized (this) {
      failure = failures.poll();
    }
    if (failure != null) {
      return CompletableFuture.failedFuture(failure);
    }
    Server server = new Server(endpoint, listener);
    servers.add(server);
    return CompletableFuture.completedFuture(server);
  }

  /** The connection the client opened last, not handed out yet. */
  Server accept() {
    Server server = servers.poll();
    assertThat(server).as("a connection attempt").isNotNull();
    return server;
  }

  /** Waits for the client to open a connection (for tests on real threads). */
  Server accept(long timeoutSeconds) throws InterruptedException {
    Server server = servers.poll(timeoutSeconds, TimeUnit.SECONDS);
    assertThat(server).as("a connection attempt").isNotNull();
    return server;
  }

  /** The next connection the client opened, or null. */
  Server poll() {
    return servers.poll();
  }

  void assertNoConnection() {
    assertThat(servers).as("connection attempts").isEmpty();
  }

  /** The server end of one connection, and the client's {@link ClientTransportConnection}. */
  static final class Server implements ClientTransportConnection {
    final URI endpoint;
    private final ClientTransportListener listener;
    private final BlockingQueue<Envelope> received = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    volatile int clientCloseCode = -1;
    volatile boolean aborted;

    Server(URI endpoint, ClientTransportListener listener) {
      this.endpoint = endpoint;
      this.listener = listener;
    }

    // --- the client's side ---

    @Override
    public boolean sendBinary(ByteBuffer message) {
      if (closed.get()) {
        return false;
      }
      try {
        received.add(BinaryFrames.decode(message));
      } catch (FrameDecodeException e) {
        throw new AssertionError("the client sent a malformed frame", e);
      }
      return true;
    }

    /** Like a server that answers the Close at once: onClosed arrives inside this call. */
    @Override
    public void close(int code, String reason) {
      clientCloseCode = code;
      closeFromServer(code, reason);
    }

    /** onClosed arrives inside this call, which a transport may do. */
    @Override
    public void abort() {
      aborted = true;
      closeFromServer(1006, "aborted");
    }

    @Override
    public long bufferedBytes() {
      return 0;
    }

    // --- the test's (server's) side ---

    /** The next frame the client sent. */
    Envelope next() {
      Envelope envelope = received.poll();
      assertThat(envelope).as("a frame from the client").isNotNull();
      return envelope;
    }

    /** Waits for the next frame (for tests on real threads). */
    Envelope next(long timeoutSeconds) throws InterruptedException {
      Envelope envelope = received.poll(timeoutSeconds, TimeUnit.SECONDS);
      assertThat(envelope).as("a frame from the client").isNotNull();
      return envelope;
    }

    /** The next frame, which must be of this kind. */
    Envelope next(Envelope.BodyCase kind) {
      Envelope envelope = next();
      assertThat(envelope.getBodyCase()).as("frame from the client").isEqualTo(kind);
      return envelope;
    }

    /** Every frame the client sent that was not taken yet. */
    java.util.List<Envelope> drainReceived() {
      java.util.List<Envelope> all = new java.util.ArrayList<>();
      received.drainTo(all);
      return all;
    }

    void assertNothingReceived() {
      assertThat(received).as("frames from the client").isEmpty();
    }

    boolean isClosed() {
      return closed.get();
    }

    /** Sends a frame to the client. */
    void send(Envelope envelope) {
      listener.onBinary(BinaryFrames.encode(envelope));
    }

    void sendRaw(byte[] bytes) {
      listener.onBinary(ByteBuffer.wrap(bytes));
    }

    /** Closes the connection from the server's side (or the network's). */
    void closeFromServer(int code, String reason) {
      if (closed.compareAndSet(false, true)) {
        listener.onClosed(code, reason);
      }
    }

    /** Reads the client's Connect and answers Welcome; returns the Connect. */
    Envelope welcome(String user, dev.parley.chat.protocol.internal.Joined... rejoined) {
      Envelope connect = next(Envelope.BodyCase.CONNECT);
      send(Frames.welcome(connect.getRequestId(), user, rejoined));
      return connect;
    }
  }
}
