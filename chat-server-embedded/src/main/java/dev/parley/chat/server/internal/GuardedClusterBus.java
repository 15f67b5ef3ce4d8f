package dev.parley.chat.server.internal;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.ClusterBus;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's {@link ClusterBus} behind the bus's {@link DependencyBreaker}, and started in
 * the background when its broker is down at {@link #start}: the server comes up not ready, tries
 * again after {@link BreakerSettings#reconnectInitial()}, doubling up to {@link
 * BreakerSettings#reconnectMax()}, and joins the cluster once the broker answers. Presence
 * announced before then is remembered and announced once the bus has started, and the rooms are
 * asked to resync. Publishing is skipped while the breaker is open (the bus may lose events: the
 * other nodes catch up from the store); presence reads go through the breaker with its timeout.
 *
 * <p>Thread-safe. Start attempts run on the worker executor (a bus's start blocks), scheduled by
 * the server's timer. Listener calls come from the bus's own threads, as without the guard.
 */
final class GuardedClusterBus implements ClusterBus {
  private static final Logger log = LoggerFactory.getLogger(GuardedClusterBus.class);

  private final ClusterBus bus;
  private final DependencyBreaker breaker;
  private final BreakerSettings settings;
  private final Executor workers;
  private final ScheduledExecutorService scheduler;
  private final Object lock = new Object();

  /** Presence announced before the bus started: room → users online there on this node. */
  private final Map<RoomId, Set<UserId>> early = new HashMap<>();

  private volatile boolean started;
  private volatile boolean closed;
  private String nodeId;
  private Listener listener;

  GuardedClusterBus(
      ClusterBus bus,
      DependencyBreaker breaker,
      BreakerSettings settings,
      Executor workers,
      ScheduledExecutorService scheduler) {
    this.bus = bus;
    this.breaker = breaker;
    this.settings = settings;
    this.workers = workers;
    this.scheduler = scheduler;
  }

  DependencyBreaker breaker() {
    return breaker;
  }

  /** Whether the bus has joined the cluster (it may have been down at {@link #start}). */
  boolean started() {
    return started;
  }

  /**
   * Starts the bus; if its broker cannot be reached, returns anyway and keeps trying in the
   * background.
   */
  @Override
  public void start(String nodeId, Listener listener) {
    synchronized (lock) {
      this.nodeId = nodeId;
      this.listener = listener;
    }
    attempt(0);
  }

  private void attempt(int failures) {
    if (closed) {
      return;
    }
    try {
      bus.start(nodeId, listener);
    } catch (IllegalStateException e) {
      throw e; // started or closed before: a programming error, not an outage
    } catch (RuntimeException e) {
      Duration delay = delay(failures);
      log.warn(
          "cluster bus could not start ({}); node {} is not ready, trying again in {}",
          e.getMessage(),
          nodeId,
          delay);
      retryAfter(delay, failures + 1);
      return;
    }
    joined(failures > 0);
  }

  private void retryAfter(Duration delay, int failures) {
    try {
      scheduler.schedule(
          () -> {
            try {
              workers.execute(() -> attempt(failures));
            } catch (RejectedExecutionException e) {
              log.debug("workers stopped; no more bus start attempts");
            }
          },
          delay.toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("server timer stopped; no more bus start attempts");
    }
  }

  /** Doubles from the initial delay per failure, up to the maximum. */
  Duration delay(int failures) {
    Duration delay = settings.reconnectInitial();
    for (int i = 0; i < failures && delay.compareTo(settings.reconnectMax()) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(settings.reconnectMax()) > 0 ? settings.reconnectMax() : delay;
  }

  private void joined(boolean late) {
    synchronized (lock) {
      // announced under the lock, before started turns true: a later change cannot go first
      early.forEach((room, users) -> users.forEach(u -> bus.publishPresence(room, u, true)));
      early.clear();
      started = true;
    }
    if (late && !closed) {
      log.info("cluster bus started; node {} joined the cluster", nodeId);
      // what the other nodes said while this one was not listening: read it from the store
      listener.onResync();
    }
  }

  @Override
  public void publishMessage(ChatMessage message) {
    if (started) {
      breaker.run(() -> bus.publishMessage(message));
    }
  }

  @Override
  public void publishPresence(RoomId room, UserId user, boolean online) {
    if (!started) {
      synchronized (lock) {
        if (!started) {
          if (online) {
            early.computeIfAbsent(room, r -> new HashSet<>()).add(user);
          } else {
            Set<UserId> users = early.get(room);
            if (users != null && users.remove(user) && users.isEmpty()) {
              early.remove(room);
            }
          }
          return;
        }
      }
    }
    // presence is remembered by the bus and repeated after outages: never skipped
    try {
      bus.publishPresence(room, user, online);
    } catch (RuntimeException e) {
      log.warn("cluster bus presence announcement failed", e);
    }
  }

  @Override
  public CompletableFuture<Set<RemotePresence>> presence(RoomId room) {
    if (!started) {
      return CompletableFuture.failedFuture(
          new ChatException(ErrorCode.UNAVAILABLE, "the cluster bus has not started yet"));
    }
    return breaker.call("presence", () -> bus.presence(room));
  }

  @Override
  public boolean isHealthy() {
    return started && bus.isHealthy();
  }

  @Override
  public Duration leaseTime() {
    return bus.leaseTime();
  }

  @Override
  public Duration renewalPeriod() {
    return bus.renewalPeriod();
  }

  /** Stops trying to start, and closes the bus. */
  @Override
  public void close() {
    closed = true;
    bus.close();
  }

  @Override
  public String toString() {
    return "Guarded[" + bus + "]";
  }
}
