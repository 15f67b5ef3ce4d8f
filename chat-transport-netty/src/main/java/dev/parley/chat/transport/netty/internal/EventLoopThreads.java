package dev.parley.chat.transport.netty.internal;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes a transport's event-loop threads, daemon and named {@code <prefix><n>}, and remembers them,
 * so that the transport can tell its own threads from others and join them when it closes (a
 * terminated event loop's thread may still be finishing). Thread-safe.
 */
final class EventLoopThreads implements ThreadFactory {
  private final String prefix;
  private final AtomicInteger count = new AtomicInteger();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

  /** Threads will be named {@code prefix} followed by 1, 2, ... */
  EventLoopThreads(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable task) {
    // Netty's FastThreadLocal is faster on its own thread type.
    Thread thread = new FastThreadLocalThread(task, prefix + count.incrementAndGet());
    thread.setDaemon(true);
    threads.add(thread);
    return thread;
  }

  /** Whether {@code thread} was made here. */
  boolean owns(Thread thread) {
    return threads.contains(thread);
  }

  /** The threads made so far. */
  List<Thread> threads() {
    return List.copyOf(threads);
  }

  /**
   * Waits for every thread made here to end, each for at most {@code timeout}.
   *
   * @return the names of those still alive
   */
  List<String> join(long timeout, TimeUnit unit) throws InterruptedException {
    for (Thread thread : threads) {
      thread.join(Math.max(1, unit.toMillis(timeout)));
    }
    return threads.stream().filter(Thread::isAlive).map(Thread::getName).sorted().toList();
  }
}
