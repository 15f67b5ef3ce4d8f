package dev.parley.chat.client.internal;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The client's callback executor and timer: the application's, or the client's own, which it shuts
 * down on close.
 *
 * <ul>
 *   <li>Callbacks, by default: a cached pool of daemon threads {@code parley-callback-N}; a thread
 *       idle for {@value #IDLE_SECONDS} seconds exits, so an idle client holds none. It has no
 *       queue; the work given to it is bounded by the sessions (one drain each) and their pending
 *       futures.
 *   <li>Timer, by default: one daemon thread {@code parley-client-timer}; cancelled timers are
 *       removed from its queue at once, so the queue holds only live timers (a bounded number per
 *       session).
 * </ul>
 *
 * Thread-safe.
 */
final class ClientExecutors {
  static final long IDLE_SECONDS = 2;
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(2);

  /** Most I/O threads of one client transport's pool. */
  static final int TRANSPORT_IO_THREADS = 8;

  /** Tasks one client transport's I/O pool queues at most. */
  static final int TRANSPORT_IO_QUEUE = 65_536;

  /**
   * The I/O pool a client transport gives its {@code HttpClient}: {@value #TRANSPORT_IO_THREADS}
   * threads at most (one per core, two at least), which exit after {@value #IDLE_SECONDS} s idle,
   * with a queue bounded at {@value #TRANSPORT_IO_QUEUE} tasks. The caller shuts it down.
   */
  static ThreadPoolExecutor transportIo(ThreadFactory threads) {
    int size =
        Math.max(2, Math.min(TRANSPORT_IO_THREADS, Runtime.getRuntime().availableProcessors()));
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            size,
            size,
            IDLE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(TRANSPORT_IO_QUEUE),
            threads);
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private final Executor callbacks;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService ownedCallbacks;
  private final ScheduledExecutorService ownedScheduler;
  private final DaemonThreadFactory callbackThreads =
      new DaemonThreadFactory("parley-callback", true);
  private final DaemonThreadFactory timerThread =
      new DaemonThreadFactory("parley-client-timer", false);

  /** Uses the given executor and scheduler; creates the client's own for those that are null. */
  ClientExecutors(Executor callbacks, ScheduledExecutorService scheduler) {
    if (callbacks == null) {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              0,
              Integer.MAX_VALUE,
              IDLE_SECONDS,
              TimeUnit.SECONDS,
              new SynchronousQueue<>(),
              callbackThreads);
      this.ownedCallbacks = pool;
      this.callbacks = pool;
    } else {
      this.ownedCallbacks = null;
      this.callbacks = callbacks;
    }
    if (scheduler == null) {
      ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, timerThread);
      timer.setRemoveOnCancelPolicy(true);
      timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      this.ownedScheduler = timer;
      this.scheduler = timer;
    } else {
      this.ownedScheduler = null;
      this.scheduler = scheduler;
    }
  }

  Executor callbacks() {
    return callbacks;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /**
   * Stops the client's own threads: the timer at once, the callback pool after the calls already
   * queued (such as the sessions' last {@code onClosed}) have run. Waits a little for them unless
   * called from one of them. The application's executors are left alone.
   */
  void shutdown() {
    if (ownedScheduler != null) {
      ownedScheduler.shutdownNow();
    }
    if (ownedCallbacks != null) {
      ownedCallbacks.shutdown();
    }
    timerThread.awaitEnded(ownedScheduler, SHUTDOWN_WAIT, "client timer");
    callbackThreads.awaitEnded(ownedCallbacks, SHUTDOWN_WAIT, "client callback");
  }
}
