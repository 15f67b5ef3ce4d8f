package dev.parley.chat.benchmarks.micro;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the micro-benchmarks (scenario M8) with JMH and reports one {@link Row} per figure:
 *
 * <ul>
 *   <li>decoding a client's binary Send frame ({@link FrameDecodeBenchmark}), in ns per frame;
 *   <li>encoding a delivery the way the server does, binary and JSON: one message delivered to a
 *       room of one session ({@link DeliveryBenchmark#deliver()}), in ns per message;
 *   <li>the fan-out: one message delivered to rooms of 10, 100 and 1,000 sessions, in ns per
 *       recipient (the time per message divided by the members);
 *   <li>a whole Send request into a room of 100 ({@link DeliveryBenchmark#send()}: decode, store,
 *       fan-out, acknowledgement), in ns per recipient.
 * </ul>
 *
 * <p>Each benchmark runs in a JVM that JMH forks with this JVM's class path, so the class path must
 * be the real one ({@code java -cp ...}, which is how {@code -Pbench-micro} starts it; not a class
 * loader made by a build tool). {@link #run(boolean)} takes about a minute; in long mode about six.
 *
 * <p>Thread-safe (stateless), but run one at a time: runs that overlap measure each other.
 */
public final class MicroBenchmarks {
  private static final String DELIVER = DeliveryBenchmark.class.getName() + ".deliver";
  private static final String SEND = DeliveryBenchmark.class.getName() + ".send";
  private static final String DECODE = FrameDecodeBenchmark.class.getName() + ".decodeSend";

  private MicroBenchmarks() {}

  /**
   * One figure.
   *
   * @param name what was measured
   * @param score the mean over the measured iterations
   * @param unit {@code ns/op} or {@code ns/recipient}
   * @param error half the 99.9% confidence interval of the score, in its unit ({@code NaN} when too
   *     few iterations ran to tell)
   * @param allocatedBytes bytes allocated on the heap per op or per recipient, as the score ({@code
   *     NaN} if not measured)
   */
  public record Row(String name, double score, String unit, double error, double allocatedBytes) {
    /** Checks the name and unit. Immutable and thread-safe. */
    public Row {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(unit, "unit");
    }
  }

  /**
   * How each benchmark runs: forks, then per fork warm-up iterations (as many as the benchmark
   * needs) and measured ones.
   */
  private record Settings(
      int forks, TimeValue warmupTime, int iterations, TimeValue iterationTime) {}

  private static final Settings SHORT =
      new Settings(1, TimeValue.seconds(1), 3, TimeValue.milliseconds(500));
  private static final Settings LONG =
      new Settings(2, TimeValue.seconds(2), 5, TimeValue.seconds(2));

  /*
   * Warm-up iterations per benchmark. On a two-core machine the JIT needs 3 to 5 s to compile the
   * delivery path and 6 to 7 s for the whole Send request (more when the machine is busy); before
   * that the times are several times the steady state. Decoding settles within a second.
   */
  private static final int DECODE_WARMUPS = 2;
  private static final int DELIVERY_WARMUPS = 5;
  private static final int SEND_WARMUPS = 8;

  /**
   * Runs every benchmark: 1 fork, warm-up iterations of 1 s (2 to 8, as the benchmark needs) and 3
   * measured ones of 0.5 s; in long mode 2 forks, warm-up iterations of 2 s and 5 measured ones of
   * 2 s.
   *
   * @throws RunnerException if a benchmark failed (its check of the frames sent, for one)
   */
  public static List<Row> run(boolean longMode) throws RunnerException {
    return run(longMode, step -> {});
  }

  /** As {@link #run(boolean)}, telling {@code progress} what starts next. */
  public static List<Row> run(boolean longMode, Consumer<String> progress) throws RunnerException {
    Settings settings = longMode ? LONG : SHORT;
    List<Row> rows = new ArrayList<>();

    progress.accept("decode");
    for (RunResult r : measure(settings, DECODE_WARMUPS, DECODE, null)) {
      rows.add(row("decode Send frame (binary)", r, 1, "ns/op"));
    }

    progress.accept("encode");
    for (RunResult r : measure(settings, DELIVERY_WARMUPS, DELIVER, "binary", 1)) {
      rows.add(row("encode delivery: room of 1 (binary)", r, 1, "ns/op"));
    }
    for (RunResult r : measure(settings, DELIVERY_WARMUPS, DELIVER, "json", 1)) {
      rows.add(row("encode delivery: room of 1 (JSON)", r, 1, "ns/op"));
    }

    progress.accept("fan-out");
    for (RunResult r : measure(settings, DELIVERY_WARMUPS, DELIVER, "binary", 10, 100, 1000)) {
      rows.add(row("fan-out: room of " + members(r), r, members(r), "ns/recipient"));
    }

    progress.accept("send");
    for (RunResult r : measure(settings, SEND_WARMUPS, SEND, "binary", 100)) {
      rows.add(row("Send request: room of " + members(r), r, members(r), "ns/recipient"));
    }
    return rows;
  }

  /**
   * Runs one benchmark method, of {@link DeliveryBenchmark} with the members' {@code format} for
   * each room size in {@code members}, or of a benchmark without parameters when {@code format} is
   * null. Results come sorted by room size.
   */
  private static List<RunResult> measure(
      Settings settings, int warmups, String method, String format, int... members)
      throws RunnerException {
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include("^" + Pattern.quote(method) + "$")
            .forks(settings.forks())
            .warmupIterations(warmups)
            .warmupTime(settings.warmupTime())
            .measurementIterations(settings.iterations())
            .measurementTime(settings.iterationTime())
            .timeUnit(TimeUnit.NANOSECONDS)
            .jvmArgs("-Xms1g", "-Xmx1g")
            .addProfiler(GCProfiler.class)
            .shouldFailOnError(true)
            .verbosity(VerboseMode.SILENT);
    if (format != null) {
      options
          .param("format", format)
          .param(
              "members", IntStream.of(members).mapToObj(Integer::toString).toArray(String[]::new));
    }
    List<RunResult> results = new ArrayList<>(new Runner(options.build()).run());
    results.sort(Comparator.comparingInt(MicroBenchmarks::members));
    return results;
  }

  private static int members(RunResult result) {
    String members = result.getParams().getParam("members");
    return members == null ? 1 : Integer.parseInt(members);
  }

  private static Row row(String name, RunResult result, int perOp, String unit) {
    Result<?> primary = result.getPrimaryResult();
    double allocated = Double.NaN;
    for (String label : result.getSecondaryResults().keySet()) {
      if (label.endsWith("gc.alloc.rate.norm")) {
        allocated = result.getSecondaryResults().get(label).getScore() / perOp;
      }
    }
    return new Row(
        name, primary.getScore() / perOp, unit, primary.getScoreError() / perOp, allocated);
  }

  /**
   * Runs every benchmark and prints the rows as a Markdown table; {@code long} as the first
   * argument measures longer.
   */
  public static void main(String[] args) throws RunnerException {
    boolean longMode = args.length > 0 && args[0].equals("long");
    PrintStream out = System.out;
    out.printf(
        Locale.ROOT,
        "Parley micro-benchmarks (%s run: %s), %d cores, Java %s%n",
        longMode ? "long" : "short",
        describe(longMode ? LONG : SHORT),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    List<Row> rows = run(longMode, step -> out.println("  running: " + step));
    out.println();
    out.println("| benchmark | score | ± (99.9%) | unit | allocated B |");
    out.println("|---|---:|---:|---|---:|");
    for (Row row : rows) {
      out.printf(
          Locale.ROOT,
          "| %s | %.1f | %.1f | %s | %.0f |%n",
          row.name(),
          row.score(),
          row.error(),
          row.unit(),
          row.allocatedBytes());
    }
  }

  private static String describe(Settings s) {
    return String.format(
        Locale.ROOT,
        "%d fork(s), %d to %d warm-up iterations of %s, %d measured of %s",
        s.forks(),
        DECODE_WARMUPS,
        SEND_WARMUPS,
        s.warmupTime(),
        s.iterations(),
        s.iterationTime());
  }
}
