package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CallbackQueueTest {
  @Test
  void tasksFromManyThreadsRunOneAtATimeEachThreadsInOrder() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CallbackQueue queue = new CallbackQueue(pool);
    AtomicInteger running = new AtomicInteger();
    List<String> violations = new CopyOnWriteArrayList<>();
    Map<Integer, List<Integer>> seen = new ConcurrentHashMap<>();
    int producers = 4;
    int perProducer = 2_000;
    CountDownLatch done = new CountDownLatch(producers * perProducer);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      seen.put(producer, new CopyOnWriteArrayList<>());
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < perProducer; i++) {
                  int n = i;
                  queue.enqueue(
                      () -> {
                        if (running.incrementAndGet() != 1) {
                          violations.add("concurrent");
                        }
                        seen.get(producer).add(n);
                        Thread.yield();
                        running.decrementAndGet();
                        done.countDown();
                      });
                  queue.flush();
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    pool.shutdown();
    assertThat(violations).isEmpty();
    for (List<Integer> order : seen.values()) {
      assertThat(order).isSorted().hasSize(perProducer);
    }
    assertThat(queue.size()).isZero();
  }

  @Test
  void aThrowingTaskDoesNotStopTheOthers() {
    CallbackQueue queue = new CallbackQueue(Runnable::run);
    List<Integer> ran = new ArrayList<>();
    queue.enqueue(() -> ran.add(1));
    queue.enqueue(
        () -> {
          throw new IllegalStateException("listener bug");
        });
    queue.enqueue(() -> ran.add(3));
    queue.flush();
    assertThat(ran).containsExactly(1, 3);
  }

  @Test
  void onADirectExecutorATaskThatEnqueuesRunsItAfterItselfNotInside() {
    CallbackQueue queue = new CallbackQueue(Runnable::run);
    List<String> ran = new ArrayList<>();
    queue.enqueue(
        () -> {
          queue.enqueue(() -> ran.add("inner"));
          queue.flush();
          ran.add("outer done");
        });
    queue.flush();
    assertThat(ran).containsExactly("outer done", "inner");
  }

  @Test
  void enqueueNeverRunsAnything() {
    List<Runnable> submitted = new ArrayList<>();
    CallbackQueue queue = new CallbackQueue(submitted::add);
    queue.enqueue(() -> {});
    queue.enqueue(() -> {});
    assertThat(submitted).isEmpty();
    assertThat(queue.size()).isEqualTo(2);
    queue.flush();
    queue.flush();
    assertThat(submitted).hasSize(1);
  }
}
