package dev.parley.chat.testkit.transport;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A well-behaved WebSocket client for transport tests, on the JDK's {@link WebSocket}: it reads
 * everything, answers pings (the JDK does that itself) and records what it receives. Sends wait for
 * the JDK to accept the message, so one test thread may send in sequence. Thread-safe for reading
 * what it received; send from one thread at a time.
 */
public final class WebSocketTestClient implements AutoCloseable {

  /**
   * How the connection ended, as this client saw it.
   *
   * @param code the close code, or 1006 if it failed without a close frame
   * @param reason the close reason, or the failure
   */
  public record Closure(int code, String reason) {}

  /**
   * The result of an upgrade attempt: a connected client, or the HTTP status of the refusal (-1 if
   * the server closed the socket without answering).
   *
   * @param client the client, or {@code null} if refused
   * @param refusedStatus the refusal's HTTP status, 0 when connected
   */
  public record Attempt(WebSocketTestClient client, int refusedStatus) {
    /** Whether the upgrade succeeded. */
    public boolean connected() {
      return client != null;
    }
  }

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final Recorder recorder;
  private final WebSocket webSocket;

  private WebSocketTestClient(Recorder recorder, WebSocket webSocket) {
    this.recorder = recorder;
    this.webSocket = webSocket;
  }

  /**
   * Connects, asking for {@code subprotocols} (none if empty), and fails if the upgrade is refused.
   */
  public static WebSocketTestClient connect(HttpClient http, URI uri, List<String> subprotocols)
      throws InterruptedException {
    Attempt attempt = attempt(http, uri, subprotocols);
    if (!attempt.connected()) {
      throw new AssertionError(
          "upgrade to " + uri + " was refused with HTTP " + attempt.refusedStatus());
    }
    return attempt.client();
  }

  /** Tries to connect, asking for {@code subprotocols}; reports a refusal instead of failing. */
  public static Attempt attempt(HttpClient http, URI uri, List<String> subprotocols)
      throws InterruptedException {
    Recorder recorder = new Recorder();
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
    if (!subprotocols.isEmpty()) {
      builder.subprotocols(
          subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(new String[0]));
    }
    try {
      WebSocket webSocket =
          builder.buildAsync(uri, recorder).get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return new Attempt(new WebSocketTestClient(recorder, webSocket), 0);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        return new Attempt(null, refused.getResponse().statusCode());
      }
      return new Attempt(null, -1);
    } catch (TimeoutException e) {
      throw new AssertionError("upgrade to " + uri + " got no answer within " + CONNECT_TIMEOUT);
    }
  }

  /** The subprotocol the server chose; empty if it named none. */
  public String subprotocol() {
    return webSocket.getSubprotocol();
  }

  /** Sends one binary message. */
  public void sendBinary(byte[] payload) {
    sendBinaryPart(payload, true);
  }

  /** Sends one frame of a binary message; {@code last} ends the message. */
  public void sendBinaryPart(byte[] payload, boolean last) {
    join(webSocket.sendBinary(ByteBuffer.wrap(payload), last));
  }

  /** Sends one text message. */
  public void sendText(String text) {
    join(webSocket.sendText(text, true));
  }

  /** Starts the closing handshake. */
  public void sendClose(int code, String reason) {
    join(webSocket.sendClose(code, reason));
  }

  /** The next binary message received. */
  public byte[] awaitBinary(Duration timeout) throws InterruptedException {
    byte[] message = recorder.binary.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (message == null) {
      throw new AssertionError("no binary message within " + timeout);
    }
    return message;
  }

  /** The next text message received. */
  public String awaitText(Duration timeout) throws InterruptedException {
    String message = recorder.text.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (message == null) {
      throw new AssertionError("no text message within " + timeout);
    }
    return message;
  }

  /** How the connection ended; fails if it did not within {@code timeout}. */
  public Closure awaitClosure(Duration timeout) throws InterruptedException {
    try {
      return recorder.closure.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("connection did not end within " + timeout);
    }
  }

  /** Whether the connection has ended. */
  public boolean isClosed() {
    return recorder.closure.isDone();
  }

  /** How many pings arrived (each was answered with a pong by the JDK). */
  public int pingsReceived() {
    return recorder.pings.get();
  }

  /** Drops the connection without a closing handshake. */
  @Override
  public void close() {
    webSocket.abort();
  }

  private static void join(CompletableFuture<WebSocket> send) {
    try {
      send.get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while sending", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("send failed", e);
    }
  }

  private static final class Recorder implements WebSocket.Listener {
    final BlockingQueue<byte[]> binary = new LinkedBlockingQueue<>();
    final BlockingQueue<String> text = new LinkedBlockingQueue<>();
    final CompletableFuture<Closure> closure = new CompletableFuture<>();
    final AtomicInteger pings = new AtomicInteger();
    private final ByteArrayOutputStream binaryParts = new ByteArrayOutputStream();
    private final StringBuilder textParts = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] part = new byte[data.remaining()];
      data.get(part);
      binaryParts.write(part, 0, part.length);
      if (last) {
        binary.add(binaryParts.toByteArray());
        binaryParts.reset();
      }
      return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      textParts.append(data);
      if (last) {
        text.add(textParts.toString());
        textParts.setLength(0);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      pings.incrementAndGet();
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closure.complete(new Closure(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closure.complete(new Closure(1006, String.valueOf(error)));
    }
  }
}
