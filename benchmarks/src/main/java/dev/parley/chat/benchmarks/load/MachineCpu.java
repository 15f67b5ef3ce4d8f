package dev.parley.chat.benchmarks.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where the CPU went between two samples, to tell what a configuration costs from what else the
 * machine was doing: the machine's busy time (the first line of Linux's {@code /proc/stat}, all
 * cores), the CPU time of the PostgreSQL and RabbitMQ processes and of this JVM (from {@code
 * /proc/<pid>/stat}), and this JVM's CPU time per group of like-named threads. Immutable and
 * thread-safe; on a system without {@code /proc} only this JVM's figures are known.
 *
 * @param busyTicks the machine's non-idle time (user, nice, system, irq, softirq, steal), in clock
 *     ticks; 0 when unknown
 * @param totalTicks the same plus idle and iowait; 0 when unknown
 * @param processTicks CPU ticks (user and system) of the processes of each {@link #group}, this
 *     JVM's included
 * @param threadNanos this JVM's CPU time per thread group ({@link #threadGroup})
 * @param wallNanos {@link System#nanoTime()} when taken
 */
record MachineCpu(
    long busyTicks,
    long totalTicks,
    Map<String, Long> processTicks,
    Map<String, Long> threadNanos,
    long wallNanos) {
  /** The group of this JVM's process. */
  static final String THIS_JVM = "this JVM";

  static final String POSTGRES = "PostgreSQL";
  static final String RABBITMQ = "RabbitMQ";

  /** Clock ticks per second of {@code /proc}'s times (USER_HZ, 100 on every Linux in use). */
  private static final double TICKS_PER_SECOND = 100;

  private static final Set<String> RABBITMQ_COMMANDS =
      Set.of("beam.smp", "erl_child_setup", "epmd", "inet_gethost");

  /** A sample now. */
  static MachineCpu sample() {
    long[] ticks = {0, 0};
    Map<String, Long> processes = new HashMap<>();
    long self = ProcessHandle.current().pid();
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
      if (!lines.isEmpty()) {
        ticks = parseCpuLine(lines.get(0)).orElse(ticks);
      }
      try (Stream<Path> pids = Files.list(Path.of("/proc"))) {
        for (Path p : pids.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
          String stat;
          try {
            stat = Files.readString(p.resolve("stat"));
          } catch (IOException | RuntimeException gone) {
            continue; // ended in between
          }
          long pid = Long.parseLong(p.getFileName().toString());
          parseProcessStat(stat)
              .ifPresent(
                  s -> {
                    String group = pid == self ? THIS_JVM : group(s.command());
                    if (group != null) {
                      processes.merge(group, s.ticks(), Long::sum);
                    }
                  });
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the machine's figures stay unknown
    }
    Map<String, Long> threads = new HashMap<>();
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    if (bean.isThreadCpuTimeSupported()) {
      for (ThreadInfo info : bean.getThreadInfo(bean.getAllThreadIds())) {
        if (info != null) {
          long cpu = bean.getThreadCpuTime(info.getThreadId());
          if (cpu > 0) {
            threads.merge(threadGroup(info.getThreadName()), cpu, Long::sum);
          }
        }
      }
    }
    return new MachineCpu(ticks[0], ticks[1], processes, threads, System.nanoTime());
  }

  /** The group a process of another command belongs to, or null for none of interest. */
  static String group(String command) {
    if (command.equals("postgres")) {
      return POSTGRES;
    }
    return RABBITMQ_COMMANDS.contains(command) ? RABBITMQ : null;
  }

  /** A thread's group: its name with every run of digits as {@code #}. */
  static String threadGroup(String threadName) {
    return threadName.replaceAll("\\d+", "#");
  }

  /**
   * The busy and total ticks of a {@code cpu} line of {@code /proc/stat} ({@code cpu user nice
   * system idle iowait irq softirq steal [guest guest_nice]}); guest time is already inside user
   * time and is not added again. Empty when the line is not such a line.
   */
  static Optional<long[]> parseCpuLine(String line) {
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

  /** A process's command and its CPU ticks (user and system), from {@code /proc/<pid>/stat}. */
  record ProcessStat(String command, long ticks) {}

  /**
   * Reads {@code /proc/<pid>/stat}: {@code pid (comm) state ppid ...}, with utime and stime the
   * 14th and 15th fields. The command may hold spaces and parentheses, so the fields are counted
   * from the last {@code )}. Empty when the text is not such a line.
   */
  static Optional<ProcessStat> parseProcessStat(String stat) {
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open < 0 || close < open) {
      return Optional.empty();
    }
    String[] rest = stat.substring(close + 1).trim().split("\\s+");
    if (rest.length < 13) {
      return Optional.empty();
    }
    try {
      // rest[0] is field 3 (state): utime is field 14, stime field 15
      long ticks = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
      return Optional.of(new ProcessStat(stat.substring(open + 1, close), ticks));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private double seconds(MachineCpu earlier) {
    return (wallNanos - earlier.wallNanos) / 1e9;
  }

  /** The machine's busy share of all its cores since {@code earlier}, 0 to 1; -1 when unknown. */
  double machineBusySince(MachineCpu earlier) {
    long total = totalTicks - earlier.totalTicks;
    if (totalTicks == 0 || earlier.totalTicks == 0 || total <= 0) {
      return -1;
    }
    return (double) (busyTicks - earlier.busyTicks) / total;
  }

  /** The machine's busy time since {@code earlier}, in cores; -1 when unknown. */
  double machineCoresSince(MachineCpu earlier, int cores) {
    double share = machineBusySince(earlier);
    return share < 0 ? -1 : share * cores;
  }

  /**
   * The processes of {@code group}'s CPU time since {@code earlier}, in cores (1.0 = one core busy
   * the whole time); -1 when unknown. A process that started in between counts from its start.
   */
  double processCoresSince(MachineCpu earlier, String group) {
    Long now = processTicks.get(group);
    double seconds = seconds(earlier);
    if (now == null || seconds <= 0) {
      return -1;
    }
    long before = earlier.processTicks.getOrDefault(group, 0L);
    return Math.max(0, now - before) / TICKS_PER_SECOND / seconds;
  }

  /** Each thread group's CPU time since {@code earlier}, in cores. */
  Map<String, Double> threadCoresSince(MachineCpu earlier) {
    double seconds = seconds(earlier);
    Map<String, Double> cores = new HashMap<>();
    if (seconds <= 0) {
      return cores;
    }
    for (var e : threadNanos.entrySet()) {
      long before = earlier.threadNanos.getOrDefault(e.getKey(), 0L);
      cores.put(e.getKey(), Math.max(0, e.getValue() - before) / 1e9 / seconds);
    }
    return cores;
  }
}
