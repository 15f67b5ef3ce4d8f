package dev.parley.chat.transport.jws.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Reports connections closed for hostile or broken input without letting peers control the log: at
 * most one line per {@link #INTERVAL_NANOS}, naming the latest fault and counting the ones not
 * reported since the previous line. One instance per transport, shared by its connections.
 * Thread-safe.
 */
final class PeerFaultLog {
  /** At most one line per this many nanoseconds (10 s). */
  static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final LongSupplier ticker;
  private final Consumer<String> sink;

  // guarded by this
  private boolean reportedOnce;
  private long lastReportAt;
  private long unreported;

  /**
   * @param ticker the clock, in nanoseconds
   * @param sink receives each line (the transport logs it at INFO)
   */
  PeerFaultLog(LongSupplier ticker, Consumer<String> sink) {
    this.ticker = ticker;
    this.sink = sink;
  }

  /** Records that {@code connection} was closed with {@code code} because of {@code reason}. */
  void closed(Object connection, int code, String reason) {
    String line;
    synchronized (this) {
      long now = ticker.getAsLong();
      if (reportedOnce && now - lastReportAt < INTERVAL_NANOS) {
        unreported++;
        return;
      }
      line =
          connection
              + ": closed with "
              + code
              + " for invalid input from the peer ("
              + reason
              + ")"
              + (unreported > 0
                  ? "; " + unreported + " more such closes since the last report"
                  : "");
      reportedOnce = true;
      lastReportAt = now;
      unreported = 0;
    }
    sink.accept(line);
  }
}
