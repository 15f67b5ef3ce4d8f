package dev.parley.chat.transport.jws.internal;

import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.TransportConnection;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one connection's events to the handler one at a time, in the order they were submitted,
 * as {@code onOpen}, messages, then exactly one {@code onClose}; or nothing at all for a connection
 * that closed before it opened. Thread-safe and lock-free.
 *
 * <p>Java-WebSocket reports a connection's messages on its worker thread but its close on whichever
 * thread noticed it (selector, worker, timer), possibly while a message is still being delivered,
 * and it calls listeners while holding the connection's monitor (the cause of its deadlocks #287,
 * #798, #1101). Here the thread that submits an event delivers it only if no other thread is
 * delivering for this connection; otherwise it queues the event for that thread and returns at
 * once. No lock is held while the handler runs.
 *
 * <p>A handler that throws is logged and the next event is still delivered.
 */
final class ConnectionEvents {
  private static final Logger log = LoggerFactory.getLogger(ConnectionEvents.class);

  private enum State {
    NEW,
    OPEN,
    CLOSED
  }

  private final ServerTransportHandler handler;
  private final TransportConnection connection;
  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private volatile boolean closeSubmitted;

  /** Read and written only by the thread currently draining. */
  private State state = State.NEW;

  ConnectionEvents(ServerTransportHandler handler, TransportConnection connection) {
    this.handler = handler;
    this.connection = connection;
  }

  /** The upgrade completed. */
  void opened() {
    submit(
        () -> {
          if (state == State.NEW) {
            state = State.OPEN;
            handler.onOpen(connection);
          }
        });
  }

  /** A complete binary message arrived; dropped if the close was already reported. */
  void binary(ByteBuffer message) {
    if (closeSubmitted) {
      return;
    }
    submit(
        () -> {
          if (state == State.OPEN) {
            handler.onBinary(connection, message);
          }
        });
  }

  /** A complete text message arrived; dropped if the close was already reported. */
  void text(String message) {
    if (closeSubmitted) {
      return;
    }
    submit(
        () -> {
          if (state == State.OPEN) {
            handler.onText(connection, message);
          }
        });
  }

  /** The socket is closed; only the first call counts. */
  void closed(int code, String reason, boolean remote) {
    closeSubmitted = true;
    submit(
        () -> {
          State was = state;
          state = State.CLOSED;
          if (was == State.OPEN) {
            handler.onClose(connection, code, reason == null ? "" : reason, remote);
          }
        });
  }

  private void submit(Runnable event) {
    queue.add(event);
    if (pending.getAndIncrement() != 0) {
      return; // another thread is delivering and will run this event next
    }
    do {
      Runnable next = queue.poll();
      try {
        next.run();
      } catch (RuntimeException e) {
        log.warn("handler failed on connection {}", connection.id(), e);
      }
    } while (pending.decrementAndGet() != 0);
  }
}
