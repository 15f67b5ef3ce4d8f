package dev.parley.chat.client.internal;

import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.spi.ClientTransportConnection;
import dev.parley.chat.spi.ClientTransportListener;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection on {@link java.net.http.WebSocket}: the JDK listener on one side, Parley's {@link
 * ClientTransportConnection} on the other.
 *
 * <p>Inbound: the JDK hands over message parts one at a time; they are joined by a {@link
 * MessageAssembler} (a message over {@code maxMessageBytes} aborts the connection with 1009), each
 * complete binary message goes to the Parley listener, and only then is the next part requested
 * ({@code request(1)}), so the JDK never buffers ahead of the session. Text messages are not part
 * of {@code parley.v1.proto} and are ignored.
 *
 * <p>Outbound: the JDK allows one binary send in flight at a time, so sends wait in a FIFO queue
 * bounded by {@value #MAX_QUEUED_FRAMES} frames and {@value #MAX_QUEUED_BYTES} bytes. A send over
 * either bound is refused ({@code false}) and the connection aborted: the session reconnects and
 * resends from its outbox. {@link #close} lets the queue drain, then sends the Close frame.
 *
 * <p>The Parley listener gets exactly one {@code onClosed}: from the JDK's {@code onClose} or
 * {@code onError}, or, after {@link #abort()}, from a task on the I/O executor (never from inside
 * {@code abort()} itself), never while a message is being delivered. Thread-safe.
 */
final class JdkWebSocketConnection implements ClientTransportConnection, WebSocket.Listener {
  private static final Logger log = LoggerFactory.getLogger(JdkWebSocketConnection.class);
  static final int MAX_QUEUED_FRAMES = 65_536;
  static final long MAX_QUEUED_BYTES = 64L * 1024 * 1024;
  private static final int MAX_CLOSE_REASON_BYTES = 123;

  private final ClientTransportListener listener;
  private final MessageAssembler assembler;
  private final Executor executor;
  private final Consumer<JdkWebSocketConnection> onFinished;
  private final AtomicBoolean finished = new AtomicBoolean();

  /**
   * Held while the Parley listener runs: the JDK's thread delivers messages while {@link #abort()}
   * finishes on an I/O thread, and the listener's calls must not overlap.
   */
  private final Object listenerLock = new Object();

  private volatile WebSocket webSocket;

  // Guarded by this.
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean sending;
  private boolean closeRequested;
  private int closeCode;
  private String closeReason;

  JdkWebSocketConnection(
      ClientTransportListener listener,
      int maxMessageBytes,
      Executor executor,
      Consumer<JdkWebSocketConnection> onFinished) {
    this.listener = listener;
    this.assembler = new MessageAssembler(maxMessageBytes);
    this.executor = executor;
    this.onFinished = onFinished;
  }

  // --- WebSocket.Listener (the JDK's threads, one call at a time) ---

  @Override
  public void onOpen(WebSocket webSocket) {
    this.webSocket = webSocket;
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    if (finished.get()) {
      return null;
    }
    if (!assembler.append(data)) {
      webSocket.abort();
      finish(CloseCodes.MESSAGE_TOO_BIG, "an inbound message exceeded maxMessageBytes");
      return null;
    }
    if (last) {
      ByteBuffer message = assembler.take();
      synchronized (listenerLock) {
        if (finished.get()) {
          return null;
        }
        try {
          listener.onBinary(message);
        } catch (RuntimeException e) {
          log.error("transport listener failed on a message; ignored", e);
        }
      }
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    log.debug("ignoring a text frame on a binary (parley.v1.proto) connection");
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    finish(statusCode, reason);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    finish(1006, error.getClass().getSimpleName() + ": " + error.getMessage());
  }

  // --- ClientTransportConnection (any thread) ---

  /** The JDK finished the opening handshake. */
  void opened(WebSocket webSocket) {
    this.webSocket = webSocket;
  }

  @Override
  public boolean sendBinary(ByteBuffer message) {
    int length = message.remaining();
    synchronized (this) {
      if (finished.get() || closeRequested) {
        return false;
      }
      if (queue.size() < MAX_QUEUED_FRAMES && queuedBytes + length <= MAX_QUEUED_BYTES) {
        queue.add(message);
        queuedBytes += length;
        if (sending) {
          return true;
        }
        sending = true;
      } else {
        length = -1;
      }
    }
    if (length < 0) {
      log.warn(
          "outbound queue over {} frames or {} bytes; aborting",
          MAX_QUEUED_FRAMES,
          MAX_QUEUED_BYTES);
      abort();
      return false;
    }
    pump();
    return true;
  }

  @Override
  public void close(int code, String reason) {
    synchronized (this) {
      if (finished.get() || closeRequested) {
        return;
      }
      closeRequested = true;
      closeCode =
          code == CloseCodes.NORMAL || (code >= 3000 && code <= 4999) ? code : CloseCodes.NORMAL;
      closeReason = truncate(reason == null ? "" : reason);
      if (sending) {
        return; // pump() sends the Close frame once the queue is empty
      }
      sending = true;
    }
    pump();
  }

  @Override
  public void abort() {
    WebSocket socket = webSocket;
    if (socket != null) {
      socket.abort();
    }
    if (!finished.get()) {
      try {
        executor.execute(() -> finish(1006, "aborted by the client"));
      } catch (RejectedExecutionException e) {
        finish(1006, "aborted by the client");
      }
    }
  }

  @Override
  public synchronized long bufferedBytes() {
    return queuedBytes;
  }

  /** Sends queued frames one at a time; the Close frame last, if asked for. */
  private void pump() {
    while (true) {
      ByteBuffer next;
      boolean sendClose = false;
      synchronized (this) {
        next = queue.poll();
        if (next == null) {
          if (!closeRequested) {
            sending = false;
            return;
          }
          sendClose = true;
        }
      }
      WebSocket socket = webSocket;
      if (sendClose) {
        socket
            .sendClose(closeCode, closeReason)
            .whenComplete(
                (ws, failure) -> {
                  if (failure != null) {
                    abort();
                  }
                });
        return; // "sending" stays set: nothing may be sent after Close
      }
      int length = next.remaining();
      CompletableFuture<WebSocket> sent;
      try {
        sent = socket.sendBinary(next, true);
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      if (sent.isDone() && !sent.isCompletedExceptionally()) {
        sentBytes(length);
        continue;
      }
      sent.whenComplete(
          (ws, failure) -> {
            sentBytes(length);
            if (failure != null) {
              log.debug("send failed; aborting", failure);
              abort();
            } else {
              pump();
            }
          });
      return;
    }
  }

  private synchronized void sentBytes(int length) {
    queuedBytes -= length;
  }

  private void finish(int code, String reason) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    synchronized (this) {
      queue.clear();
      queuedBytes = 0;
    }
    onFinished.accept(this);
    synchronized (listenerLock) {
      try {
        listener.onClosed(code, reason == null ? "" : reason);
      } catch (RuntimeException e) {
        log.error("transport listener failed on close; ignored", e);
      }
    }
  }

  private static String truncate(String reason) {
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_CLOSE_REASON_BYTES) {
      return reason;
    }
    String cut = reason.substring(0, Math.min(reason.length(), MAX_CLOSE_REASON_BYTES));
    while (cut.getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON_BYTES) {
      cut = cut.substring(0, cut.length() - 1);
    }
    return cut;
  }
}
