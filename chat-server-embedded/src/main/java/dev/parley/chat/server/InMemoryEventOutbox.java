package dev.parley.chat.server;

import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.spi.EventOutbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link EventOutbox} in memory: the outbox of {@link InMemoryMessageStore}, and where the
 * server keeps events when its store has no outbox of its own. What it holds is lost with the
 * process, as the in-memory store's messages are. Its relay lease is one process's: every owner
 * competes only with the owners of this outbox.
 *
 * <p>Thread-safe; every method completes its future at once, on the calling thread.
 */
public final class InMemoryEventOutbox implements EventOutbox {
  private final Clock clock;
  private final TreeMap<Long, Waiting> entries = new TreeMap<>();
  private long nextPosition = 1;
  private String leaseOwner;
  private Instant leaseUntil = Instant.MIN;

  private record Waiting(ChatEvent event, Instant added) {}

  /** An empty outbox on the system clock. */
  public InMemoryEventOutbox() {
    this(Clock.systemUTC());
  }

  /** An empty outbox whose backlog and lease times come from {@code clock}. */
  public InMemoryEventOutbox(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public CompletableFuture<Void> add(List<ChatEvent> events) {
    List<ChatEvent> copy = List.copyOf(events);
    Instant now = clock.instant();
    synchronized (this) {
      for (ChatEvent event : copy) {
        entries.put(nextPosition++, new Waiting(event, now));
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Adds one event; called by a store inside the lock that orders its room's appends. */
  void addOne(ChatEvent event) {
    Instant now = clock.instant();
    synchronized (this) {
      entries.put(nextPosition++, new Waiting(event, now));
    }
  }

  @Override
  public synchronized CompletableFuture<List<Entry>> next(int limit) {
    if (limit <= 0) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("limit must be positive, was " + limit));
    }
    List<Entry> out = new ArrayList<>(Math.min(limit, entries.size()));
    for (Map.Entry<Long, Waiting> e : entries.entrySet()) {
      if (out.size() == limit) {
        break;
      }
      out.add(new Entry(e.getKey(), e.getValue().event()));
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public synchronized CompletableFuture<Void> remove(List<Entry> removed) {
    for (Entry e : removed) {
      entries.remove(e.position());
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Backlog> backlog() {
    return CompletableFuture.completedFuture(
        entries.isEmpty()
            ? Backlog.EMPTY
            : new Backlog(entries.size(), Optional.of(entries.firstEntry().getValue().added())));
  }

  @Override
  public synchronized CompletableFuture<Boolean> holdRelayLease(String owner, Duration ttl) {
    Objects.requireNonNull(owner, "owner");
    Instant now = clock.instant();
    if (owner.equals(leaseOwner) || leaseOwner == null || !now.isBefore(leaseUntil)) {
      leaseOwner = owner;
      leaseUntil = now.plus(ttl);
      return CompletableFuture.completedFuture(true);
    }
    return CompletableFuture.completedFuture(false);
  }

  @Override
  public synchronized CompletableFuture<Void> releaseRelayLease(String owner) {
    if (owner.equals(leaseOwner)) {
      leaseOwner = null;
      leaseUntil = Instant.MIN;
    }
    return CompletableFuture.completedFuture(null);
  }
}
