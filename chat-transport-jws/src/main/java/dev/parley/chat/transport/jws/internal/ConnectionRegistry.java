package dev.parley.chat.transport.jws.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Every accepted socket of one transport, from accept until it is closed, upgraded or not: the
 * bound behind {@code maxConnections}, the set the timer sweeps, and what shutdown closes.
 * Thread-safe.
 *
 * <p>Admission and removal take a short lock (they happen once per socket); iteration is lock-free
 * and weakly consistent.
 *
 * @param <T> the socket type
 */
final class ConnectionRegistry<T> {
  private final int maxConnections;
  private final Set<T> sockets = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  private int count;
  private boolean closing;

  ConnectionRegistry(int maxConnections) {
    if (maxConnections <= 0) {
      throw new IllegalArgumentException("maxConnections must be positive, was " + maxConnections);
    }
    this.maxConnections = maxConnections;
  }

  /**
   * Admits a newly accepted socket.
   *
   * @return false when the registry is full or closing; the caller must close the socket
   */
  boolean admit(T socket) {
    synchronized (lock) {
      if (closing || count >= maxConnections) {
        return false;
      }
      if (sockets.add(socket)) {
        count++;
      }
      return true;
    }
  }

  /** Forgets a closed socket; does nothing if it was never admitted or already removed. */
  void remove(T socket) {
    synchronized (lock) {
      if (sockets.remove(socket)) {
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
