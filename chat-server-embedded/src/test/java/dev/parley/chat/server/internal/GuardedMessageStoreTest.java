package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.server.DependencyStatus;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.server.testing.FaultyMessageStore;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The store's breaker: opening, refusing fast, bounding waiting calls, probing itself closed. */
class GuardedMessageStoreTest {
  private static final RoomId ROOM = RoomId.of("general");
  private static final UserId ALICE = UserId.of("alice");
  private static final Duration OPEN = Duration.ofSeconds(30);

  private final Engine.ManualClock clock = new Engine.ManualClock();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final FaultyMessageStore store = new FaultyMessageStore(new InMemoryMessageStore());
  private final AtomicInteger ids = new AtomicInteger();

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  private GuardedMessageStore guarded(Duration timeout, int window, int maxPending) {
    BreakerSettings settings =
        new BreakerSettings(
            timeout, 50, window, OPEN, maxPending, Duration.ofMillis(10), Duration.ofSeconds(1));
    return new GuardedMessageStore(store, new DependencyBreaker("store", settings, clock, timer));
  }

  private AppendRequest append(String clientMessageId) {
    return new AppendRequest(
        ROOM,
        MessageId.of("m" + ids.incrementAndGet()),
        ALICE,
        ClientMessageId.of(clientMessageId),
        clock.instant(),
        "hi",
        new byte[0]);
  }

  private static ChatException failure(CompletableFuture<?> future) {
    try {
      future.join();
    } catch (CompletionException e) {
      return (ChatException) e.getCause();
    }
    throw new AssertionError("expected a failure, got " + future.join());
  }

  @Test
  void failuresOpenTheBreakerThenCallsAreRefusedWithoutReachingTheStore() {
    GuardedMessageStore guarded = guarded(Duration.ofMinutes(1), 4, 100);
    store.fail();
    for (int i = 0; i < 4; i++) {
      assertThat(guarded.append(append("c" + i))).isCompletedExceptionally();
    }
    assertThat(guarded.breaker().status().state()).isEqualTo(DependencyStatus.State.OPEN);
    int reached = store.calls();

    ChatException refused = failure(guarded.append(append("c9")));
    assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(refused.retryable()).isTrue();
    assertThat(refused.retryAfter()).contains(OPEN); // the clock has not moved since it opened
    assertThat(failure(guarded.read(ROOM, 0, ReadDirection.BACKWARD, 10)).retryAfter()).isPresent();
    assertThat(store.calls()).isEqualTo(reached);

    clock.advance(OPEN.dividedBy(3));
    assertThat(failure(guarded.position(ROOM)).retryAfter())
        .contains(OPEN.minus(OPEN.dividedBy(3)));
  }

  @Test
  void badArgumentsDoNotCountAgainstTheStore() {
    GuardedMessageStore guarded = guarded(Duration.ofMinutes(1), 2, 100);
    for (int i = 0; i < 5; i++) {
      assertThat(guarded.read(ROOM, 0, ReadDirection.BACKWARD, 0)).isCompletedExceptionally();
    }
    assertThat(guarded.breaker().status().state()).isEqualTo(DependencyStatus.State.CLOSED);
  }

  @Test
  void aHangingStoreHoldsAtMostMaxPendingCallsAndTheRestAreRefusedAtOnce() {
    GuardedMessageStore guarded = guarded(Duration.ofMinutes(10), 100, 3);
    store.hang();
    List<CompletableFuture<AppendResult>> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(guarded.append(append("h" + i)));
    }
    ChatException shed = failure(guarded.append(append("h3")));
    assertThat(shed.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(shed.reason()).contains("overloaded");
    assertThat(shed.retryAfter()).isPresent();
    assertThat(store.waiting()).isEqualTo(3);
    assertThat(guarded.breaker().pendingCalls()).isEqualTo(3);

    store.heal();
    assertThat(held).allSatisfy(f -> assertThat(f.join().duplicate()).isFalse());
    assertThat(guarded.breaker().pendingCalls()).isZero();
    assertThat(guarded.append(append("h4")).join().message().seq()).isEqualTo(4);
  }

  @Test
  void callsPastTheTimeoutFailOpenTheBreakerAndProbesCloseItOnceTheStoreIsBack() {
    GuardedMessageStore guarded = guarded(Duration.ofMillis(20), 2, 100);
    store.hang();
    CompletableFuture<AppendResult> first = guarded.append(append("t1"));
    CompletableFuture<AppendResult> second = guarded.append(append("t2"));
    await().atMost(Duration.ofSeconds(30)).until(() -> first.isDone() && second.isDone());
    ChatException timedOut = failure(first);
    assertThat(timedOut.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(timedOut.reason()).contains("did not answer");
    assertThat(guarded.breaker().status().state()).isEqualTo(DependencyStatus.State.OPEN);
    assertThat(guarded.breaker().pendingCalls()).isZero(); // given up on: not waiting any more

    // the store answers again; once the open duration has passed, probes close the breaker
    store.heal();
    guarded.startProbing(timer, Duration.ofMillis(200));
    clock.advance(OPEN.plusMillis(1));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> guarded.breaker().status().state() == DependencyStatus.State.CLOSED);
    // the appends that timed out were stored after all: resending them finds them
    assertThat(store.append(append("t1")).join().duplicate()).isTrue();
    assertThat(store.append(append("t2")).join().duplicate()).isTrue();
  }

  @Test
  void theReferenceScanOfRetentionNeitherTimesOutNorCountsAgainstTheStore() {
    GuardedMessageStore guarded = guarded(Duration.ofMillis(20), 2, 100);
    store.hang();
    CompletableFuture<Set<String>> scan = guarded.referencedBlobs();
    CompletableFuture<AppendResult> append = guarded.append(append("a1"));
    // the append gives up after the 20 ms call timeout; the scan goes on waiting for the store
    await().atMost(Duration.ofSeconds(30)).until(append::isDone);
    assertThat(failure(append).reason()).contains("did not answer");
    assertThat(scan).isNotDone();
    assertThat(guarded.breaker().status().state()).isEqualTo(DependencyStatus.State.CLOSED);
    store.heal();
    assertThat(scan.join()).isEmpty();

    // while the breaker is open, the scan does not reach the store
    store.fail();
    for (int i = 0; i < 2; i++) {
      assertThat(guarded.append(append("f" + i))).isCompletedExceptionally();
    }
    assertThat(guarded.breaker().status().state()).isEqualTo(DependencyStatus.State.OPEN);
    int reached = store.calls();
    assertThat(guarded.referencedBlobs()).isCompletedExceptionally();
    assertThat(store.calls()).isEqualTo(reached);
  }
}
