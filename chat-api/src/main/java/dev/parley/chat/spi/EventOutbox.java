package dev.parley.chat.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where a {@link MessageStore} keeps the {@link ChatEvent}s that are still to reach the {@link
 * EventSink}: the transactional outbox. A store that offers one ({@link MessageStore#outbox()})
 * writes a stored message's {@link ChatEvent.MessageStored} in the same transaction as the message,
 * when the append asks for it ({@link AppendRequest#deliveredLive()} not null), so an event exists
 * exactly when its message does. The server's relay reads the outbox oldest first, publishes to the
 * sink, and removes what the sink confirmed; in a cluster whose nodes share one store, the relay
 * lease lets one node at a time relay.
 *
 * <p>Contract (checked by {@code dev.parley.chat.testkit.events.EventOutboxConformanceSuite}):
 *
 * <ul>
 *   <li>A stored message's event is in the outbox once its append's future has completed, and only
 *       if the append asked for it; a duplicate append adds nothing. Its id is {@code
 *       message.stored:<room>:<seq>}.
 *   <li>{@link #next} lists entries oldest first; the entries of one room are in the order their
 *       events happened (for messages: by seq), so a relay that publishes in list order keeps each
 *       room's order. An entry stays until {@link #remove}d, and {@code next} lists it again.
 *   <li>{@link #holdRelayLease} is held by at most one owner at a time among all outboxes over the
 *       same storage; the holder keeps it by calling again before {@code ttl} runs out, and it
 *       passes to another owner once it has run out or was {@linkplain #releaseRelayLease
 *       released}.
 * </ul>
 *
 * <p>Implementations are thread-safe. Methods do not block the caller for I/O: they return a future
 * completed on the store's threads (or at once).
 */
public interface EventOutbox {
  /**
   * Adds events that are not a stored message's (rooms created, members joining and leaving, users
   * going online and offline), after the change they describe; in list order.
   */
  CompletableFuture<Void> add(List<ChatEvent> events);

  /** Up to {@code limit} of the oldest entries, oldest first; empty when the outbox is. */
  CompletableFuture<List<Entry>> next(int limit);

  /** Removes entries (ones the sink confirmed); entries already removed are ignored. */
  CompletableFuture<Void> remove(List<Entry> entries);

  /** How many events wait, and since when the oldest has. */
  CompletableFuture<Backlog> backlog();

  /**
   * Takes the relay lease for {@code owner}, or keeps it if {@code owner} holds it, for {@code ttl}
   * from now.
   *
   * @return true if {@code owner} holds the lease now
   */
  CompletableFuture<Boolean> holdRelayLease(String owner, Duration ttl);

  /** Gives up the lease if {@code owner} holds it, so another node may take it at once. */
  CompletableFuture<Void> releaseRelayLease(String owner);

  /**
   * One waiting event.
   *
   * @param position the entry's place in the outbox (increasing in the order entries were added
   *     within one room; opaque otherwise)
   * @param event the event
   */
  record Entry(long position, ChatEvent event) {
    /** Checks the event is there. */
    public Entry {
      Objects.requireNonNull(event, "event");
    }
  }

  /**
   * What waits in an outbox.
   *
   * @param events how many events wait (an upper bound for stores that estimate it)
   * @param oldest when the oldest waiting event was added; empty when none waits
   */
  record Backlog(long events, Optional<Instant> oldest) {
    /** Checks the fields. */
    public Backlog {
      Objects.requireNonNull(oldest, "oldest");
      if (events < 0) {
        throw new IllegalArgumentException("events must not be negative, was " + events);
      }
    }

    /** An empty backlog. */
    public static final Backlog EMPTY = new Backlog(0, Optional.empty());
  }
}
