package dev.parley.chat.client.internal;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serial executor over the client's callback executor: one session's listener calls run one at a
 * time, in the order they were enqueued, never two at once, on whatever threads the underlying
 * executor offers.
 *
 * <p>{@link #enqueue} only adds to the queue and never runs anything, so the session may call it
 * while holding its lock; {@link #flush} (called after the lock is released) makes sure a drain is
 * scheduled. A drain runs at most {@value #BATCH} tasks before it hands the thread back, so one
 * busy session does not starve the others. A task that throws is logged and skipped.
 *
 * <p>The queue itself does not refuse tasks: the session bounds it by dropping its connection when
 * the listener falls more than {@code maxPendingCallbacks} events behind (see {@link
 * RealChatSession}). Thread-safe.
 */
final class CallbackQueue {
  private static final Logger log = LoggerFactory.getLogger(CallbackQueue.class);
  private static final int BATCH = 128;

  private final Executor executor;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  CallbackQueue(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** Adds a task; it runs after every task enqueued before it. Never runs it on this thread. */
  void enqueue(Runnable task) {
    tasks.add(task);
    size.incrementAndGet();
  }

  /** Tasks waiting to run. */
  int size() {
    return size.get();
  }

  /** Schedules a drain on the executor unless one is scheduled or running. */
  void flush() {
    if (tasks.isEmpty() || !scheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      scheduled.set(false);
      log.warn("callback executor refused work; {} listener calls wait for the next flush", size());
    }
  }

  private void drain() {
    for (int i = 0; i < BATCH; i++) {
      Runnable task = tasks.poll();
      if (task == null) {
        break;
      }
      size.decrementAndGet();
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        if (e instanceof VirtualMachineError) {
          throw e;
        }
        log.warn("listener threw; ignored", e);
      }
    }
    scheduled.set(false);
    flush();
  }
}
