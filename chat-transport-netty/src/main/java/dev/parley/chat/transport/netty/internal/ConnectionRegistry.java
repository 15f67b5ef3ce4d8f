package dev.parley.chat.transport.netty.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every accepted socket of one transport until it is closed, upgraded or not: the bound behind
 * {@code maxConnections} and {@code maxConnectionsPerAddress}, and what shutdown closes.
 * Thread-safe; admissions and removals happen on the event loops, shutdown on the thread that
 * closes the transport.
 *
 * <p>Admission, the counts per address and {@link #beginClosing()} take the registry's monitor, so
 * that no socket is admitted after shutdown took its list; iteration does not.
 */
final class ConnectionRegistry {
  /** Why {@link #admit} refused a socket, or that it did not. */
  enum Admission {
    ADMITTED,
    CLOSING,
    FULL,
    ADDRESS_FULL
  }

  private final int maxConnections;
  private final int maxPerAddress;
  private final Set<NettyConnection> connections = ConcurrentHashMap.newKeySet();
  private final Map<InetAddress, Integer> perAddress = new HashMap<>(); // guarded by this
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile boolean closing;

  ConnectionRegistry(int maxConnections) {
    this(maxConnections, maxConnections);
  }

  ConnectionRegistry(int maxConnections, int maxPerAddress) {
    if (maxConnections <= 0) {
      throw new IllegalArgumentException("maxConnections must be positive, was " + maxConnections);
    }
    if (maxPerAddress <= 0) {
      throw new IllegalArgumentException(
          "maxConnectionsPerAddress must be positive, was " + maxPerAddress);
    }
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
  }

  /**
   * Admits a newly accepted socket, counted against its remote address.
   *
   * @return {@link Admission#ADMITTED}, or why not: {@code maxConnections} sockets are admitted,
   *     {@code maxConnectionsPerAddress} from its address, or the transport is closing; the caller
   *     then closes the socket
   */
  synchronized Admission admit(NettyConnection connection) {
    if (closing) {
      return Admission.CLOSING;
    }
    if (connections.size() >= maxConnections) {
      return Admission.FULL;
    }
    InetAddress address = addressOf(connection);
    if (address != null && perAddress.getOrDefault(address, 0) >= maxPerAddress) {
      return Admission.ADDRESS_FULL;
    }
    if (connections.add(connection) && address != null) {
      perAddress.merge(address, 1, Integer::sum);
    }
    return Admission.ADMITTED;
  }

  /** Forgets a closed socket; does nothing if it was never admitted. */
  void remove(NettyConnection connection) {
    boolean removed;
    synchronized (this) {
      removed = connections.remove(connection);
      InetAddress address = addressOf(connection);
      if (removed && address != null) {
        perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
      }
    }
    if (removed && closing && connections.isEmpty()) {
      drained.complete(null);
    }
  }

  private static InetAddress addressOf(NettyConnection connection) {
    InetSocketAddress remote = connection.remoteAddress();
    return remote == null ? null : remote.getAddress();
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
