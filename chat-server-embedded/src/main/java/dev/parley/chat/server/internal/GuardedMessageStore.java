package dev.parley.chat.server.internal;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.server.DependencyStatus;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import dev.parley.chat.spi.EventOutbox;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.RoomPosition;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The application's {@link MessageStore} behind the store's {@link DependencyBreaker}: every call
 * the server makes to the store goes through here, with a timeout, a bound on waiting calls, and a
 * fast retryable refusal while the breaker is open. While the breaker is not closed, a probe
 * (reading a room's position) runs on the server's timer at a quarter of the open duration, so the
 * breaker closes again by itself once the store is back, traffic or not. A fresh server has not
 * reached its store until one call through here has succeeded: {@link #checkReachable} makes that
 * first call at start, and the probe repeats it until it succeeds, so that a node whose store is
 * down when it starts is not ready (see {@link #reached()}).
 *
 * <p>Keeps the store's contract: a refused call never reached the store; a call that timed out may
 * still complete in the store (an append given up on may be stored, and its resend with the same
 * client message id is then a duplicate). The failed-send rule (decision 0014) holds because the
 * server fences a sender's later sends as soon as one fails, whatever the reason. Thread-safe.
 * {@link #close()} does not close the application's store.
 */
final class GuardedMessageStore implements MessageStore {
  /** The room the probe reads the position of. */
  static final RoomId PROBE_ROOM = RoomId.of("parley.probe");

  private static final Duration MIN_PROBE_PERIOD = Duration.ofMillis(50);

  private final MessageStore store;
  private final DependencyBreaker breaker;
  private volatile boolean reached;

  GuardedMessageStore(MessageStore store, DependencyBreaker breaker) {
    this.store = store;
    this.breaker = breaker;
  }

  /** Probes the store on {@code scheduler} while the breaker is not closed. */
  void startProbing(ScheduledExecutorService scheduler, Duration openDuration) {
    Duration quarter = openDuration.dividedBy(4);
    long period = Math.max(quarter.toNanos(), MIN_PROBE_PERIOD.toNanos());
    try {
      scheduler.scheduleWithFixedDelay(this::probe, period, period, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // the server is stopping
    }
  }

  private void probe() {
    if (!reached || breaker.status().state() != DependencyStatus.State.CLOSED) {
      position(PROBE_ROOM);
    }
  }

  /**
   * Makes the first check that the store answers (reading the probe room's position through the
   * breaker) on {@code executor}, so that a store that blocks its caller cannot hold up the
   * server's start.
   *
   * @return completes when the check has been answered, whatever the answer; never fails
   */
  CompletableFuture<Void> checkReachable(Executor executor) {
    try {
      return CompletableFuture.supplyAsync(() -> position(PROBE_ROOM), executor)
          .thenCompose(answer -> answer)
          .handle((position, failure) -> null);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(null); // the server is stopping
    }
  }

  /**
   * Whether a call through here has succeeded since the server started: until then the node is not
   * ready, whatever its breaker says (it starts closed).
   */
  boolean reached() {
    return reached;
  }

  private <T> CompletableFuture<T> noteAnswer(CompletableFuture<T> call) {
    return call.whenComplete(
        (value, failure) -> {
          if (failure == null) {
            reached = true;
          }
        });
  }

  DependencyBreaker breaker() {
    return breaker;
  }

  @Override
  public CompletableFuture<AppendResult> append(AppendRequest request) {
    return noteAnswer(breaker.call("append", () -> store.append(request)));
  }

  @Override
  public CompletableFuture<HistorySlice> read(
      RoomId room, long fromSeq, ReadDirection direction, int limit) {
    return noteAnswer(
        breaker.call("history read", () -> store.read(room, fromSeq, direction, limit)));
  }

  @Override
  public CompletableFuture<RoomPosition> position(RoomId room) {
    return noteAnswer(breaker.call("position", () -> store.position(room)));
  }

  /**
   * Not through the breaker: this one scan of every reference (attachment retention's, once per
   * interval) may take longer than a chat call's timeout, and its slowness or failure must not open
   * the breaker every send and read depends on. While the breaker is open the store is not asked at
   * all (the scan fails at once, and retention skips its round).
   */
  /**
   * The store's own outbox, not through the breaker: the relay retries by itself, and its calls
   * must not open the breaker that chat depends on.
   */
  @Override
  public Optional<EventOutbox> outbox() {
    return store.outbox();
  }

  @Override
  public CompletableFuture<Set<String>> referencedBlobs() {
    if (!breaker.available()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "the store is unavailable; retention waits for its next round"));
    }
    return store.referencedBlobs();
  }

  /** Does nothing: the store is the application's (or the server closes its own directly). */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "Guarded[" + store + "]";
  }
}
