package dev.parley.chat.store.jdbc.internal;

import dev.parley.chat.spi.RoomPosition;

/**
 * A room's row: its epoch, the highest seq given and the oldest seq that may still be kept.
 * Immutable.
 */
public record RoomRow(long epoch, long headSeq, long keptFrom) {
  /** The position reported to readers: {@code firstSeq} is 0 when nothing is kept. */
  public RoomPosition position() {
    return new RoomPosition(headSeq, keptFrom <= headSeq ? keptFrom : 0, epoch);
  }
}
