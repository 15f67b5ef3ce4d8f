package dev.parley.chat.server.internal;

import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serial lanes over a shared executor: tasks with the same key run one at a time, in the order they
 * were submitted, each on an executor thread; tasks with different keys run independently, so a
 * task that blocks holds up its own lane and one executor thread, nothing else. A lane exists only
 * while it has work. Thread-safe.
 *
 * <p>A task is asynchronous: the lane moves on when the stage it returns completes. Each lane holds
 * at most {@code maxQueued} waiting tasks; {@link #submit} refuses more.
 *
 * @param <K> what a lane is keyed by (a room, a session)
 */
final class SerialLanes<K> {
  private static final Logger log = LoggerFactory.getLogger(SerialLanes.class);

  /** One unit of work on a lane. */
  interface Task {
    /** Runs on an executor thread; the lane moves on when the returned stage completes. */
    CompletionStage<?> run();

    /** The executor refused to run the task (it is shutting down); called instead of run. */
    void abandoned();
  }

  private static final class Lane {
    final ArrayDeque<Task> queue = new ArrayDeque<>();
    boolean running;
  }

  private final Executor executor;
  private final int maxQueued;
  private final ConcurrentHashMap<K, Lane> lanes = new ConcurrentHashMap<>();

  SerialLanes(Executor executor, int maxQueued) {
    this.executor = executor;
    this.maxQueued = maxQueued;
  }

  /**
   * Queues a task on the lane of {@code key}.
   *
   * @return false if that lane already has {@code maxQueued} tasks waiting (the task is not queued)
   */
  boolean submit(K key, Task task) {
    boolean[] start = new boolean[1];
    boolean[] full = new boolean[1];
    lanes.compute(
        key,
        (k, lane) -> {
          Lane l = lane == null ? new Lane() : lane;
          if (l.queue.size() >= maxQueued) {
            full[0] = true;
          } else {
            l.queue.add(task);
            if (!l.running) {
              l.running = true;
              start[0] = true;
            }
          }
          return l;
        });
    if (start[0]) {
      next(key);
    }
    return !full[0];
  }

  /** Lanes that have work now. */
  int size() {
    return lanes.size();
  }

  /** Takes the lane's next task, or retires the lane when it has none. */
  private Task poll(K key) {
    Task[] next = new Task[1];
    lanes.computeIfPresent(
        key,
        (k, lane) -> {
          next[0] = lane.queue.poll();
          return next[0] == null ? null : lane;
        });
    return next[0];
  }

  private void next(K key) {
    Task task = poll(key);
    if (task == null) {
      return;
    }
    try {
      executor.execute(() -> run(key, task));
    } catch (RejectedExecutionException e) {
      task.abandoned();
      next(key);
    }
  }

  private void run(K key, Task task) {
    boolean started = false;
    try {
      CompletionStage<?> done = task.run();
      started = true;
      done.whenComplete((result, failure) -> next(key));
    } catch (RuntimeException e) {
      log.warn("a task on lane {} failed", key, e);
    } finally {
      if (!started) {
        next(key);
      }
    }
  }
}
