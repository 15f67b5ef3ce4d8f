package dev.parley.chat.server.internal;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import dev.parley.chat.spi.RoomPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room delivery stage: one room's delivery position on this node. Fans stored messages out to
 * the room's members in seq order, holding back a message that completes before its predecessor,
 * reads from the store what the bus lost (gap checks, catch-up), and lets joiners wait until this
 * node has reached a seq.
 *
 * <p>Guarded by its {@link Room}'s monitor: {@link #publish} is called with it held; {@link
 * #gapCheck}, {@link #catchUp} and {@link #reach} take it themselves.
 */
final class RoomDelivery {
  private static final Logger log = LoggerFactory.getLogger(RoomDelivery.class);

  /** Out-of-order completions held back at most; a larger gap means a lost append. */
  static final int MAX_REORDER = 10_000;

  /** Pages of a catch-up read. */
  static final int CATCH_UP_PAGE = 256;

  /** The longest a join waits for this node to catch up with the store. */
  static final long REACH_TIMEOUT_MILLIS = 5_000;

  private final Room room;
  private final RoomRegistry registry;
  private final TreeMap<Long, ChatMessage> early = new TreeMap<>();
  private final long epoch;
  private long deliveredSeq;
  private boolean catchingUp;
  private boolean gapCheckPending;

  /** Joiners waiting until this node has delivered up to a seq: (seq, future). */
  private final List<Map.Entry<Long, CompletableFuture<Void>>> waiters = new ArrayList<>();

  RoomDelivery(Room room, RoomRegistry registry, RoomPosition position) {
    this.room = room;
    this.registry = registry;
    this.deliveredSeq = position.headSeq();
    this.epoch = position.epoch();
  }

  /** The position a joiner is told of; {@code firstSeq} is the oldest seq the store keeps. */
  RoomPosition position(long firstSeq) {
    return new RoomPosition(deliveredSeq, Math.min(firstSeq, deliveredSeq), epoch);
  }

  long deliveredSeq() {
    return deliveredSeq;
  }

  /**
   * Delivers a stored message to every member, in seq order. A message that completes before an
   * earlier one is held until the gap closes; one already delivered is ignored. Caller holds the
   * room's monitor.
   */
  void publish(ChatMessage message) {
    long seq = message.seq();
    if (seq <= deliveredSeq) {
      return;
    }
    if (seq > deliveredSeq + 1) {
      early.put(seq, message);
      if (early.size() < MAX_REORDER) {
        if (!gapCheckPending) {
          gapCheckPending = true;
          registry.checkGapLater(room);
        }
        return;
      }
      // The missing predecessors are not coming (an append that never completed). Rather than
      // stall the room, move on: clients see the gap in seqs and read it from history.
      log.warn(
          "room {}: seqs {}..{} never completed; delivering past them",
          room.id(),
          deliveredSeq + 1,
          early.firstKey() - 1);
      message = early.pollFirstEntry().getValue();
    }
    deliverNow(message);
    while (!early.isEmpty() && early.firstKey() == deliveredSeq + 1) {
      deliverNow(early.pollFirstEntry().getValue());
    }
    early.headMap(deliveredSeq, true).clear();
  }

  /**
   * Called a moment after a message arrived ahead of its predecessors: if the gap is still open
   * (the bus lost a message, or its node died before publishing it), reads it from the store.
   */
  void gapCheck() {
    boolean open;
    synchronized (room) {
      gapCheckPending = false;
      open = !early.isEmpty();
    }
    if (open) {
      catchUp();
    }
  }

  /**
   * Reads from the store whatever followed the last delivered message and delivers it in order,
   * page by page. What the store no longer keeps is skipped (clients see the gap in seqs and ask
   * history, which reports it). At most one catch-up runs at a time.
   */
  void catchUp() {
    long from;
    synchronized (room) {
      if (room.isRetired() || catchingUp) {
        return;
      }
      catchingUp = true;
      from = deliveredSeq + 1;
    }
    registry.metrics().catchUpRead();
    registry
        .store()
        .read(room.id(), from, ReadDirection.FORWARD, CATCH_UP_PAGE)
        .whenComplete(
            (slice, failure) -> {
              boolean more = false;
              synchronized (room) {
                catchingUp = false;
                if (failure != null) {
                  log.debug("room {}: catch-up from seq {} failed", room.id(), from, failure);
                } else {
                  more = applyCatchUp(slice);
                }
              }
              if (more) {
                catchUp();
              }
            });
  }

  private boolean applyCatchUp(HistorySlice slice) {
    if (room.isRetired()) {
      return false;
    }
    if (slice.position().epoch() != epoch) {
      log.warn(
          "room {}: the store's epoch changed under a loaded room; members resume on reconnect",
          room.id());
      return false;
    }
    List<ChatMessage> messages = slice.messages();
    if (!messages.isEmpty() && messages.get(0).seq() > deliveredSeq + 1) {
      // The store no longer keeps what came in between (retention): move past it.
      log.debug(
          "room {}: seqs {}..{} are gone from the store; moving past them",
          room.id(),
          deliveredSeq + 1,
          messages.get(0).seq() - 1);
      deliveredSeq = messages.get(0).seq() - 1;
      early.headMap(deliveredSeq, true).clear();
    }
    for (ChatMessage message : messages) {
      publish(message);
    }
    releaseWaiters();
    return !messages.isEmpty() && (slice.hasMore() || waitingBeyondDelivered());
  }

  private void deliverNow(ChatMessage message) {
    deliveredSeq = message.seq();
    // one frame, with links signed for the room, serves every member
    int recipients =
        room.broadcastExcept(
            null, new OutboundFrame(Envelopes.delivery(registry.links().withLinks(message))));
    registry.metrics().delivered(message.timestamp(), recipients);
    releaseWaiters();
  }

  /**
   * Completes once this node has delivered the room up to {@code seq} (at most {@link
   * #REACH_TIMEOUT_MILLIS} later): a session that joins or resumes here must not be told of a head
   * below what the store already had, which it may have seen on another node. Reads from the store
   * what the bus has not brought yet.
   */
  CompletableFuture<Void> reach(long seq) {
    CompletableFuture<Void> reached = new CompletableFuture<>();
    synchronized (room) {
      if (room.isRetired() || deliveredSeq >= seq) {
        return CompletableFuture.completedFuture(null);
      }
      waiters.add(Map.entry(seq, reached));
    }
    catchUp();
    return reached.completeOnTimeout(null, REACH_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Completes the waiters this node has caught up with, off the room's monitor. */
  void releaseWaiters() {
    if (waiters.isEmpty()) {
      return;
    }
    for (var it = waiters.iterator(); it.hasNext(); ) {
      var waiter = it.next();
      if (room.isRetired() || waiter.getKey() <= deliveredSeq) {
        it.remove();
        registry.complete(waiter.getValue());
      }
    }
  }

  private boolean waitingBeyondDelivered() {
    for (var waiter : waiters) {
      if (waiter.getKey() > deliveredSeq) {
        return true;
      }
    }
    return false;
  }
}
