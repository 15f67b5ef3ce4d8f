package dev.parley.chat.benchmarks.load;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the load generator observed: send-to-deliver latency of every delivery to every recipient
 * (measured from the intended send time, so a stalled server or a late sender shows up as latency:
 * the coordinated-omission correction of an open-loop test), and counters. Thread-safe: event loops
 * record, the runner reads intervals.
 */
final class LoadStats {
  private static final int KEPT_ERRORS = 5;

  private final Recorder latency = new Recorder(TimeUnit.MINUTES.toMicros(10), 3);
  private final LongAdder delivered = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder caughtUp = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder unexpectedCloses = new LongAdder();
  private final Queue<String> firstErrors = new ConcurrentLinkedQueue<>();

  void recordDelivery(long nanos) {
    latency.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos)));
    delivered.increment();
  }

  void recordDuplicate() {
    duplicates.increment();
  }

  void recordCaughtUp() {
    caughtUp.increment();
  }

  void recordUnexpectedClose() {
    unexpectedCloses.increment();
  }

  void error(String why) {
    errors.increment();
    if (firstErrors.size() < KEPT_ERRORS) {
      firstErrors.add(why);
    }
  }

  /** Latencies (µs) recorded since the last call, which starts a new interval. */
  Histogram takeLatency() {
    return latency.getIntervalHistogram();
  }

  long delivered() {
    return delivered.sum();
  }

  long duplicates() {
    return duplicates.sum();
  }

  long caughtUp() {
    return caughtUp.sum();
  }

  long errors() {
    return errors.sum();
  }

  long unexpectedCloses() {
    return unexpectedCloses.sum();
  }

  String firstErrors() {
    return String.join("; ", firstErrors);
  }
}
