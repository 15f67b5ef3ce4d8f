package dev.parley.chat.benchmarks.load;

import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Sends at a fixed rate whatever the server does (open loop): message {@code i} is due at {@code
 * start + i / rate}, is stamped with that time, and is sent as soon as the sender thread gets to
 * it. Rooms take turns; within a room, its readers take turns as sender. Not thread-safe: one run
 * at a time, on the caller's thread.
 */
final class OpenLoop {
  private static final long NO_PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final long MAX_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(15);

  /**
   * One run's outcome.
   *
   * @param targetDeliveriesPerSecond the rate asked for
   * @param latencyMicros send-to-deliver latency of the measured phase, from the intended send time
   * @param expected deliveries the whole run should have made (every reader of the room, per send)
   * @param delivered deliveries seen by the end of the drain
   * @param maxLagMicros how far the sender fell behind its schedule at worst
   */
  record Result(
      double targetDeliveriesPerSecond,
      Histogram latencyMicros,
      long expected,
      long delivered,
      long maxLagMicros) {
    double p50() {
      return millis(50);
    }

    double p99() {
      return millis(99);
    }

    double p999() {
      return millis(99.9);
    }

    private double millis(double percentile) {
      return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Everything arrived and p99 stayed at or under {@code limitMillis}. */
    boolean sustained(double limitMillis) {
      return delivered >= expected && p99() <= limitMillis;
    }
  }

  private OpenLoop() {}

  /**
   * Runs {@code warmup} then {@code measure} at {@code deliveriesPerSecond}, then waits until every
   * delivery arrived or none arrived for 2 s.
   *
   * @param rooms for each room, the members that read (and may send)
   * @param roomSizes for each room, how many of its members receive each message
   */
  static Result run(
      LoadClient client,
      List<List<LoadConnection>> rooms,
      int[] roomSizes,
      double deliveriesPerSecond,
      Duration warmup,
      Duration measure) {
    double recipientsPerMessage = 0;
    for (int size : roomSizes) {
      recipientsPerMessage += size;
    }
    recipientsPerMessage /= roomSizes.length;
    double messagesPerSecond = deliveriesPerSecond / recipientsPerMessage;
    double periodNanos = 1e9 / messagesPerSecond;
    LoadStats stats = client.stats();
    ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    long deliveredBefore = stats.delivered();
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
    long measureStart = start + warmup.toNanos();
    long end = measureStart + measure.toNanos();
    long expected = 0;
    long maxLag = 0;
    boolean measuring = false;
    for (long i = 0; ; i++) {
      long intended = start + (long) (i * periodNanos);
      if (intended >= end) {
        break;
      }
      long now = System.nanoTime();
      while (intended > now) {
        LockSupport.parkNanos(intended - now);
        now = System.nanoTime();
      }
      if (!measuring && intended >= measureStart) {
        measuring = true;
        stats.takeLatency();
      }
      if (measuring) {
        maxLag = Math.max(maxLag, now - intended);
      }
      int room = (int) (i % rooms.size());
      List<LoadConnection> readers = rooms.get(room);
      LoadConnection sender = readers.get((int) ((i / rooms.size()) % readers.size()));
      sender.write(client.wire().send(sender, intended, alloc));
      expected += roomSizes[room];
    }
    long lastProgress = System.nanoTime();
    long drainStart = lastProgress;
    long seen = stats.delivered() - deliveredBefore;
    while (seen < expected
        && System.nanoTime() - lastProgress < NO_PROGRESS_NANOS
        && System.nanoTime() - drainStart < MAX_DRAIN_NANOS) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      long now = stats.delivered() - deliveredBefore;
      if (now > seen) {
        seen = now;
        lastProgress = System.nanoTime();
      }
    }
    return new Result(
        deliveriesPerSecond,
        stats.takeLatency(),
        expected,
        stats.delivered() - deliveredBefore,
        TimeUnit.NANOSECONDS.toMicros(maxLag));
  }
}
