package dev.parley.chat.server.internal;

import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.spi.EventOutbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox relay: while this node holds the outbox's relay lease, publishes what waits in the
 * outbox to the sink, one batch at a time and oldest first (so each room's order holds), and
 * removes a batch once the sink confirmed it. A failed batch is published again, the same events in
 * the same order, after a growing wait; what the sink confirmed but was not removed yet (the node
 * died in between) is published again by the next holder, which consumers drop by id.
 *
 * <p>The lease is renewed every third of its time to live, on its own schedule, so a slow batch
 * does not let it lapse. Every node also measures the outbox's backlog; at the bound, {@link
 * #full()} tells the server to stop writing events (they are counted as dropped).
 *
 * <p>Thread-safe. Its state is confined to its one thread ({@code parley-event-relay}); futures of
 * the outbox and the sink hand their results back to that thread.
 */
final class EventRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventRelay.class);

  private final EventOutbox outbox;
  private final EventSettings settings;
  private final String owner;
  private final Clock clock;
  private final ServerMetrics metrics;
  private final ScheduledExecutorService thread;

  /** How long a nudged relay waits for more events before it reads a batch. */
  static final Duration LINGER = Duration.ofMillis(100);

  /** Events were written on this node since the relay last began to read. */
  private final AtomicBoolean wanted = new AtomicBoolean();

  // confined to the relay thread
  private boolean cycling;
  private ScheduledFuture<?> nextPoll;
  private int failuresInRow;
  private boolean closed;

  // read by other threads
  private volatile boolean full;
  private volatile long backlogEvents;
  private volatile Instant oldest;

  /** Whether this node holds the lease; written on the relay thread only. */
  private volatile boolean leader;

  EventRelay(
      EventOutbox outbox,
      EventSettings settings,
      String owner,
      Clock clock,
      ServerMetrics metrics) {
    this.outbox = outbox;
    this.settings = settings;
    this.owner = owner;
    this.clock = clock;
    this.metrics = metrics;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(HttpSide.threads("parley-event-relay-"));
  }

  /** Starts competing for the lease and measuring the backlog. */
  void start() {
    long renewEvery = Math.max(1, settings.leaseTtl().toMillis() / 3);
    thread.scheduleWithFixedDelay(this::renewLease, 0, renewEvery, TimeUnit.MILLISECONDS);
    long measureEvery = settings.backlogInterval().toMillis();
    thread.scheduleWithFixedDelay(this::measure, 0, measureEvery, TimeUnit.MILLISECONDS);
  }

  /** Whether the outbox holds its bound of events, as last measured. */
  boolean full() {
    return full;
  }

  /** Events waiting in the outbox, as last measured. */
  long backlogEvents() {
    return backlogEvents;
  }

  /** Seconds the oldest waiting event has waited, as last measured; 0 when none waits. */
  double oldestAgeSeconds() {
    Instant o = oldest;
    return o == null ? 0 : Math.max(0, Duration.between(o, clock.instant()).toMillis() / 1000.0);
  }

  /** Whether this node holds the relay lease. */
  boolean leader() {
    return leader;
  }

  /**
   * Events were just written on this node: the relay looks after {@link #LINGER}, so that the
   * events written meanwhile go in the same batch (not one batch per message).
   */
  void nudge() {
    if (leader && wanted.compareAndSet(false, true)) {
      try {
        thread.schedule(this::wake, LINGER.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closed
      }
    }
  }

  /** On the relay thread: starts a cycle unless one runs (its end sees {@link #wanted}). */
  private void wake() {
    if (leader && !cycling && !closed) {
      if (nextPoll != null) {
        nextPoll.cancel(false);
      }
      cycle();
    }
  }

  /** What an idle relay does next: soon if events were written meanwhile, else at the poll. */
  private void idle() {
    cycling = false;
    if (closed) {
      return;
    }
    nextPoll =
        thread.schedule(
            this::wake,
            wanted.get() ? LINGER.toMillis() : settings.pollInterval().toMillis(),
            TimeUnit.MILLISECONDS);
  }

  private void execute(Runnable task) {
    try {
      thread.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed
    }
  }

  private void renewLease() {
    if (closed) {
      return;
    }
    outbox
        .holdRelayLease(owner, settings.leaseTtl())
        .whenComplete(
            (held, failure) ->
                execute(
                    () -> {
                      if (failure != null) {
                        log.debug("Could not renew the event relay lease: {}", failure.toString());
                      }
                      boolean now = failure == null && Boolean.TRUE.equals(held);
                      boolean was = leader;
                      leader = now;
                      if (now && !was) {
                        log.info("Node {} now relays events from the outbox", owner);
                        if (!cycling && !closed) {
                          cycle();
                        }
                      } else if (!now && was) {
                        log.info("Node {} no longer relays events", owner);
                      }
                    }));
  }

  private void measure() {
    outbox
        .backlog()
        .whenComplete(
            (backlog, failure) -> {
              if (failure != null) {
                log.debug("Could not measure the event outbox: {}", failure.toString());
                return;
              }
              // full first: whoever reads the gauges below sees a bound already applied
              boolean wasFull = full;
              full = backlog.events() >= settings.maxOutboxEvents();
              backlogEvents = backlog.events();
              oldest = backlog.oldest().orElse(null);
              if (full && !wasFull) {
                log.warn(
                    "The event outbox holds {} events, its bound: new events are dropped until the"
                        + " sink catches up",
                    backlog.events());
              } else if (!full && wasFull) {
                log.info("The event outbox is below its bound again: events are written again");
              }
            });
  }

  /** One step: read a batch, publish it, remove it; then again, or wait. On the relay thread. */
  private void cycle() {
    if (closed || !leader) {
      cycling = false;
      return;
    }
    cycling = true;
    wanted.set(false); // events written from now on are after what this read can see
    outbox
        .next(settings.batchSize())
        .whenComplete((entries, failure) -> execute(() -> publish(entries, failure)));
  }

  private void publish(List<EventOutbox.Entry> entries, Throwable readFailure) {
    if (readFailure != null) {
      failed("read the outbox", readFailure, null);
      return;
    }
    if (entries.isEmpty()) {
      idle();
      return;
    }
    List<ChatEvent> events = new ArrayList<>(entries.size());
    for (EventOutbox.Entry e : entries) {
      events.add(e.event());
    }
    CompletableFuture<Void> published;
    try {
      published = settings.sink().publish(events);
    } catch (RuntimeException e) {
      published = CompletableFuture.failedFuture(e);
    }
    published
        .orTimeout(settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .thenCompose(v -> outbox.remove(entries))
        .whenComplete(
            (v, failure) ->
                execute(
                    () -> {
                      if (failure != null) {
                        failed("publish " + entries.size() + " events", failure, entries);
                        return;
                      }
                      if (failuresInRow > 0) {
                        log.info(
                            "Events flow to the sink again after {} failed tries", failuresInRow);
                      }
                      failuresInRow = 0;
                      metrics.eventsRelayed(entries.size());
                      if (entries.size() == settings.batchSize()) {
                        cycle(); // catching up: the next batch at once
                      } else {
                        idle();
                      }
                    }));
  }

  private void failed(String what, Throwable failure, List<EventOutbox.Entry> entries) {
    failuresInRow++;
    if (entries != null) {
      metrics.eventPublishFailed();
    }
    // a sink that says when it takes events again (a breaker's time left open) is believed: the
    // relay's own doubling would only add to it once the sink is ready
    Duration wait = Replies.retryAfter(failure);
    if (wait == null) {
      wait = settings.retryInitial().multipliedBy(1L << Math.min(20, failuresInRow - 1));
      if (wait.compareTo(settings.retryMax()) > 0) {
        wait = settings.retryMax();
      }
    }
    Throwable cause = Replies.unwrap(failure);
    if (failuresInRow == 1 || failuresInRow % 20 == 0) {
      log.warn(
          "Could not {} (try {}); trying again in {} ms: {}",
          what,
          failuresInRow,
          wait.toMillis(),
          cause.toString());
    }
    cycling = false;
    if (!closed) {
      cycling = true;
      thread.schedule(this::cycle, wait.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Stops relaying and gives the lease up, so another node takes over at once; what was not removed
   * stays in the outbox.
   */
  @Override
  public void close() {
    CompletableFuture<Void> released = new CompletableFuture<>();
    execute(
        () -> {
          closed = true;
          boolean held = leader;
          leader = false;
          if (held) {
            outbox.releaseRelayLease(owner).whenComplete((v, failure) -> released.complete(null));
          } else {
            released.complete(null);
          }
        });
    try {
      released.get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("The event relay lease was not released in time: {}", e.toString());
    }
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
