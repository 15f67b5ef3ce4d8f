package dev.parley.chat.client.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names the client's own threads ({@code parley-callback-1}, {@code parley-jdk-io-2}...) and makes
 * them daemons, so a client that was never closed cannot keep the JVM alive. Remembers which
 * threads are its own, so a shutdown started from one of them does not wait for itself.
 * Thread-safe.
 */
final class DaemonThreadFactory implements ThreadFactory {
  private final String prefix;
  private final boolean numbered;
  private final AtomicInteger next = new AtomicInteger();
  private final ThreadLocal<Boolean> ours = new ThreadLocal<>();

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
    return thread;
  }

  /** Whether the calling thread was made by this factory. */
  boolean isCurrentThreadOurs() {
    return ours.get() != null;
  }
}
