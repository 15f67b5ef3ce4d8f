package dev.parley.chat.transport.jws.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import org.java_websocket.WrappedByteChannel;

/**
 * One accepted socket's TLS, between Java-WebSocket and the socket: reads return decrypted bytes,
 * writes take plaintext and report how much of it was consumed. Used in place of the library's
 * {@code SSLSocketChannel2}, which keeps write interest for the whole handshake (a peer that
 * connects and sends nothing spins the selector: Java-WebSocket issues #896, #458), reports
 * ciphertext counts from {@code write}, and runs the engine's tasks on a separate executor that it
 * then polls.
 *
 * <p>Here the engine's delegated tasks run inline, on the selector thread, where every read and
 * write happens; write interest is asked for only while encrypted bytes wait for the socket or the
 * engine has something to send; a peer that sends nothing costs nothing until the handshake
 * deadline closes it. Bytes that are not TLS fail the read with an {@link SSLException}, which the
 * library turns into a closed socket. Thread-safe: every method holds the channel's monitor ({@link
 * #close()} may come from the timer thread).
 */
final class TlsChannel implements ByteChannel, WrappedByteChannel {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final SocketChannel socket;
  private final SSLEngine engine;
  private final SelectionKey key;
  private ByteBuffer netIn; // ciphertext read, not yet unwrapped; kept flipped (readable)
  private final ByteBuffer netOut; // ciphertext wrapped, not yet written; kept flipped
  private ByteBuffer appIn; // plaintext unwrapped, not yet handed out; kept flipped
  private boolean underflow = true; // the last unwrap needed more ciphertext
  private boolean inboundClosed;

  TlsChannel(SocketChannel socket, SSLEngine engine, SelectionKey key) throws SSLException {
    this.socket = socket;
    this.engine = engine;
    this.key = key;
    int packet = engine.getSession().getPacketBufferSize();
    int application = engine.getSession().getApplicationBufferSize();
    this.netIn = ByteBuffer.allocate(packet).flip();
    this.netOut = ByteBuffer.allocate(packet).flip();
    this.appIn = ByteBuffer.allocate(Math.max(application, packet)).flip();
    engine.beginHandshake();
  }

  /** The engine, for its session once the handshake is done. */
  SSLEngine engine() {
    return engine;
  }

  @Override
  public synchronized int read(ByteBuffer destination) throws IOException {
    if (appIn.hasRemaining()) {
      return transfer(appIn, destination);
    }
    if (inboundClosed) {
      return -1;
    }
    netIn.compact();
    int count;
    try {
      count = socket.read(netIn);
    } finally {
      netIn.flip();
    }
    if (count < 0) {
      inboundClosed = true;
      return appIn.hasRemaining() ? transfer(appIn, destination) : -1;
    }
    progress();
    if (appIn.hasRemaining()) {
      return transfer(appIn, destination);
    }
    return inboundClosed ? -1 : 0;
  }

  @Override
  public synchronized int readMore(ByteBuffer destination) throws IOException {
    if (!appIn.hasRemaining() && netIn.hasRemaining() && !underflow) {
      progress();
    }
    if (appIn.hasRemaining()) {
      return transfer(appIn, destination);
    }
    return inboundClosed ? -1 : 0;
  }

  @Override
  public synchronized boolean isNeedRead() {
    return appIn.hasRemaining() || (netIn.hasRemaining() && !underflow && !inboundClosed);
  }

  @Override
  public synchronized int write(ByteBuffer source) throws IOException {
    if (!flush()) {
      return 0;
    }
    if (isHandshaking()) {
      progress();
      return 0;
    }
    int before = source.remaining();
    while (source.hasRemaining()) {
      netOut.compact();
      SSLEngineResult result;
      try {
        result = engine.wrap(source, netOut);
      } finally {
        netOut.flip();
      }
      if (result.getStatus() == Status.CLOSED) {
        throw new EOFException("the TLS session is closed");
      }
      if (!flush() || result.getStatus() != Status.OK) {
        break;
      }
    }
    return before - source.remaining();
  }

  @Override
  public synchronized boolean isNeedWrite() {
    return netOut.hasRemaining() || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
  }

  @Override
  public synchronized void writeMore() throws IOException {
    if (flush() && isHandshaking()) {
      progress();
    }
  }

  @Override
  public synchronized boolean isBlocking() {
    return socket.isBlocking();
  }

  @Override
  public synchronized boolean isOpen() {
    return socket.isOpen();
  }

  /** Sends close_notify if the socket takes it at once, then closes the socket. */
  @Override
  public synchronized void close() throws IOException {
    try {
      if (socket.isOpen() && !engine.isOutboundDone()) {
        engine.closeOutbound();
        netOut.compact();
        try {
          engine.wrap(EMPTY, netOut);
        } finally {
          netOut.flip();
        }
        socket.write(netOut);
      }
    } catch (IOException e) {
      // closing anyway
    } finally {
      socket.close();
    }
  }

  private boolean isHandshaking() {
    HandshakeStatus status = engine.getHandshakeStatus();
    return status != HandshakeStatus.NOT_HANDSHAKING && status != HandshakeStatus.FINISHED;
  }

  /**
   * Moves the engine as far as it can go without waiting for the peer: runs its tasks, wraps what
   * it must send (handshake messages, answers to the peer's), and unwraps the ciphertext read into
   * {@link #appIn} while there is room.
   */
  private void progress() throws IOException {
    while (true) {
      HandshakeStatus status = engine.getHandshakeStatus();
      if (status == HandshakeStatus.NEED_TASK) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
          task.run();
        }
      } else if (status == HandshakeStatus.NEED_WRAP) {
        netOut.compact();
        SSLEngineResult result;
        try {
          result = engine.wrap(EMPTY, netOut);
        } finally {
          netOut.flip();
        }
        if (!flush() || result.getStatus() != Status.OK) {
          return; // write interest resumes it; CLOSED ends here too
        }
      } else if (!unwrap()) {
        return;
      }
    }
  }

  /** One unwrap; whether it made progress worth another turn. */
  private boolean unwrap() throws SSLException {
    if (!netIn.hasRemaining() || inboundClosed) {
      underflow = true;
      return false;
    }
    appIn.compact();
    SSLEngineResult result;
    try {
      result = engine.unwrap(netIn, appIn);
    } finally {
      appIn.flip();
    }
    underflow = result.getStatus() == Status.BUFFER_UNDERFLOW;
    if (underflow && netIn.remaining() == netIn.capacity()) {
      // a record larger than the buffer (the session's packet size grew): make room for it
      netIn = grow(netIn, engine.getSession().getPacketBufferSize());
      return false;
    }
    if (result.getStatus() == Status.BUFFER_OVERFLOW && !appIn.hasRemaining()) {
      appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
      return true;
    }
    if (result.getStatus() == Status.CLOSED) {
      inboundClosed = true;
      return false;
    }
    if (result.getStatus() != Status.OK) {
      return false; // underflow: more ciphertext needed; overflow: appIn must drain first
    }
    return result.bytesConsumed() > 0 || result.bytesProduced() > 0;
  }

  /** Writes pending ciphertext; whether all of it went. If not, asks for write interest. */
  private boolean flush() throws IOException {
    if (netOut.hasRemaining()) {
      socket.write(netOut);
    }
    if (netOut.hasRemaining()) {
      try {
        key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
      } catch (CancelledKeyException e) {
        throw new EOFException("the socket is closed");
      }
      return false;
    }
    return true;
  }

  /**
   * A larger buffer (at least {@code size}, at least double) with the readable bytes of {@code
   * old}.
   */
  private static ByteBuffer grow(ByteBuffer old, int size) {
    ByteBuffer larger = ByteBuffer.allocate(Math.max(size, 2 * old.capacity()));
    larger.put(old);
    return larger.flip();
  }

  private static int transfer(ByteBuffer from, ByteBuffer to) {
    int count = Math.min(from.remaining(), to.remaining());
    ByteBuffer slice = from.duplicate();
    slice.limit(slice.position() + count);
    to.put(slice);
    from.position(from.position() + count);
    return count;
  }
}
