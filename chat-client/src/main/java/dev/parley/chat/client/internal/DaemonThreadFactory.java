package dev.parley.chat.client.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names the client's own threads ({@code parley-callback-1}, {@code parley-jdk-io-2}...) and makes
 * them daemons, so a client that was never closed cannot keep the JVM alive. Remembers which
 * threads are its own, so a shutdown started from one of them does not wait for itself, and which
 * of them may still be running, so a close can wait until they have ended rather than only until
 * their pool reports termination (a pool's worker is still alive for a moment after that).
 * Thread-safe.
 */
final class DaemonThreadFactory implements ThreadFactory {
  private static final Logger log = LoggerFactory.getLogger(DaemonThreadFactory.class);

  private final String prefix;
  private final boolean numbered;
  private final AtomicInteger next = new AtomicInteger();
  private final ThreadLocal<Boolean> ours = new ThreadLocal<>();

  /** Threads made and not seen ended yet; pruned of ended ones whenever a thread is made. */
  private final Set<Thread> made = ConcurrentHashMap.newKeySet();

  /** Threads named {@code prefix-N}; or exactly {@code prefix} when {@code numbered} is false. */
  DaemonThreadFactory(String prefix, boolean numbered) {
    this.prefix = prefix;
    this.numbered = numbered;
  }

  @Override
  public Thread newThread(Runnable task) {
    String name = numbered ? prefix + "-" + next.incrementAndGet() : prefix;
    Thread thread =
        new Thread(
            () -> {
              ours.set(Boolean.TRUE);
              task.run();
            },
            name);
    thread.setDaemon(true);
    // not-yet-started threads are NEW, not TERMINATED, so they stay
    made.removeIf(t -> t.getState() == Thread.State.TERMINATED);
    made.add(thread);
    return thread;
  }

  /** Whether the calling thread was made by this factory. */
  boolean isCurrentThreadOurs() {
    return ours.get() != null;
  }

  /**
   * Waits up to {@code timeout} for {@code pool}, already shut down by the caller and running on
   * this factory's threads, to terminate and for every thread this factory made to have ended.
   * Returns at once when {@code pool} is null or when called from one of those threads (it would
   * wait for itself). Logs a warning naming {@code what} if some are still running at the deadline;
   * they are daemons, so they cannot keep the JVM alive. Keeps the caller's interrupt.
   */
  void awaitEnded(ExecutorService pool, Duration timeout, String what) {
    if (pool == null || isCurrentThreadOurs()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      boolean ended = pool.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
      for (Thread thread : made) {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
        ended &= !thread.isAlive();
      }
      if (!ended) {
        log.warn("{} threads still running {} after close; they are daemons", what, timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
