package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import dev.parley.chat.spi.TransportConnection;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory connection that records what the server sends, decoded, in order; the test reads it
 * like a client would. {@link #bufferedBytes} is settable to simulate a peer that stops reading.
 */
final class FakeConnection implements TransportConnection {
  // Unique without a counter shared by every test: ids do not depend on which tests ran before.
  private final String id = "fake-" + UUID.randomUUID();
  private final String subprotocol;
  private final BlockingQueue<Envelope> received = new LinkedBlockingQueue<>();
  private volatile Object attachment;
  private volatile boolean open = true;
  volatile int closeCode = -1;
  volatile String closeReason;
  volatile long buffered;

  FakeConnection() {
    this(Protocol.SUBPROTOCOL_PROTOBUF);
  }

  FakeConnection(String subprotocol) {
    this.subprotocol = subprotocol;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return new InetSocketAddress("127.0.0.1", 40000);
  }

  @Override
  public String subprotocol() {
    return subprotocol;
  }

  @Override
  public boolean sendBinary(ByteBuffer message) {
    if (!open) {
      return false;
    }
    try {
      received.add(BinaryFrames.decode(message));
    } catch (FrameDecodeException e) {
      throw new AssertionError("server sent an undecodable frame", e);
    }
    return true;
  }

  @Override
  public boolean sendText(String message) {
    if (!open) {
      return false;
    }
    try {
      received.add(JsonFrames.decode(message));
    } catch (FrameDecodeException e) {
      throw new AssertionError("server sent undecodable JSON: " + message, e);
    }
    return true;
  }

  @Override
  public long bufferedBytes() {
    return buffered;
  }

  @Override
  public synchronized void close(int code, String reason) {
    if (open) {
      open = false;
      closeCode = code;
      closeReason = reason;
    }
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void attach(Object attachment) {
    this.attachment = attachment;
  }

  @Override
  public Object attachment() {
    return attachment;
  }

  /** The next frame the server sent, waiting up to five seconds. */
  Envelope next() {
    try {
      Envelope e = received.poll(5, TimeUnit.SECONDS);
      assertThat(e).as("a frame from the server within 5 s").isNotNull();
      return e;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new AssertionError(ex);
    }
  }

  /** The next frame, which must have the given body. */
  Envelope next(Envelope.BodyCase body) {
    Envelope e = next();
    assertThat(e.getBodyCase()).as("frame: %s", e).isEqualTo(body);
    return e;
  }

  /** The next frame, which must be an Error. */
  Envelope nextError() {
    return next(Envelope.BodyCase.ERROR);
  }

  /** Asserts nothing more arrives within {@code millis}. */
  void assertQuiet(long millis) throws InterruptedException {
    Envelope e = received.poll(millis, TimeUnit.MILLISECONDS);
    assertThat(e).as("no further frame").isNull();
  }

  /** Waits until the server closed this connection, and returns the code. */
  int awaitClose() {
    await("connection closed by the server")
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> !open);
    return closeCode;
  }

  void drain() {
    received.clear();
  }
}
