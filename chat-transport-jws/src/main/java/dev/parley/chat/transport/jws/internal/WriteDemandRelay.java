package dev.parley.chat.transport.jws.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketListener;
import org.java_websocket.drafts.Draft;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns "this socket has frames to write" into write interest on Java-WebSocket's selector thread,
 * and only there. Thread-safe.
 *
 * <h2>Why</h2>
 *
 * Java-WebSocket 1.6.0 writes a socket's queue on its selector thread ({@code
 * WebSocketServer.doWrite}): it writes until the queue is empty, then sets the key's interest back
 * to read only. A frame queued by another thread sets the interest to read and write ({@code
 * WebSocketServer.onWriteDemand}). Nothing orders the two: when the other thread queues its frame
 * and sets write interest after the selector thread saw the queue empty but before it cleared the
 * interest, the clear wins. The frame then waits in the queue until something else asks for a write
 * on that socket, typically the next liveness ping, tens of seconds later: a client's Welcome,
 * Joined or SendAck "hangs". A loaded machine widens the window (the selector thread is preempted
 * inside it), which is why the stall was seen mostly on busy machines.
 *
 * <h2>How</h2>
 *
 * Every socket's write demand comes here ({@link #demand}) instead of to the library. On the
 * selector thread itself the interest is set at once. From any other thread the socket is queued
 * (once until it is served) and a byte written to a pipe that is registered with the library's own
 * selector; the selector thread reads that pipe through {@link #channel} like any socket, and there
 * sets write interest for every queued socket whose output queue is not empty. Both the clear and
 * the set now happen on one thread, so the later one always sees the queue as it is. The pipe byte
 * also does the job of the library's {@code selector.wakeup()}.
 *
 * <p>The pipe is registered on the selector thread when the first socket is accepted ({@link
 * #attach}); no socket can ask for a write before that. {@link #close} closes it.
 */
final class WriteDemandRelay {
  private static final Logger log = LoggerFactory.getLogger(WriteDemandRelay.class);

  private final Queue<JwsSocket> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean signalled = new AtomicBoolean();
  private final ByteBuffer signal = ByteBuffer.allocate(1);
  private final ByteBuffer drain = ByteBuffer.allocate(64);
  private volatile Pipe pipe;
  private volatile Thread selectorThread;

  /**
   * Registers the relay's pipe with the library's selector; called on the selector thread at each
   * accept, does something only the first time.
   *
   * @param selector the selector the library's sockets are registered with
   * @param listener the listener the stand-in connection for the pipe reports to (never called: the
   *     stand-in never opens)
   * @param drafts drafts for the stand-in connection
   */
  void attach(Selector selector, WebSocketListener listener, List<Draft> drafts)
      throws IOException {
    if (pipe != null) {
      return;
    }
    Pipe opened = Pipe.open();
    opened.source().configureBlocking(false);
    opened.sink().configureBlocking(false);
    // The library's loop treats every readable key as a connection: the stand-in gives it one
    // whose channel is the pipe. Reading it runs drainPending(); it never yields data, so the
    // stand-in is never handed to a worker.
    WebSocketImpl standIn = new WebSocketImpl(listener, drafts);
    SelectionKey key = opened.source().register(selector, SelectionKey.OP_READ, standIn);
    standIn.setSelectionKey(key);
    standIn.setChannel(new SignalChannel(opened.source()));
    selectorThread = Thread.currentThread();
    pipe = opened;
  }

  /** {@code socket} has queued output: makes sure the selector thread writes it. Any thread. */
  void demand(JwsSocket socket) {
    if (Thread.currentThread() == selectorThread) {
      armWrite(socket);
      return;
    }
    if (!socket.claimWriteDemand()) {
      return; // already queued here and not served yet: it will see this frame too
    }
    pending.add(socket);
    if (signalled.compareAndSet(false, true)) {
      signal();
    }
  }

  private void signal() {
    Pipe current = pipe;
    if (current == null) {
      return; // closed
    }
    synchronized (signal) {
      try {
        signal.clear();
        current.sink().write(signal);
      } catch (IOException e) {
        // closed by close(): the transport is stopping and no more writes matter
        log.debug("write demand signal not sent: {}", e.toString());
      }
    }
  }

  /** On the selector thread: serves every queued demand. */
  private void drainPending() {
    Pipe current = pipe;
    if (current != null) {
      try {
        int read;
        do {
          drain.clear();
          read = current.source().read(drain);
        } while (read > 0);
      } catch (IOException e) {
        // closed by close() meanwhile: the transport is stopping
      }
    }
    // Only after the pipe is empty: a signal raised before this point has its socket queued
    // already (queued before signalled), so the loop below serves it; one raised after it writes a
    // byte this drain did not read, so the next drain runs. Cleared before reading the pipe, a
    // byte written for a socket queued after the loop could be read here, leaving the flag set
    // with an empty pipe, and that socket's frame waiting for the next ping.
    signalled.set(false);
    JwsSocket socket;
    while ((socket = pending.poll()) != null) {
      socket.releaseWriteDemand();
      armWrite(socket);
    }
  }

  /** On the selector thread: asks for a write if the socket has output waiting. */
  private static void armWrite(JwsSocket socket) {
    SelectionKey key = socket.getSelectionKey();
    if (key == null || socket.outQueue.isEmpty()) {
      return;
    }
    try {
      key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    } catch (CancelledKeyException e) {
      // the socket was closed: what is left will never be written (as the library does)
      socket.outQueue.clear();
    }
  }

  /** Closes the pipe; demands made afterwards are ignored. */
  void close() {
    Pipe current = pipe;
    pipe = null;
    if (current == null) {
      return;
    }
    try {
      current.sink().close();
      current.source().close();
    } catch (IOException e) {
      log.debug("closing the write demand pipe failed: {}", e.toString());
    }
  }

  /** The pipe as the library reads it: each read serves the queued demands and yields nothing. */
  private final class SignalChannel implements ByteChannel {
    private final Pipe.SourceChannel source;

    SignalChannel(Pipe.SourceChannel source) {
      this.source = source;
    }

    @Override
    public int read(ByteBuffer destination) {
      drainPending();
      return 0;
    }

    @Override
    public int write(ByteBuffer source) {
      return 0;
    }

    @Override
    public boolean isOpen() {
      return source.isOpen();
    }

    @Override
    public void close() throws IOException {
      source.close();
    }
  }
}
