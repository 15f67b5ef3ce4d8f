package dev.parley.chat.server.internal;

import dev.parley.chat.spi.BlobId;
import dev.parley.chat.spi.BlobInfo;
import dev.parley.chat.spi.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes blobs that no message references once they are older than a grace period. Every interval
 * it asks the message store which blobs its kept messages reference ({@link
 * MessageStore#referencedBlobs()}), lists the stored blobs, and deletes each one that is neither
 * referenced nor stored (or stored again, see {@link dev.parley.chat.spi.BlobStore#put}) within the
 * grace period. A candidate is looked up once more just before it is deleted, so a blob stored
 * again during the sweep is kept.
 *
 * <p>Why nothing still in use is removed: a message can only reference a blob through an upload
 * token, tokens expire before the grace period ends, and a token is issued only once its blob is
 * stored (or stored again, which refreshes its time). So a blob a message may still come to
 * reference is younger than the grace period. A blob that a kept message references is in the
 * store's answer, whatever its age.
 *
 * <p>A store that cannot say which blobs it references turns retention off: the server logs it once
 * and deletes nothing. A sweep that fails (store or blob store down, breaker open) deletes nothing
 * and is tried again at the next interval. Sweeps never overlap. Every call goes through the
 * breakers ({@link GuardedMessageStore}, {@link BlobAccess}), so retention never blocks chat.
 *
 * <p>Thread-safe. Sweeps run on the server's timer (which only starts them) and complete on the
 * store's and blob threads.
 */
final class BlobRetention implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BlobRetention.class);

  /** What one sweep did. */
  record Sweep(int stored, int referenced, int deleted) {
    static final Sweep SKIPPED = new Sweep(0, 0, 0);
  }

  private final MessageStore store;
  private final BlobAccess blobs;
  private final Duration grace;
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean off;
  private volatile ScheduledFuture<?> schedule;

  /**
   * @param store the message store, behind its breaker
   * @param blobs the blob store, behind its breaker
   * @param grace how old an unreferenced blob must be before it is removed
   * @param clock the time ages are measured against
   */
  BlobRetention(MessageStore store, BlobAccess blobs, Duration grace, Clock clock) {
    this.store = store;
    this.blobs = blobs;
    this.grace = grace;
    this.clock = clock;
  }

  /** Sweeps every {@code interval} on {@code scheduler}, the first time after one interval. */
  void start(ScheduledExecutorService scheduler, Duration interval) {
    long every = interval.toMillis();
    try {
      // the timer only starts a sweep; it never waits for one
      schedule = scheduler.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the server is stopping
    }
  }

  /** Whether retention has turned itself off (the store cannot say what it references). */
  boolean off() {
    return off;
  }

  /**
   * One sweep now, unless one is running or retention is off ({@link Sweep#SKIPPED}).
   *
   * @return completes when the sweep is over; never fails
   */
  CompletableFuture<Sweep> sweep() {
    if (off || !running.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(Sweep.SKIPPED);
    }
    CompletableFuture<Sweep> sweep;
    try {
      sweep = store.referencedBlobs().thenCompose(this::sweepAgainst);
    } catch (RuntimeException e) {
      sweep = CompletableFuture.failedFuture(e);
    }
    return sweep.handle(
        (done, failure) -> {
          running.set(false);
          if (failure == null) {
            if (done.deleted() > 0) {
              log.info(
                  "Retention removed {} of {} stored blobs that no message references",
                  done.deleted(),
                  done.stored());
            }
            return done;
          }
          Throwable cause = Replies.unwrap(failure);
          if (cause instanceof UnsupportedOperationException) {
            turnOff(cause);
          } else {
            log.warn(
                "Retention sweep failed; trying again at the next interval: {}", cause.toString());
          }
          return Sweep.SKIPPED;
        });
  }

  private void turnOff(Throwable cause) {
    off = true;
    ScheduledFuture<?> s = schedule;
    if (s != null) {
      s.cancel(false);
    }
    log.warn(
        "Attachment retention is off: the message store cannot say which blobs its messages"
            + " reference ({}). No blob is ever removed.",
        cause.getMessage());
  }

  private CompletableFuture<Sweep> sweepAgainst(Set<String> referenced) {
    return blobs
        .list()
        .thenCompose(
            stored -> {
              Instant cutoff = clock.instant().minus(grace);
              List<BlobId> candidates = new ArrayList<>();
              for (BlobInfo info : stored) {
                if (!referenced.contains(info.id().sha256()) && info.storedAt().isBefore(cutoff)) {
                  candidates.add(info.id());
                }
              }
              return deleteEach(candidates, 0, 0)
                  .thenApply(deleted -> new Sweep(stored.size(), referenced.size(), deleted));
            });
  }

  /** Deletes the candidates one after the other, each looked up again first. */
  private CompletableFuture<Integer> deleteEach(List<BlobId> candidates, int index, int deleted) {
    if (index == candidates.size()) {
      return CompletableFuture.completedFuture(deleted);
    }
    BlobId id = candidates.get(index);
    return blobs
        .stat(id)
        .thenCompose(
            info -> {
              // looked up on a blob thread just now: stored again meanwhile, or gone already?
              Instant cutoff = clock.instant().minus(grace);
              if (!stillExpired(info, cutoff)) {
                return CompletableFuture.completedFuture(false);
              }
              return blobs.delete(id);
            })
        .thenCompose(removed -> deleteEach(candidates, index + 1, deleted + (removed ? 1 : 0)));
  }

  private static boolean stillExpired(Optional<BlobInfo> info, Instant cutoff) {
    return info.isPresent() && info.get().storedAt().isBefore(cutoff);
  }

  /** Stops the sweeps; one that is running finishes. */
  @Override
  public void close() {
    ScheduledFuture<?> s = schedule;
    if (s != null) {
      s.cancel(false);
    }
  }
}
