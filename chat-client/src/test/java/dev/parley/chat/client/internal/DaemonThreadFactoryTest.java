package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A close waits until the factory's threads have ended, not only until their pool says it has
 * terminated: a pool's worker is still alive for a moment after termination, and a test (or an
 * application) that looks for leftover threads right after close would see it.
 */
class DaemonThreadFactoryTest {
  private final DaemonThreadFactory factory = new DaemonThreadFactory("parley-test", true);
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void releaseThreads() {
    release.countDown();
  }

  /** An executor that is already terminated, so only the thread join can make the wait last. */
  private static ExecutorService terminated() {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    pool.shutdown();
    return pool;
  }

  private Thread started(Runnable task) {
    Thread thread = factory.newThread(task);
    thread.start();
    return thread;
  }

  @Test
  void madeThreadsAreNamedDaemons() {
    Thread first = factory.newThread(() -> {});
    Thread second = factory.newThread(() -> {});

    assertThat(first.getName()).isEqualTo("parley-test-1");
    assertThat(second.getName()).isEqualTo("parley-test-2");
    assertThat(first.isDaemon()).isTrue();
    assertThat(new DaemonThreadFactory("parley-solo", false).newThread(() -> {}).getName())
        .isEqualTo("parley-solo");
  }

  @Test
  void waitsForAThreadStillRunningAfterItsPoolTerminated() {
    Thread lingering =
        started(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });

    factory.awaitEnded(terminated(), Duration.ofSeconds(10), "test");

    assertThat(lingering.isAlive()).isFalse();
  }

  @Test
  void givesUpAtTheDeadlineAndLeavesTheThreadRunning() throws Exception {
    Thread stuck = started(this::awaitRelease);
    long start = System.nanoTime();

    factory.awaitEnded(terminated(), Duration.ofMillis(100), "test");

    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(stuck.isAlive()).isTrue();
    release.countDown();
    stuck.join(10_000);
    assertThat(stuck.isAlive()).isFalse();
  }

  @Test
  void doesNotWaitForItselfWhenCalledFromItsOwnThread() throws Exception {
    AtomicReference<Boolean> ours = new AtomicReference<>();
    Thread self =
        started(
            () -> {
              ours.set(factory.isCurrentThreadOurs());
              factory.awaitEnded(terminated(), Duration.ofMinutes(10), "test");
            });

    self.join(10_000);

    assertThat(self.isAlive()).as("returned without waiting ten minutes for itself").isFalse();
    assertThat(ours.get()).isTrue();
    assertThat(factory.isCurrentThreadOurs()).isFalse();
  }

  @Test
  void waitsForEveryWorkerOfARealPool() throws Exception {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            3, 3, 1, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), factory);
    for (int i = 0; i < 3; i++) {
      pool.execute(this::awaitRelease);
    }
    release.countDown();
    pool.shutdown();

    factory.awaitEnded(pool, Duration.ofSeconds(10), "test");

    assertThat(pool.isTerminated()).isTrue();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("parley-test-"));
  }

  @Test
  void aNullPoolIsNothingToWaitFor() {
    Thread stuck = started(this::awaitRelease);
    long start = System.nanoTime();

    factory.awaitEnded(null, Duration.ofSeconds(10), "test");

    assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(5).toNanos());
    assertThat(stuck.isAlive()).isTrue();
  }

  private void awaitRelease() {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
