package dev.parley.chat.benchmarks.load;

import dev.parley.chat.protocol.internal.Envelope;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Frames and bytes one connection received, by the envelope's body case. A body case the protocol
 * gains later is counted without a change here; {@link Kind#of} sorts it into a kind by its name
 * (any case named {@code PRESENCE...} is presence). Thread-safe for one writer (the connection's
 * event loop) and any number of readers, who see each counter's latest value.
 */
final class FrameCounts {
  private static final Envelope.BodyCase[] CASES = Envelope.BodyCase.values();

  /** What a received frame costs a member: the groups the benchmark reports. */
  enum Kind {
    PRESENCE,
    TYPING,
    READ_RECEIPT,
    MESSAGE,
    OTHER;

    /** The kind of a body case: by its name, so that a new presence frame type needs no change. */
    static Kind of(Envelope.BodyCase bodyCase) {
      String name = bodyCase.name();
      if (name.startsWith("PRESENCE")) {
        return PRESENCE;
      }
      return switch (bodyCase) {
        case TYPING -> TYPING;
        case READ_RECEIPT -> READ_RECEIPT;
        case MESSAGE -> MESSAGE;
        default -> OTHER;
      };
    }
  }

  private final AtomicLongArray frames = new AtomicLongArray(CASES.length);
  private final AtomicLongArray bytes = new AtomicLongArray(CASES.length);

  /**
   * Counts one received frame. Only the connection's event loop calls this.
   *
   * @param size the frame's payload in bytes (the WebSocket message, without its header)
   */
  void record(Envelope.BodyCase bodyCase, int size) {
    if (size < 0) {
      throw new IllegalArgumentException("a frame's size cannot be negative, was " + size);
    }
    int i = bodyCase.ordinal();
    frames.setRelease(i, frames.getPlain(i) + 1);
    bytes.setRelease(i, bytes.getPlain(i) + size);
  }

  /** The counts so far. */
  Tally tally() {
    long[] f = new long[CASES.length];
    long[] b = new long[CASES.length];
    for (int i = 0; i < CASES.length; i++) {
      f[i] = frames.getAcquire(i);
      b[i] = bytes.getAcquire(i);
    }
    return new Tally(f, b);
  }

  /** The sum of the counts of {@code connections} so far. */
  static Tally total(Iterable<LoadConnection> connections) {
    Tally sum = Tally.EMPTY;
    for (LoadConnection c : connections) {
      sum = sum.plus(c.frames().tally());
    }
    return sum;
  }

  /**
   * Frames and bytes by body case, a snapshot: summed over connections, or the difference of two
   * snapshots. Immutable.
   */
  static final class Tally {
    static final Tally EMPTY = new Tally(new long[CASES.length], new long[CASES.length]);

    private final long[] frames;
    private final long[] bytes;

    private Tally(long[] frames, long[] bytes) {
      this.frames = frames;
      this.bytes = bytes;
    }

    Tally plus(Tally other) {
      return combine(other, 1);
    }

    /** What was received after {@code earlier}, a snapshot of the same connections. */
    Tally minus(Tally earlier) {
      return combine(earlier, -1);
    }

    private Tally combine(Tally other, int sign) {
      long[] f = frames.clone();
      long[] b = bytes.clone();
      for (int i = 0; i < CASES.length; i++) {
        f[i] += sign * other.frames[i];
        b[i] += sign * other.bytes[i];
      }
      return new Tally(f, b);
    }

    long frames(Kind kind) {
      return sum(frames, kind);
    }

    long bytes(Kind kind) {
      return sum(bytes, kind);
    }

    /** Everything but {@code kind}. */
    long framesExcept(Kind kind) {
      return Arrays.stream(frames).sum() - frames(kind);
    }

    long bytesExcept(Kind kind) {
      return Arrays.stream(bytes).sum() - bytes(kind);
    }

    /** Frames by body case, the cases received at all, in protocol order. */
    Map<Envelope.BodyCase, Long> framesByCase() {
      Map<Envelope.BodyCase, Long> map = new EnumMap<>(Envelope.BodyCase.class);
      for (int i = 0; i < CASES.length; i++) {
        if (frames[i] != 0) {
          map.put(CASES[i], frames[i]);
        }
      }
      return map;
    }

    private static long sum(long[] values, Kind kind) {
      long sum = 0;
      for (int i = 0; i < CASES.length; i++) {
        if (Kind.of(CASES[i]) == kind) {
          sum += values[i];
        }
      }
      return sum;
    }

    @Override
    public String toString() {
      return framesByCase().toString();
    }
  }
}
