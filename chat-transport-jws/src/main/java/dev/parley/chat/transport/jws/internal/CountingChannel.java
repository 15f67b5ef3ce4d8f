package dev.parley.chat.transport.jws.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.java_websocket.WrappedByteChannel;

/**
 * An accepted socket as Java-WebSocket reads and writes it, counting the bytes written so that
 * {@link JwsSocket#bufferedBytes()} is a subtraction rather than a walk over the library's output
 * queue, and the reads so that {@link JwsSocket#eot()} can wait for the data read before the end of
 * the stream. The time of the last read is the peer's liveness: it is taken on the selector thread,
 * so a backed-up worker does not make a live peer look silent. Thread-safe (the library reads and
 * writes on its selector thread; anyone may read the counts).
 *
 * <p>{@link #close()} first discards input that already arrived (up to {@value #DISCARD_LIMIT}
 * bytes): closing a socket with unread input makes the kernel send a reset, which can destroy the
 * close frame just written before the peer reads it (for example a 1009 sent while the peer is
 * still sending its oversized message).
 *
 * <p>With TLS the bytes go through a {@link TlsChannel} ({@code wire}); every count here is of
 * plaintext, and the library's extra-read and extra-write calls ({@link WrappedByteChannel}) go to
 * it. Without TLS {@code wire} is the socket and those calls do nothing.
 */
final class CountingChannel implements ByteChannel, WrappedByteChannel {
  private static final int DISCARD_LIMIT = 64 * 1024;

  private final SocketChannel socket;
  private final ByteChannel wire; // the socket, or TLS over it
  private final LongSupplier ticker;
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong buffersRead = new AtomicLong();
  private volatile long lastReadAt;
  private volatile UpgradeRefusal refusal;
  private ByteBuffer refused; // the library's refusal being replaced; selector thread only
  private ByteBuffer answer; // what is written in its place; selector thread only

  CountingChannel(SocketChannel socket, ByteChannel wire, LongSupplier ticker, long acceptedAt) {
    this.socket = socket;
    this.wire = wire;
    this.ticker = ticker;
    this.lastReadAt = acceptedAt;
  }

  /** When a read last returned data (the accept time if none did yet). */
  long lastReadAt() {
    return lastReadAt;
  }

  /** The accepted socket itself. */
  SocketChannel socket() {
    return socket;
  }

  /** Bytes written to the socket so far. */
  long writtenBytes() {
    return written.get();
  }

  /**
   * How many reads returned data. Java-WebSocket hands each such read to the socket's worker as one
   * buffer, so this is also the number of buffers the worker will decode.
   */
  long buffersRead() {
    return buffersRead.get();
  }

  @Override
  public int read(ByteBuffer destination) throws IOException {
    int count = wire.read(destination);
    if (count > 0) {
      lastReadAt = ticker.getAsLong();
      buffersRead.incrementAndGet();
    }
    return count;
  }

  /**
   * More decrypted bytes from what TLS already read. A failure ends the stream (-1) rather than
   * throwing: the library reports an exception from here against whichever socket it handled last.
   */
  @Override
  public int readMore(ByteBuffer destination) {
    if (!(wire instanceof TlsChannel tls)) {
      return 0;
    }
    int count;
    try {
      count = tls.readMore(destination);
    } catch (IOException e) {
      return -1;
    }
    if (count > 0) {
      lastReadAt = ticker.getAsLong();
      buffersRead.incrementAndGet();
    }
    return count;
  }

  @Override
  public boolean isNeedRead() {
    return wire instanceof TlsChannel tls && tls.isNeedRead();
  }

  @Override
  public boolean isNeedWrite() {
    return wire instanceof TlsChannel tls && tls.isNeedWrite();
  }

  @Override
  public void writeMore() throws IOException {
    if (wire instanceof TlsChannel tls) {
      tls.writeMore();
    }
  }

  @Override
  public boolean isBlocking() {
    return socket.isBlocking();
  }

  /** Where this socket's refused upgrade finds its status; see {@link UpgradeRefusal}. */
  void refusal(UpgradeRefusal refusal) {
    this.refusal = refusal;
  }

  @Override
  public int write(ByteBuffer source) throws IOException {
    UpgradeRefusal upgradeRefusal = refusal;
    if (upgradeRefusal != null
        && upgradeRefusal.status() != 0
        && (source == refused || UpgradeRefusal.isLibraryRefusal(source))) {
      return writeInstead(upgradeRefusal, source);
    }
    int count = wire.write(source);
    if (count > 0) {
      written.addAndGet(count);
    }
    return count;
  }

  /**
   * Writes the recorded refusal in place of the library's: {@code source} counts as written once
   * the whole replacement is.
   */
  private int writeInstead(UpgradeRefusal upgradeRefusal, ByteBuffer source) throws IOException {
    if (source != refused) {
      refused = source;
      answer = upgradeRefusal.answer();
    }
    int count = wire.write(answer);
    if (count > 0) {
      written.addAndGet(count);
    }
    if (!answer.hasRemaining()) {
      source.position(source.limit());
    }
    return count;
  }

  @Override
  public boolean isOpen() {
    return socket.isOpen();
  }

  @Override
  public void close() throws IOException {
    discardPendingInput();
    wire.close();
  }

  private void discardPendingInput() {
    if (!socket.isOpen() || socket.isBlocking()) {
      return;
    }
    ByteBuffer scratch = ByteBuffer.allocate(8 * 1024);
    try {
      for (int discarded = 0; discarded < DISCARD_LIMIT; ) {
        scratch.clear();
        int count = socket.read(scratch);
        if (count <= 0) {
          return;
        }
        discarded += count;
      }
    } catch (IOException e) {
      // the socket is failing anyway; close it
    }
  }
}
