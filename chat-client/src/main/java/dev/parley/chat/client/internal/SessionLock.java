package dev.parley.chat.client.internal;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one lock of a session, and the only way into its state. {@link #run} and {@link #call} run
 * engine work under the lock, then, with the lock released, dispatch what the work deferred (future
 * completions, connection closes, listener calls; see {@link SessionEvents}). A call made while the
 * lock is already held by the same thread (a transport reporting a close from inside {@code
 * abort()}, say) runs inline and leaves the dispatch to the outermost call, so application code
 * never runs under the lock. Timers scheduled here run their work the same way. Thread-safe.
 */
final class SessionLock {
  private static final Logger log = LoggerFactory.getLogger(SessionLock.class);

  private final Object monitor = new Object();
  private final SessionEvents events;
  private final ScheduledExecutorService scheduler;

  SessionLock(SessionEvents events, ScheduledExecutorService scheduler) {
    this.events = events;
    this.scheduler = scheduler;
  }

  void run(Runnable work) {
    call(
        () -> {
          work.run();
          return null;
        });
  }

  <T> T call(Supplier<T> work) {
    if (Thread.holdsLock(monitor)) {
      return work.get();
    }
    T result;
    SessionEvents.Deferred deferred = SessionEvents.Deferred.NONE;
    try {
      synchronized (monitor) {
        try {
          result = work.get();
        } finally {
          deferred = events.takeDeferred();
        }
      }
    } finally {
      events.dispatch(deferred); // even if the work threw: what it queued must still go out
    }
    return result;
  }

  /** Runs {@code work} under the lock after {@code delay}; null if the scheduler is shut down. */
  ScheduledFuture<?> schedule(Duration delay, Runnable work) {
    try {
      return scheduler.schedule(
          () -> run(work), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("timer refused: the client is closing");
      return null;
    }
  }
}
