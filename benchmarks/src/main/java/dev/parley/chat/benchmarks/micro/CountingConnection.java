package dev.parley.chat.benchmarks.micro;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import dev.parley.chat.protocol.internal.JsonFrameCodec;
import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.TransportConnection;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One connection of the {@link CountingTransport}: what the server sends is counted, as if the peer
 * read it at once, so a benchmark measures the server's work and none of a transport's. Nothing is
 * ever buffered; only the last frame is kept. Frames from the client side go in through {@link
 * #fromClient(Envelope)}, encoded in the connection's subprotocol, as a transport hands them over.
 *
 * <p>While {@linkplain #startRecording() recording}, the connection also decodes every frame it is
 * sent into an inbox, so that setup can wait for Welcome or Joined with {@link #await}; a benchmark
 * stops recording before it measures.
 *
 * <p>Thread-safe, except that the counts are plain fields: they are exact when sends to one
 * connection do not overlap in time, which holds in these benchmarks (one thread drives each
 * measured fan-out, under the room's monitor), and are read once that thread is done. An atomic
 * counter would put a locked instruction into every delivery, the very cost being measured.
 */
final class CountingConnection implements TransportConnection {
  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40_000);

  private final String id;
  private final String subprotocol;
  private final boolean json;
  private final ServerTransportHandler handler;
  private volatile boolean open = true;
  private volatile Object attachment;
  private volatile BlockingQueue<Envelope> inbox;
  private long framesSent;

  /**
   * The last frame sent, kept as a transport keeps what it queued. Without it the frame would not
   * escape the server's fan-out loop, and the JIT could leave out the server's per-recipient buffer
   * copy, which it cannot do with a real transport.
   */
  private Object lastFrame;

  CountingConnection(String id, String subprotocol, ServerTransportHandler handler) {
    this.id = id;
    this.subprotocol = subprotocol;
    this.json = Protocol.SUBPROTOCOL_JSON.equals(subprotocol);
    this.handler = handler;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return PEER;
  }

  @Override
  public String subprotocol() {
    return subprotocol;
  }

  @Override
  public boolean sendBinary(ByteBuffer message) {
    return sent(message);
  }

  @Override
  public boolean sendText(String message) {
    return sent(message);
  }

  private boolean sent(Object frame) {
    if (!open) {
      return false;
    }
    framesSent++;
    lastFrame = frame;
    BlockingQueue<Envelope> recording = inbox;
    if (recording != null) {
      recording.add(decode(frame));
    }
    return true;
  }

  private static Envelope decode(Object frame) {
    try {
      if (frame instanceof ByteBuffer binary) {
        return BinaryFrames.decode(binary);
      }
      return JsonFrameCodec.decode((String) frame);
    } catch (FrameDecodeException e) {
      throw new IllegalStateException("the server sent a frame that does not decode: " + frame, e);
    }
  }

  @Override
  public long bufferedBytes() {
    return 0;
  }

  /** Marks the connection closed and reports it to the server, as a transport would. */
  @Override
  public void close(int code, String reason) {
    synchronized (this) {
      if (!open) {
        return;
      }
      open = false;
    }
    handler.onClose(this, code, reason, false);
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

  /** Hands the server one frame from the client, encoded in this connection's subprotocol. */
  void fromClient(Envelope envelope) {
    fromClientEncoded(encode(envelope));
  }

  /**
   * Encodes a client frame in this connection's subprotocol, for {@link #fromClientEncoded}: a
   * {@link ByteBuffer} for binary, a {@link String} for JSON.
   */
  Object encode(Envelope envelope) {
    return json ? JsonFrameCodec.encode(envelope) : BinaryFrames.encode(envelope);
  }

  /**
   * Hands the server a frame made by {@link #encode}, as a transport hands over one it received.
   * The same frame may be handed over again: the server does not consume it.
   */
  void fromClientEncoded(Object frame) {
    if (frame instanceof ByteBuffer binary) {
      handler.onBinary(this, binary);
    } else {
      handler.onText(this, (String) frame);
    }
  }

  /** Starts decoding what the server sends into the inbox. */
  void startRecording() {
    inbox = new LinkedBlockingQueue<>();
  }

  /** Stops decoding; the inbox is dropped. */
  void stopRecording() {
    inbox = null;
  }

  /**
   * Waits for the next frame with {@code body}, passing over others (presence, for one). An Error
   * frame on the way fails the wait.
   *
   * @throws IllegalStateException if the connection is not recording, or the frame is not sent
   *     within ten seconds
   */
  Envelope await(Envelope.BodyCase body) throws InterruptedException {
    BlockingQueue<Envelope> recording = inbox;
    if (recording == null) {
      throw new IllegalStateException("start recording before sending what is awaited");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      Envelope next = recording.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (next == null) {
        throw new IllegalStateException(id + ": no " + body + " from the server within 10 s");
      }
      if (next.getBodyCase() == body) {
        return next;
      }
      if (next.getBodyCase() == Envelope.BodyCase.ERROR) {
        throw new IllegalStateException(id + ": waiting for " + body + ", got " + next);
      }
    }
  }

  /** Frames the server has sent since the last {@link #resetCounts()}. */
  long framesSent() {
    return framesSent;
  }

  void resetCounts() {
    framesSent = 0;
  }
}
