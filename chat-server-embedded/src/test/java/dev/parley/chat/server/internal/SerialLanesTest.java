package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Serial lanes: order within a key, independence across keys, the bound, a refusing executor. */
class SerialLanesTest {
  private final ExecutorService executor = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private static SerialLanes.Task task(Runnable work, CompletionStage<?> done) {
    return new SerialLanes.Task() {
      @Override
      public CompletionStage<?> run() {
        work.run();
        return done;
      }

      @Override
      public void abandoned() {}
    };
  }

  @Test
  void tasksOfOneKeyRunInOrderOneAtATime() {
    SerialLanes<String> lanes = new SerialLanes<>(executor, 1_000);
    List<Integer> ran = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> firstDone = new CompletableFuture<>();
    lanes.submit("a", task(() -> ran.add(0), firstDone));
    for (int i = 1; i <= 50; i++) {
      int n = i;
      lanes.submit("a", task(() -> ran.add(n), CompletableFuture.completedFuture(null)));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(0));
    assertThat(ran).as("nothing overtakes a task whose stage is not complete").containsExactly(0);
    firstDone.complete(null);
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 51);
    for (int i = 0; i <= 50; i++) {
      assertThat(ran.get(i)).isEqualTo(i);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> lanes.size() == 0);
  }

  @Test
  void aBlockedLaneDoesNotHoldUpAnotherKey() {
    SerialLanes<String> lanes = new SerialLanes<>(executor, 1_000);
    CompletableFuture<Void> blocked = new CompletableFuture<>();
    List<String> ran = new CopyOnWriteArrayList<>();
    lanes.submit("slow", task(blocked::join, CompletableFuture.completedFuture(null)));
    lanes.submit("slow", task(() -> ran.add("slow"), CompletableFuture.completedFuture(null)));
    lanes.submit("fast", task(() -> ran.add("fast"), CompletableFuture.completedFuture(null)));
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains("fast"));
    assertThat(ran).containsExactly("fast");
    blocked.complete(null);
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains("slow"));
  }

  @Test
  void aFullLaneRefusesMore() {
    SerialLanes<String> lanes = new SerialLanes<>(executor, 2);
    CompletableFuture<Void> blocked = new CompletableFuture<>();
    List<String> ran = new CopyOnWriteArrayList<>();
    assertThat(lanes.submit("a", task(() -> ran.add("running"), blocked))).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains("running"));
    assertThat(lanes.submit("a", task(() -> ran.add("1"), blocked))).isTrue();
    assertThat(lanes.submit("a", task(() -> ran.add("2"), blocked))).isTrue();
    assertThat(lanes.submit("a", task(() -> ran.add("3"), blocked))).as("third waiting").isFalse();
    assertThat(lanes.submit("b", task(() -> ran.add("b"), blocked))).as("other key").isTrue();
    blocked.complete(null);
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 4);
    assertThat(ran).doesNotContain("3");
  }

  @Test
  void tasksTheExecutorRefusesAreAbandonedNotLost() {
    ExecutorService stopped = Executors.newSingleThreadExecutor();
    stopped.shutdown();
    SerialLanes<String> lanes = new SerialLanes<>(stopped, 10);
    List<String> abandoned = new CopyOnWriteArrayList<>();
    for (String name : List.of("x", "y")) {
      lanes.submit(
          "a",
          new SerialLanes.Task() {
            @Override
            public CompletionStage<?> run() {
              throw new AssertionError("must not run");
            }

            @Override
            public void abandoned() {
              abandoned.add(name);
            }
          });
    }
    assertThat(abandoned).containsExactly("x", "y");
    assertThat(lanes.size()).isZero();
  }

  @Test
  void aThrowingTaskDoesNotStopItsLane() {
    SerialLanes<String> lanes = new SerialLanes<>(executor, 10);
    List<String> ran = new CopyOnWriteArrayList<>();
    lanes.submit(
        "a",
        task(
            () -> {
              throw new IllegalStateException("boom");
            },
            CompletableFuture.completedFuture(null)));
    lanes.submit("a", task(() -> ran.add("after"), CompletableFuture.completedFuture(null)));
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains("after"));
  }
}
