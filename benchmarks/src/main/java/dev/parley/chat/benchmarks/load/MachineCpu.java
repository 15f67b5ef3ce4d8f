package dev.parley.chat.benchmarks.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How busy the machine and this JVM were between two samples: the machine's from the first line of
 * Linux's {@code /proc/stat} (all cores; every process, so the database and the broker on the same
 * machine count too), this JVM's from its process CPU time. Immutable and thread-safe; on a system
 * without {@code /proc/stat} the machine's share is unknown.
 *
 * @param busyTicks the machine's non-idle time (user, nice, system, irq, softirq, steal), in ticks
 * @param totalTicks the same plus idle and iowait, in ticks; 0 when unknown
 * @param processCpuNanos this JVM's CPU time, -1 when unknown
 * @param wallNanos {@link System#nanoTime()} when taken
 */
record MachineCpu(long busyTicks, long totalTicks, long processCpuNanos, long wallNanos) {
  private static final Path PROC_STAT = Path.of("/proc/stat");

  /** A sample now. */
  static MachineCpu sample() {
    long process = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      process = os.getProcessCpuTime();
    }
    long[] ticks = {0, 0};
    try {
      List<String> lines = Files.readAllLines(PROC_STAT);
      if (!lines.isEmpty()) {
        ticks = parse(lines.get(0)).orElse(ticks);
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the machine's share stays unknown
    }
    return new MachineCpu(ticks[0], ticks[1], process, System.nanoTime());
  }

  /**
   * The busy and total ticks of a {@code cpu} line of {@code /proc/stat} ({@code cpu user nice
   * system idle iowait irq softirq steal [guest guest_nice]}); guest time is already inside user
   * time and is not added again. Empty when the line is not such a line.
   */
  static Optional<long[]> parse(String line) {
    String[] f = line.trim().split("\\s+");
    if (f.length < 5 || !f[0].startsWith("cpu")) {
      return Optional.empty();
    }
    long busy = 0;
    long total = 0;
    try {
      for (int i = 1; i < f.length && i <= 8; i++) {
        long v = Long.parseLong(f[i]);
        total += v;
        if (i != 4 && i != 5) { // idle, iowait
          busy += v;
        }
      }
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return Optional.of(new long[] {busy, total});
  }

  /** The machine's busy share of all its cores since {@code earlier}, 0 to 1; -1 when unknown. */
  double machineBusySince(MachineCpu earlier) {
    long total = totalTicks - earlier.totalTicks;
    if (totalTicks == 0 || earlier.totalTicks == 0 || total <= 0) {
      return -1;
    }
    return (double) (busyTicks - earlier.busyTicks) / total;
  }

  /** This JVM's CPU time since {@code earlier} in cores (1.0 = one core busy); -1 when unknown. */
  double processCoresSince(MachineCpu earlier) {
    long wall = wallNanos - earlier.wallNanos;
    if (processCpuNanos < 0 || earlier.processCpuNanos < 0 || wall <= 0) {
      return -1;
    }
    return (double) (processCpuNanos - earlier.processCpuNanos) / wall;
  }
}
