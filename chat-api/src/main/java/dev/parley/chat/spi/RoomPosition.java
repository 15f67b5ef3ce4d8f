package dev.parley.chat.spi;

/**
 * Where a room's history stands.
 *
 * <p>Immutable and thread-safe.
 *
 * @param headSeq the highest seq assigned (0 when the room has no messages)
 * @param firstSeq the oldest seq still kept (0 when none is kept)
 * @param epoch changes only when the room's history was truly lost and seqs restarted
 */
public record RoomPosition(long headSeq, long firstSeq, long epoch) {
  /** Checks the numbers are consistent. */
  public RoomPosition {
    if (headSeq < 0 || firstSeq < 0 || firstSeq > headSeq) {
      throw new IllegalArgumentException(
          "need 0 <= firstSeq <= headSeq, got firstSeq=" + firstSeq + ", headSeq=" + headSeq);
    }
  }
}
