package dev.parley.chat.transport.jws.internal;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Every accepted socket of one transport, from accept until it is closed, upgraded or not: the
 * bound behind {@code maxConnections} and {@code maxConnectionsPerAddress}, the set the timer
 * sweeps, and what shutdown closes. Thread-safe.
 *
 * <p>Admission and removal take a short lock (they happen once per socket); iteration is lock-free
 * and weakly consistent.
 *
 * @param <T> the socket type
 */
final class ConnectionRegistry<T> {
  /** Why {@link #admit} refused a socket, or that it did not. */
  enum Admission {
    ADMITTED,
    CLOSING,
    FULL,
    ADDRESS_FULL
  }

  private final int maxConnections;
  private final int maxPerAddress;
  private final Set<T> sockets = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  private final Map<T, InetAddress> addresses = new HashMap<>(); // guarded by lock
  private final Map<InetAddress, Integer> perAddress = new HashMap<>(); // guarded by lock
  private int count;
  private boolean closing;

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
   * Admits a newly accepted socket that is counted against no address.
   *
   * @return false when the registry is full or closing; the caller must close the socket
   */
  boolean admit(T socket) {
    return admit(socket, null) == Admission.ADMITTED;
  }

  /**
   * Admits a newly accepted socket from {@code address} ({@code null}: counted against none).
   *
   * @return {@link Admission#ADMITTED}, or why not; when not, the caller must close the socket
   */
  Admission admit(T socket, InetAddress address) {
    synchronized (lock) {
      if (closing) {
        return Admission.CLOSING;
      }
      if (count >= maxConnections) {
        return Admission.FULL;
      }
      if (address != null && perAddress.getOrDefault(address, 0) >= maxPerAddress) {
        return Admission.ADDRESS_FULL;
      }
      if (sockets.add(socket)) {
        count++;
        if (address != null) {
          addresses.put(socket, address);
          perAddress.merge(address, 1, Integer::sum);
        }
      }
      return Admission.ADMITTED;
    }
  }

  /** Forgets a closed socket; does nothing if it was never admitted or already removed. */
  void remove(T socket) {
    synchronized (lock) {
      if (sockets.remove(socket)) {
        InetAddress address = addresses.remove(socket);
        if (address != null) {
          perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        }
        count--;
        if (count == 0) {
          lock.notifyAll();
        }
      }
    }
  }

  /** Sockets currently admitted (weakly consistent view). */
  Iterable<T> sockets() {
    return sockets;
  }

  /** How many sockets are admitted. */
  int size() {
    synchronized (lock) {
      return count;
    }
  }

  /** Whether {@link #beginClosing()} was called. */
  boolean isClosing() {
    synchronized (lock) {
      return closing;
    }
  }

  /** Refuses every further admission and returns the sockets admitted so far. */
  List<T> beginClosing() {
    synchronized (lock) {
      closing = true;
      return List.copyOf(sockets);
    }
  }

  /**
   * Waits until no socket is admitted or the timeout passes.
   *
   * @param ticker the clock, in nanoseconds
   * @return whether the registry is empty
   */
  boolean awaitEmpty(long timeout, TimeUnit unit, LongSupplier ticker) throws InterruptedException {
    long deadline = ticker.getAsLong() + unit.toNanos(timeout);
    synchronized (lock) {
      while (count > 0) {
        long left = deadline - ticker.getAsLong();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }
}
