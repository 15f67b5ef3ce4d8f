package dev.parley.chat.server.internal;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.server.BeforeStoreEvent;
import dev.parley.chat.server.MessageHook;
import dev.parley.chat.server.MessageVerdict;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the application's {@link MessageHook#beforeStore} hooks for the message intake stage: on a
 * serial lane per room over the worker executor, so a room's messages are screened (and handed on
 * to the store) one at a time in arrival order, while rooms do not wait for each other. Each
 * message has the hook budget from the moment it enters its lane; a message whose budget passes is
 * decided as failed at once, on the timer thread, and the lane moves on only when the blocked hook
 * call returns (so one room holds at most one worker thread). Thread-safe.
 */
final class BeforeStoreScreening {
  private static final Logger log = LoggerFactory.getLogger(BeforeStoreScreening.class);

  /** Messages that may wait in one room's lane; more fail at once with {@code UNAVAILABLE}. */
  static final int MAX_WAITING_PER_ROOM = 1_000;

  private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

  /** How a screening ended. */
  enum Outcome {
    /** Store the message, with {@link Verdict#text()}. */
    ACCEPTED,
    /** A hook refused it; {@link Verdict#reason()} is for the sender. */
    REJECTED,
    /** An earlier message of the same sender to the room failed and waits for its resend. */
    FENCED,
    /** A hook threw, timed out or returned something invalid, or the lane was full. */
    FAILED
  }

  /** The decision about one message. */
  record Verdict(Outcome outcome, String text, String reason) {}

  /** A message to screen, and where its decision goes. */
  interface Candidate {
    BeforeStoreEvent event();

    /** Whether an earlier send of the same session to the room failed and waits (checked first). */
    boolean fenced();

    /** What is wrong with a rewritten text, or null. */
    String invalid(String text);

    /** Called exactly once, on a worker or the timer thread. */
    void decided(Verdict verdict);
  }

  private final List<MessageHook> hooks;
  private final Duration budget;
  private final ScheduledExecutorService timer;
  private final SerialLanes<RoomId> lanes;
  private final ServerMetrics metrics;

  BeforeStoreScreening(
      List<MessageHook> hooks,
      Duration budget,
      Executor workers,
      ScheduledExecutorService timer,
      ServerMetrics metrics) {
    this.metrics = metrics;
    this.hooks = List.copyOf(hooks);
    this.budget = budget;
    this.timer = timer;
    this.lanes = new SerialLanes<>(workers, MAX_WAITING_PER_ROOM);
  }

  /** Whether there is nothing to run: messages go straight to the store. */
  boolean isEmpty() {
    return hooks.isEmpty();
  }

  /** Queues a message on its room's lane; its decision comes through {@link Candidate#decided}. */
  void screen(Candidate candidate) {
    Pending pending = new Pending(candidate);
    // The deadline is a future with a timeout (its timer entry is removed when the message is
    // decided in time, so decided messages leave nothing queued); expiry hops to the timer thread.
    pending
        .deadline
        .orTimeout(budget.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (ignored, failure) -> {
              if (failure instanceof TimeoutException) {
                try {
                  timer.execute(pending::expire);
                } catch (RejectedExecutionException stopping) {
                  pending.expire();
                }
              }
            });
    if (!lanes.submit(candidate.event().room(), pending)) {
      pending.decide(
          new Verdict(
              Outcome.FAILED,
              null,
              "too many messages are waiting to be checked in " + candidate.event().room()));
    }
  }

  /** One message in a lane; decided once, by the lane or by its deadline, whichever comes first. */
  private final class Pending implements SerialLanes.Task {
    private final Candidate candidate;
    private final CompletableFuture<Void> deadline = new CompletableFuture<>();
    private final long queued = metrics.start();
    private boolean decided; // guarded by this

    Pending(Candidate candidate) {
      this.candidate = candidate;
    }

    /**
     * Decides once. Holding this monitor while the decision is carried out means a lane cannot move
     * past a message whose failure is still being recorded in the sender's order.
     */
    synchronized boolean decide(Verdict verdict) {
      if (decided) {
        return false;
      }
      decided = true;
      deadline.complete(null);
      candidate.decided(verdict);
      return true;
    }

    private synchronized boolean isDecided() {
      return decided;
    }

    void expire() {
      if (decide(
          new Verdict(
              Outcome.FAILED,
              null,
              "the message could not be checked within " + budget.toMillis() + " ms"))) {
        metrics.hook(
            ServerMetrics.HookKind.BEFORE_STORE, ServerMetrics.HookOutcome.TIMEOUT, queued);
        log.warn(
            "a message hook took longer than {} for a message to {}",
            budget,
            candidate.event().room());
      }
    }

    @Override
    public CompletionStage<?> run() {
      if (isDecided()) {
        return DONE;
      }
      if (candidate.fenced()) {
        decide(new Verdict(Outcome.FENCED, null, null));
        return DONE;
      }
      Verdict verdict = new Verdict(Outcome.FAILED, null, "the message could not be checked");
      long start = metrics.start();
      try {
        verdict = runHooks();
      } finally {
        if (decide(verdict)) {
          metrics.hook(
              ServerMetrics.HookKind.BEFORE_STORE,
              verdict.outcome() == Outcome.FAILED
                  ? ServerMetrics.HookOutcome.ERROR
                  : ServerMetrics.HookOutcome.OK,
              start);
        }
      }
      return DONE;
    }

    @Override
    public void abandoned() {
      decide(new Verdict(Outcome.FAILED, null, "the server is stopping"));
    }

    private Verdict runHooks() {
      BeforeStoreEvent event = candidate.event();
      String text = event.text();
      for (MessageHook hook : hooks) {
        MessageVerdict verdict;
        try {
          verdict = hook.beforeStore(event);
        } catch (RuntimeException e) {
          log.warn("a message hook failed for a message to {}", event.room(), e);
          return new Verdict(Outcome.FAILED, null, "the message could not be checked");
        }
        if (verdict == null) {
          log.warn("a message hook returned null for a message to {}", event.room());
          return new Verdict(Outcome.FAILED, null, "the message could not be checked");
        }
        switch (verdict.kind()) {
          case ACCEPT -> {}
          case REJECT -> {
            return new Verdict(Outcome.REJECTED, null, verdict.reason());
          }
          case REWRITE -> {
            String problem = candidate.invalid(verdict.text());
            if (problem != null) {
              log.warn("a message hook rewrote a message to {} badly: {}", event.room(), problem);
              return new Verdict(Outcome.FAILED, null, "the message could not be checked");
            }
            text = verdict.text();
            event =
                new BeforeStoreEvent(
                    event.room(),
                    event.sender(),
                    event.clientMessageId(),
                    text,
                    event.payload(),
                    event.sessionId(),
                    event.attachments());
          }
        }
      }
      return new Verdict(Outcome.ACCEPTED, text, null);
    }
  }
}
