package dev.parley.chat.server.internal;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.server.DependencyStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dependency's circuit breaker (Resilience4j), with a timeout on every call and a bound on the
 * calls waiting for an answer. A call that is refused (breaker open, or too many waiting) fails at
 * once with a retryable {@link ChatException} {@code UNAVAILABLE} carrying a retry-after; a call
 * that takes longer than the timeout fails with {@code UNAVAILABLE} and counts as a failure.
 * Thread-safe. State listeners run on whichever thread made the breaker change state (a caller's or
 * one completing a dependency's future), and must return quickly.
 */
public final class DependencyBreaker {
  private static final Logger log = LoggerFactory.getLogger(DependencyBreaker.class);

  /** Calls let through while half-open, to decide whether the dependency is back. */
  static final int HALF_OPEN_CALLS = 3;

  /** Shortest retry-after given, so that clients do not come back at once. */
  private static final Duration MIN_RETRY_AFTER = Duration.ofMillis(100);

  private final String name;
  private final CircuitBreaker breaker;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final BreakerSettings settings;
  private final ServerMetrics metrics;
  private final AtomicInteger pending = new AtomicInteger();
  private final List<Consumer<DependencyStatus>> listeners = new CopyOnWriteArrayList<>();
  private volatile Instant openedAt = Instant.EPOCH;

  DependencyBreaker(
      String name, BreakerSettings settings, Clock clock, ScheduledExecutorService scheduler) {
    this(name, settings, clock, scheduler, ServerMetrics.NONE);
  }

  /** A breaker whose refused calls are counted in {@code metrics}. */
  DependencyBreaker(
      String name,
      BreakerSettings settings,
      Clock clock,
      ScheduledExecutorService scheduler,
      ServerMetrics metrics) {
    this.name = name;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
    this.scheduler = scheduler;
    this.breaker =
        CircuitBreaker.of(
            "parley-" + name,
            CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRateThreshold())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.windowSize())
                .minimumNumberOfCalls(settings.windowSize())
                .waitDurationInOpenState(settings.openDuration())
                .permittedNumberOfCallsInHalfOpenState(HALF_OPEN_CALLS)
                // a caller's mistake (bad arguments), or a call the dependency does not support,
                // says nothing about the dependency's health
                .ignoreException(
                    e ->
                        e instanceof IllegalArgumentException
                            || e instanceof UnsupportedOperationException)
                .clock(clock)
                .build());
    breaker
        .getEventPublisher()
        .onStateTransition(
            event -> {
              CircuitBreaker.State to = event.getStateTransition().getToState();
              if (to == CircuitBreaker.State.OPEN) {
                openedAt = clock.instant();
              }
              log.warn(
                  "{} breaker {} ({})",
                  name,
                  event.getStateTransition(),
                  to == CircuitBreaker.State.OPEN
                      ? "calls refused for " + settings.openDuration()
                      : "calls let through");
              DependencyStatus status = status();
              for (Consumer<DependencyStatus> listener : listeners) {
                try {
                  listener.accept(status);
                } catch (RuntimeException e) {
                  log.warn("{} breaker listener failed", name, e);
                }
              }
            });
  }

  /** The dependency's name, as in {@link DependencyStatus#name()}. */
  public String name() {
    return name;
  }

  /** The breaker's state now. */
  public DependencyStatus status() {
    return new DependencyStatus(name, state(breaker.getState()));
  }

  /** Calls waiting for an answer now. */
  public int pendingCalls() {
    return pending.get();
  }

  /**
   * Adds a listener told of every state change (for metrics); runs on the thread that caused the
   * change.
   */
  public void addListener(Consumer<DependencyStatus> listener) {
    listeners.add(listener);
  }

  /** Whether calls go through: closed or half-open. */
  boolean available() {
    return status().available();
  }

  /**
   * Makes a call through the breaker: refused at once while open or when too many calls wait,
   * failed when it takes longer than the timeout. The call is started on the calling thread.
   */
  <T> CompletableFuture<T> call(String what, Supplier<CompletableFuture<T>> call) {
    if (!breaker.tryAcquirePermission()) {
      metrics.breakerRefused(name, ServerMetrics.Refusal.OPEN);
      return CompletableFuture.failedFuture(
          new ChatException(
              ErrorCode.UNAVAILABLE,
              "the " + name + " is unavailable; try again later",
              retryAfterWhileOpen()));
    }
    if (pending.incrementAndGet() > settings.maxPendingCalls()) {
      pending.decrementAndGet();
      breaker.releasePermission();
      metrics.breakerRefused(name, ServerMetrics.Refusal.OVERLOADED);
      return CompletableFuture.failedFuture(
          new ChatException(
              ErrorCode.UNAVAILABLE,
              "the " + name + " is overloaded (" + settings.maxPendingCalls() + " calls waiting)",
              shortRetryAfter()));
    }
    long start = breaker.getCurrentTimestamp();
    CompletableFuture<T> inner;
    try {
      inner = call.get();
    } catch (RuntimeException e) {
      inner = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    // a call that answered at once (an in-memory store, a cached read) needs no timeout
    ScheduledFuture<?> timer = inner.isDone() ? null : scheduleTimeout(result, what);
    CompletableFuture<T> answered =
        result.handle(
            (value, failure) -> {
              if (timer != null) {
                timer.cancel(false);
              }
              pending.decrementAndGet();
              long took = breaker.getCurrentTimestamp() - start;
              if (failure == null) {
                breaker.onSuccess(took, breaker.getTimestampUnit());
                return value;
              }
              Throwable cause = Replies.unwrap(failure);
              breaker.onError(took, breaker.getTimestampUnit(), cause);
              throw new CompletionException(withRetryAfter(cause));
            });
    inner.whenComplete(
        (value, failure) -> {
          if (failure == null) {
            result.complete(value);
          } else {
            result.completeExceptionally(failure);
          }
        });
    return answered;
  }

  /**
   * A failure as the caller should see it: while the breaker is not closed (this failure may have
   * opened it), a retryable {@code UNAVAILABLE} with a retry-after, so that clients wait for the
   * dependency rather than use up their tries; otherwise unchanged.
   */
  private Throwable withRetryAfter(Throwable cause) {
    if (breaker.getState() == CircuitBreaker.State.CLOSED
        || cause instanceof IllegalArgumentException
        || cause instanceof UnsupportedOperationException
        || (cause instanceof ChatException chat && chat.retryAfter().isPresent())) {
      return cause;
    }
    String reason = cause instanceof ChatException chat ? chat.reason() : cause.toString();
    ChatException unavailable =
        new ChatException(
            ErrorCode.UNAVAILABLE,
            "the " + name + " is unavailable (" + reason + ")",
            retryAfterWhileOpen());
    unavailable.initCause(cause);
    return unavailable;
  }

  /**
   * Tries a call that reports failure by throwing rather than through a future (a bus publish):
   * skipped while the breaker refuses calls.
   *
   * @return whether it was made and did not throw
   */
  boolean run(Runnable call) {
    if (!breaker.tryAcquirePermission()) {
      metrics.breakerRefused(name, ServerMetrics.Refusal.OPEN);
      return false;
    }
    long start = breaker.getCurrentTimestamp();
    try {
      call.run();
      breaker.onSuccess(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit());
      return true;
    } catch (RuntimeException e) {
      breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), e);
      log.warn("{} call failed", name, e);
      return false;
    }
  }

  private ScheduledFuture<?> scheduleTimeout(CompletableFuture<?> result, String what) {
    Duration timeout = settings.callTimeout();
    try {
      return scheduler.schedule(
          () ->
              result.completeExceptionally(
                  new ChatException(
                      ErrorCode.UNAVAILABLE,
                      "the " + name + " did not answer (" + what + ") within " + timeout)),
          timeout.toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null; // the server is stopping: its timer is gone
    }
  }

  /** While open: the time left until probes are let through; otherwise a short while. */
  private Duration retryAfterWhileOpen() {
    if (breaker.getState() == CircuitBreaker.State.OPEN) {
      Duration left = Duration.between(clock.instant(), openedAt.plus(settings.openDuration()));
      return left.compareTo(MIN_RETRY_AFTER) < 0 ? MIN_RETRY_AFTER : left;
    }
    return shortRetryAfter();
  }

  /** A fifth of the open duration, at least {@link #MIN_RETRY_AFTER}. */
  private Duration shortRetryAfter() {
    Duration fifth = settings.openDuration().dividedBy(5);
    return fifth.compareTo(MIN_RETRY_AFTER) < 0 ? MIN_RETRY_AFTER : fifth;
  }

  /** The retry-after to give clients now, unless the breaker is closed. */
  Optional<Duration> retryAfterUnlessClosed() {
    return breaker.getState() == CircuitBreaker.State.CLOSED
        ? Optional.empty()
        : Optional.of(retryAfterWhileOpen());
  }

  private static DependencyStatus.State state(CircuitBreaker.State state) {
    return switch (state) {
      case CLOSED, DISABLED, METRICS_ONLY -> DependencyStatus.State.CLOSED;
      case HALF_OPEN -> DependencyStatus.State.HALF_OPEN;
      case OPEN, FORCED_OPEN -> DependencyStatus.State.OPEN;
    };
  }

  @Override
  public String toString() {
    return "DependencyBreaker[" + name + ", " + breaker.getState() + "]";
  }
}
