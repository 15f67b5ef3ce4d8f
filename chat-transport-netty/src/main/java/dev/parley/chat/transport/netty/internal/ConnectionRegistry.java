package dev.parley.chat.transport.netty.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every accepted socket of one transport until it is closed, upgraded or not: the bound behind
 * {@code maxConnections}, and what shutdown closes. Thread-safe; admissions and removals happen on
 * the event loops, shutdown on the thread that closes the transport.
 *
 * <p>Admission and {@link #beginClosing()} take the registry's monitor, so that no socket is
 * admitted after shutdown took its list; removal and iteration do not.
 */
final class ConnectionRegistry {
  private final int maxConnections;
  private final Set<NettyConnection> connections = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile boolean closing;

  ConnectionRegistry(int maxConnections) {
    if (maxConnections <= 0) {
      throw new IllegalArgumentException("maxConnections must be positive, was " + maxConnections);
    }
    this.maxConnections = maxConnections;
  }

  /**
   * Admits a newly accepted socket.
   *
   * @return false when {@code maxConnections} sockets are already admitted or the transport is
   *     closing; the caller closes the socket
   */
  synchronized boolean admit(NettyConnection connection) {
    if (closing || connections.size() >= maxConnections) {
      return false;
    }
    return connections.add(connection);
  }

  /** Forgets a closed socket; does nothing if it was never admitted. */
  void remove(NettyConnection connection) {
    if (connections.remove(connection) && closing && connections.isEmpty()) {
      drained.complete(null);
    }
  }

  /** How many sockets are admitted. */
  int size() {
    return connections.size();
  }

  /** Refuses every further admission and returns the sockets admitted so far. */
  synchronized List<NettyConnection> beginClosing() {
    closing = true;
    if (connections.isEmpty()) {
      drained.complete(null);
    }
    return List.copyOf(connections);
  }

  /** The sockets still admitted (weakly consistent). */
  Iterable<NettyConnection> remaining() {
    return connections;
  }

  /**
   * After {@link #beginClosing()}: waits until every socket is removed or the timeout passes.
   *
   * @return whether every socket was removed
   */
  boolean awaitDrained(long timeout, TimeUnit unit) throws InterruptedException {
    try {
      drained.get(timeout, unit);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("never completed exceptionally", e);
    }
  }
}
