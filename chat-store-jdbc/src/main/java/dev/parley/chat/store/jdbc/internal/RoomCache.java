package dev.parley.chat.store.jdbc.internal;

import dev.parley.chat.api.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One room's newest committed messages and its last known row. Holds only committed messages, which
 * never change, so whatever it serves is true; a read it cannot answer whole goes to the database.
 * Thread-safe (guarded by its monitor).
 */
public final class RoomCache {
  private final int capacity;
  private final TreeMap<Long, ChatMessage> recent = new TreeMap<>();
  private RoomRow row;

  /** A cache keeping up to {@code capacity} messages. */
  public RoomCache(int capacity) {
    this.capacity = capacity;
  }

  /** The last known row, or {@code null}. */
  public synchronized RoomRow row() {
    return row;
  }

  /**
   * Takes a row read from or written to the database. Heads and trim points only move forward; an
   * epoch change (the room's history was lost) empties the cache.
   */
  public synchronized void learn(RoomRow fresh) {
    if (row == null || row.epoch() != fresh.epoch()) {
      if (row != null) {
        recent.clear();
      }
      row = fresh;
    } else {
      row =
          new RoomRow(
              fresh.epoch(),
              Math.max(row.headSeq(), fresh.headSeq()),
              Math.max(row.keptFrom(), fresh.keptFrom()));
    }
    recent.headMap(row.keptFrom()).clear();
  }

  /** Adds committed messages (new appends, or messages read from the database). */
  public synchronized void add(List<ChatMessage> messages) {
    if (capacity == 0) {
      return;
    }
    for (ChatMessage m : messages) {
      if (row == null || m.seq() >= row.keptFrom()) {
        recent.put(m.seq(), m);
      }
    }
    while (recent.size() > capacity) {
      recent.pollFirstEntry();
    }
  }

  /** Messages {@code from..to} (inclusive) if the cache holds every one of them. */
  public synchronized Optional<List<ChatMessage>> range(long from, long to) {
    if (from > to) {
      return Optional.of(List.of());
    }
    var slice = recent.subMap(from, true, to, true);
    if (slice.size() != to - from + 1) {
      return Optional.empty();
    }
    return Optional.of(new ArrayList<>(slice.values()));
  }
}
