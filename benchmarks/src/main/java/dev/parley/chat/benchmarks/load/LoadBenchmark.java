package dev.parley.chat.benchmarks.load;

import dev.parley.chat.benchmarks.micro.MicroBenchmarks;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Parley against bare WebSocket broadcast servers, in one run: the same load generator, payloads
 * and schedules drive B1 (bare Java-WebSocket), B2 (bare Netty) and Parley (in-memory store, each
 * transport found), each server in its own JVM. Prints one table.
 *
 * <p>{@code LoadBenchmark [short|long] [scenarios...]}, scenarios among {@code m1 m2 m3 m5 m6 m7
 * m8} (m3 also gives M4), {@code compression} ({@link CompressionBenchmark}, its own table) and
 * {@code attachments} ({@link AttachmentBenchmark}, its own table), {@code events} ({@link
 * EventsBenchmark}, its own tables; {@code rate=R} sets its sends per second, {@code repeat=N} its
 * rounds and {@code databases=pg,h2} its databases); {@code members=N} shrinks M7's room (10,000
 * members by default) and {@code m7rate=R} sets its messages per second (2 by default); {@code
 * m6repeat=N} measures M6 N times (3 in long mode) and tables the medians. Not thread-safe; run
 * once per JVM.
 */
public final class LoadBenchmark {
  static final String TEXT = "x".repeat(64);

  /**
   * M6 puts everyone in one room with big messages, so a client that stops reading falls behind by
   * megabytes within seconds (past the kernel's socket buffers) and the server must hold them or
   * drop the client.
   */
  private static final int M6_MEMBERS = 200;

  private static final int M6_TEXT_BYTES = 8 * 1024;

  /** M7: one room of a live event, everyone in it. */
  static final int M7_MEMBERS = 10_000;

  /** The smallest M7 room that still has a typing member and a churned one. */
  static final int M7_MIN_MEMBERS = 100;

  /** How long M7 waits for the frames a fill, a signal window or a churn causes to arrive. */
  private static final Duration M7_SETTLE = Duration.ofSeconds(120);

  private final Settings settings;
  private final PrintStream out;
  private final Path logDir;
  private final ResultTable table;

  private LoadBenchmark(Settings settings, PrintStream out, Path logDir, List<String> systems) {
    this.settings = settings;
    this.out = out;
    this.logDir = logDir;
    this.table = new ResultTable(systems);
    this.m1Rate = settings.m1Rate();
  }

  /**
   * Runs the benchmark.
   *
   * @param args {@code short} (default) or {@code long}, then optionally the scenarios to run and
   *     {@code systems=b1,parley,...} to measure only some servers
   */
  public static void main(String[] args) throws Exception {
    boolean longMode = args.length > 0 && args[0].equals("long");
    List<String> scenarios = new ArrayList<>(Arrays.asList(args));
    scenarios.removeIf(a -> a.equals("long") || a.equals("short"));
    List<String> systems = Systems.available();
    int[] roomsOverride = null;
    double rateOverride = 0;
    int repeatOverride = 1;
    int m6RepeatOverride = 0;
    int m7Members = M7_MEMBERS;
    double m7Rate = 0;
    List<String> databases = List.of();
    for (String a : List.copyOf(scenarios)) {
      if (a.startsWith("databases=")) {
        databases = List.of(a.substring("databases=".length()).split(","));
        scenarios.remove(a);
      }
      if (a.startsWith("rate=")) {
        rateOverride = Double.parseDouble(a.substring("rate=".length()));
        scenarios.remove(a);
      }
      if (a.startsWith("rooms=")) {
        roomsOverride =
            Arrays.stream(a.substring("rooms=".length()).split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        scenarios.remove(a);
      }
      if (a.startsWith("repeat=")) {
        repeatOverride = Integer.parseInt(a.substring("repeat=".length()));
        scenarios.remove(a);
      }
      if (a.startsWith("m6repeat=")) {
        m6RepeatOverride = Integer.parseInt(a.substring("m6repeat=".length()));
        scenarios.remove(a);
        if (m6RepeatOverride < 1) {
          throw new IllegalArgumentException(
              "m6repeat must be at least 1, was " + m6RepeatOverride);
        }
      }
      if (a.startsWith("members=")) {
        m7Members = m7Members(a.substring("members=".length()));
        scenarios.remove(a);
      }
      if (a.startsWith("m7rate=")) {
        m7Rate = m7Rate(a.substring("m7rate=".length()));
        scenarios.remove(a);
      }
      if (a.startsWith("systems=")) {
        systems = List.of(a.substring("systems=".length()).split(","));
        scenarios.remove(a);
      }
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    if (scenarios.remove("attachments")) {
      // upload and download throughput against a plain file copy; its own server and table
      new AttachmentBenchmark(longMode, out).run();
      if (scenarios.isEmpty()) {
        System.exit(0);
      }
    }
    if (scenarios.remove("events")) {
      // send-to-ack latency with events off, on (RabbitMQ up) and on (broker down); its own tables
      boolean repeatGiven = Arrays.stream(args).anyMatch(a -> a.startsWith("repeat="));
      new EventsBenchmark(longMode, out, rateOverride, repeatGiven ? repeatOverride : 0, databases)
          .run();
      if (scenarios.isEmpty()) {
        System.exit(0);
      }
    }
    if (scenarios.remove("compression")) {
      // its own servers (off, deflate, deflate-all) and table; systems= picks among them
      boolean named = Arrays.stream(args).anyMatch(a -> a.startsWith("systems="));
      new CompressionBenchmark(
              longMode,
              out,
              Path.of("target", "bench-logs"),
              named ? systems : CompressionBenchmark.allSystems())
          .run();
      if (scenarios.isEmpty()) {
        System.exit(0);
      }
    }
    if (scenarios.isEmpty()) {
      scenarios = List.of("m1", "m2", "m3", "m5", "m6", "m7", "m8");
    }
    Settings settings = longMode ? Settings.LONG : Settings.SHORT;
    LoadBenchmark bench =
        new LoadBenchmark(settings, out, Path.of("target", "bench-logs"), systems);
    out.printf(
        "Parley load benchmark (%s mode): %d cores, Java %s; servers %s each in its own JVM (%s)%n",
        longMode ? "long" : "short",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        systems,
        String.join(" ", ServerUnderTest.JVM_OPTIONS));
    if (rateOverride > 0) {
      bench.m1Rate = rateOverride;
    }
    if (roomsOverride != null) {
      bench.m1Rooms = roomsOverride;
    }
    if (repeatOverride < 1) {
      throw new IllegalArgumentException("repeat must be at least 1, was " + repeatOverride);
    }
    bench.m1Repeats = repeatOverride;
    // M6's change is noisy: long mode measures it three times and tables the medians
    bench.m6Repeats = m6RepeatOverride > 0 ? m6RepeatOverride : longMode ? 3 : 1;
    bench.m7Members = m7Members;
    bench.m7Rate = m7Rate > 0 ? m7Rate : settings.m7MessagesPerSecond();
    long started = System.nanoTime();
    bench.run(scenarios);
    out.println();
    bench.table.print(out);
    out.printf(
        "%ntook %d s; server logs in %s%n",
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), bench.logDir.toAbsolutePath());
    System.exit(0);
  }

  /** The {@code members=N} argument: M7's room size, from 100 to 10,000. */
  static int m7Members(String text) {
    int members;
    try {
      members = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("members must be a whole number, was '" + text + "'");
    }
    if (members < M7_MIN_MEMBERS || members > M7_MEMBERS) {
      throw new IllegalArgumentException(
          String.format(
              "members must be between %d and %,d, was %d", M7_MIN_MEMBERS, M7_MEMBERS, members));
    }
    return members;
  }

  /** The {@code m7rate=R} argument: messages per second to M7's room, more than 0. */
  static double m7Rate(String text) {
    double rate;
    try {
      rate = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("m7rate must be a number, was '" + text + "'");
    }
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException(
          "m7rate must be more than 0 messages per second, was " + text);
    }
    return rate;
  }

  private int[] m1Rooms = {10, 100, 1000};
  private double m1Rate;

  /**
   * How often each M1 row is measured ({@code repeat=N}); the systems take turns, and the table
   * shows each figure's median, with the spread printed below.
   */
  private int m1Repeats = 1;

  /** Members of M7's one room ({@code members=N}). */
  private int m7Members = M7_MEMBERS;

  /** Messages per second to M7's room ({@code m7rate=R}); each goes to every member. */
  private double m7Rate;

  private final Map<String, Map<String, List<Double>>> m1Samples = new LinkedHashMap<>();

  /** How a sampled row's median is printed; "%.2f" unless given. */
  private final Map<String, String> sampleFormats = new LinkedHashMap<>();

  /**
   * How often M6 is measured ({@code m6repeat=N}; 3 in long mode, else 1); the systems take turns,
   * and the table holds each figure's median, every run's value printed above it.
   */
  private int m6Repeats = 1;

  private void run(List<String> scenarios) throws Exception {
    Map<String, Double> capacity = new LinkedHashMap<>();
    if (scenarios.contains("m2")) {
      for (String system : table.systems()) {
        capacity.put(system, maxDeliveries(system));
      }
    }
    if (scenarios.contains("m1")) {
      for (int roomSize : m1Rooms) {
        for (int i = 0; i < m1Repeats; i++) {
          for (String system : table.systems()) {
            latencyAt(system, roomSize, m1Rate, "M1 " + roomSize + "-member rooms");
          }
        }
      }
      double half = capacity.getOrDefault(Systems.B1, 0.0) / 2;
      if (half > 0) {
        for (String system : table.systems()) {
          latencyAt(system, 100, half, String.format("M1 half B1 capacity (%,.0f/s)", half));
        }
      }
      putMedians();
    }
    if (scenarios.contains("m3")) {
      for (String system : table.systems()) {
        connectionsAndStorm(system, scenarios.contains("m5"));
      }
    }
    if (scenarios.contains("m6")) {
      for (int i = 0; i < m6Repeats; i++) {
        for (String system : table.systems()) {
          slowConsumers(system);
        }
      }
      putMedians();
    }
    if (scenarios.contains("m7")) {
      for (String system : table.systems()) {
        bigRoom(system);
      }
    }
    if (scenarios.contains("m8")) {
      out.println("  M8 JMH micro-benchmarks of Parley's server code (no socket)");
      for (MicroBenchmarks.Row row : MicroBenchmarks.run(settings == Settings.LONG)) {
        table.put(
            "M8 " + row.name() + " (" + row.unit() + ")", Systems.PARLEY, row.score(), "%.1f");
      }
    }
  }

  // --- M2: the highest deliveries/s before p99 passes 100 ms ---

  private double maxDeliveries(String system) throws Exception {
    double best = 0;
    double failedAt = 0;
    try (Rig rig = new Rig(system, 1_000, 100)) {
      for (double rate = settings.m2Start; ; rate *= settings.m2Step) {
        if (m2Step(rig, system, rate)) {
          best = rate;
        } else {
          failedAt = rate;
          break;
        }
      }
      // narrow the last step down: two halvings of the interval
      for (int i = 0; i < 2 && best > 0; i++) {
        double rate = (best + failedAt) / 2;
        if (m2Step(rig, system, rate)) {
          best = rate;
        } else {
          failedAt = rate;
        }
      }
    }
    table.put("M2 max deliveries/s, p99 <= 100 ms", system, best, "%,.0f");
    return best;
  }

  private boolean m2Step(Rig rig, String system, double rate) {
    OpenLoop.Result r = rig.runAt(rate, settings.m2Warmup, settings.m2Measure);
    out.printf(
        "  M2 %-13s %,9.0f deliveries/s: p99 %8.2f ms, delivered %,d of %,d%n",
        system, rate, r.p99(), r.delivered(), r.expected());
    if (r.delivered() < r.expected()) {
      printProblems(rig.client);
    }
    return r.sustained(100);
  }

  private void printProblems(LoadClient client) {
    out.printf(
        "    %d errors, %d connections closed by the server, %d duplicates: %s%n",
        client.stats().errors(),
        client.stats().unexpectedCloses(),
        client.stats().duplicates(),
        client.stats().firstErrors());
  }

  // --- M1: latency at a fixed rate ---

  private void latencyAt(String system, int roomSize, double rate, String label) throws Exception {
    int members = Math.max(1_000, roomSize);
    try (Rig rig = new Rig(system, members, roomSize)) {
      OpenLoop.Result r = rig.runAt(rate, settings.m1Warmup, settings.m1Measure);
      out.printf(
          "  %s %-13s %,.0f/s: p50 %.2f p99 %.2f p999 %.2f ms, delivered %,d of %,d%n",
          label, system, rate, r.p50(), r.p99(), r.p999(), r.delivered(), r.expected());
      String suffix = label.startsWith("M1 half") ? "" : String.format(" @ %,.0f/s", rate);
      sample(label + suffix + " p50 ms", system, r.p50());
      sample(label + suffix + " p99 ms", system, r.p99());
      sample(label + suffix + " p999 ms", system, r.p999());
      if (r.delivered() < r.expected()) {
        printProblems(rig.client);
        table.put(
            label + suffix + " lost deliveries", system, r.expected() - r.delivered(), "%,.0f");
      }
    }
  }

  private void sample(String row, String system, double value, String format) {
    sampleFormats.put(row, format);
    sample(row, system, value);
  }

  private void sample(String row, String system, double value) {
    m1Samples
        .computeIfAbsent(row, r -> new LinkedHashMap<>())
        .computeIfAbsent(system, x -> new ArrayList<>())
        .add(value);
  }

  /** Puts each sampled (M1, M6) figure's median in the table; with repeats, prints every value. */
  private void putMedians() {
    for (var row : m1Samples.entrySet()) {
      for (var bySystem : row.getValue().entrySet()) {
        List<Double> values = new ArrayList<>(bySystem.getValue());
        values.sort(null);
        int n = values.size();
        double median =
            n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
        table.put(
            row.getKey(),
            bySystem.getKey(),
            median,
            sampleFormats.getOrDefault(row.getKey(), "%.2f"));
        if (n > 1) {
          out.printf(
              "  %s %s: median %.2f of %s%n", row.getKey(), bySystem.getKey(), median, values);
        }
      }
    }
    m1Samples.clear();
  }

  // --- M3, M4, M5: many idle connections, then a reconnect storm ---

  private void connectionsAndStorm(String system, boolean storm) throws Exception {
    try (ServerUnderTest server = new ServerUnderTest(system, logDir.resolve(system + ".log"));
        LoadClient client = Systems.client(system, server.address(), TEXT)) {
      Fleet fleet = new Fleet(client, 100, "idle-");
      long heap0 = server.heapAfterGc();
      long rss0 = server.rss();
      int failed = 0;
      int previous = 0;
      for (int target : settings.idleSteps) {
        long t0 = System.nanoTime();
        failed += fleet.growTo(target, settings.inFlight);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double perSecond = (target - previous) / seconds;
        out.printf(
            "  M4 %-13s %,6d -> %,6d connections: %,.0f ready/s, %d failed%n",
            system, previous, target, perSecond, failed);
        table.put(
            String.format("M4 ready/s, %,d -> %,d", previous, target), system, perSecond, "%,.0f");
        previous = target;
        if (settings.isMemoryStep(target)) {
          long heap = server.heapAfterGc();
          long rss = server.rss();
          double heapPer = (heap - heap0) / 1024.0 / target;
          double rssPer = (rss - rss0) / 1024.0 / target;
          out.printf(
              "  M3 %-13s %,6d idle: heap %.2f KiB/conn, RSS %.2f KiB/conn%n",
              system, target, heapPer, rssPer);
          table.put(String.format("M3 heap KiB/conn @ %,d", target), system, heapPer, "%.2f");
          table.put(String.format("M3 RSS KiB/conn @ %,d", target), system, rssPer, "%.2f");
        }
      }
      table.put("M4 connections open", system, fleet.size() - failed, "%,.0f");
      table.put("M4 failed connects", system, failed, "%,.0f");
      if (storm) {
        reconnectStorm(system, client, fleet);
      }
      fleet.closeAll();
    }
  }

  private void reconnectStorm(String system, LoadClient client, Fleet fleet) throws Exception {
    List<LoadConnection> publishers = new ArrayList<>();
    List<LoadConnection> dropped = new ArrayList<>();
    for (List<LoadConnection> room : fleet.rooms()) {
      publishers.add(room.get(0));
      dropped.addAll(room.subList(1, room.size()));
    }
    // every member sees one message first, so that it has a position to resume from
    long deliveredBefore = client.stats().delivered();
    publishOnePerRoom(client, publishers);
    awaitDeliveries(client, deliveredBefore + fleet.size(), Duration.ofSeconds(30));
    long caughtUpBefore = client.stats().caughtUp();
    long t0 = System.nanoTime();
    for (LoadConnection c : dropped) {
      c.drop();
    }
    // one message per room that the dropped members miss and must read back after reconnecting
    publishOnePerRoom(client, publishers);
    long retriesBefore = fleet.retries();
    int failed = fleet.open(dropped, settings.inFlight);
    long behind = 0;
    if (client.wire().resumes()) {
      // caught up: has the message sent while it was away, by history or live after rejoining
      behind = awaitSeq(dropped, 2, Duration.ofSeconds(30));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long retried = fleet.retries() - retriesBefore;
    long caughtUp = client.stats().caughtUp() - caughtUpBefore;
    out.printf(
        "  M5 %-13s %,d dropped: all back%s in %.2f s, %,d retried, %d failed, %,d missed messages"
            + " read back %s%n",
        system,
        dropped.size(),
        client.wire().resumes() ? " and caught up" : "",
        seconds,
        retried,
        failed,
        caughtUp,
        client.stats().firstErrors());
    table.put(
        String.format("M5 s until %,d reconnected (+caught up)", dropped.size()),
        system,
        seconds,
        "%.2f");
    table.put("M5 reconnects retried", system, retried, "%,.0f");
    table.put("M5 failed reconnects (after retries)", system, failed, "%,.0f");
    if (client.wire().resumes()) {
      table.put("M5 missed messages read back from history", system, caughtUp, "%,.0f");
      table.put("M5 clients not caught up after 30 s", system, behind, "%,.0f");
    }
  }

  private static void publishOnePerRoom(LoadClient client, List<LoadConnection> publishers) {
    for (LoadConnection p : publishers) {
      p.write(client.wire().send(p, System.nanoTime(), ByteBufAllocator.DEFAULT));
    }
  }

  /** Waits until every connection has seen {@code seq}; returns how many had not by the end. */
  private static long awaitSeq(List<LoadConnection> connections, long seq, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long behind;
    do {
      behind = connections.stream().filter(c -> c.lastSeq() < seq).count();
      if (behind == 0) {
        return 0;
      }
      Thread.sleep(10);
    } while (System.nanoTime() < deadline);
    return behind;
  }

  private static void awaitDeliveries(LoadClient client, long target, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (client.stats().delivered() < target && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  // --- M6: slow consumers ---

  private void slowConsumers(String system) throws Exception {
    try (Rig rig = new Rig(system, M6_MEMBERS, M6_MEMBERS, "y".repeat(M6_TEXT_BYTES))) {
      OpenLoop.Result before = rig.runAt(settings.m6Rate, settings.m1Warmup, settings.m6Phase);
      long heapBefore = rig.server.heapAfterGc();
      List<List<LoadConnection>> readers = new ArrayList<>();
      int[] sizes = new int[rig.rooms.size()];
      for (int r = 0; r < rig.rooms.size(); r++) {
        List<LoadConnection> room = rig.rooms.get(r);
        List<LoadConnection> reading = new ArrayList<>();
        for (LoadConnection c : room) {
          if (isSlow(c)) {
            c.setReading(false);
          } else {
            reading.add(c);
          }
        }
        readers.add(reading);
        sizes[r] = reading.size();
      }
      OpenLoop.Result during =
          OpenLoop.run(
              rig.client, readers, sizes, settings.m6Rate, Duration.ZERO, settings.m6Phase);
      long heapDuring = rig.server.heapAfterGc();
      // a client that does not read cannot see its connection closed: let the slow ones read again
      List<LoadConnection> slow = new ArrayList<>();
      for (List<LoadConnection> room : rig.rooms) {
        for (LoadConnection c : room) {
          if (isSlow(c)) {
            slow.add(c);
            c.setReading(true);
          }
        }
      }
      Thread.sleep(2_000);
      long closed = slow.stream().filter(c -> !c.isOpen()).count();
      double change = (during.p99() - before.p99()) / before.p99() * 100;
      out.printf(
          "  M6 %-13s p99 %.2f -> %.2f ms (%+.0f%%), heap %.1f -> %.1f MiB, slow clients closed by"
              + " the server: %d%n",
          system,
          before.p99(),
          during.p99(),
          change,
          heapBefore / 1048576.0,
          heapDuring / 1048576.0,
          closed);
      sample("M6 others' p99 ms, all reading", system, before.p99(), "%.2f");
      sample("M6 others' p99 ms, 5% not reading", system, during.p99(), "%.2f");
      sample("M6 p99 change %", system, change, "%+.0f");
      sample("M6 server heap MiB before", system, heapBefore / 1048576.0, "%.1f");
      sample("M6 server heap MiB after", system, heapDuring / 1048576.0, "%.1f");
      sample("M6 slow clients closed by server", system, closed, "%,.0f");
    }
  }

  /** The 5% of M6's clients that stop reading. */
  private static boolean isSlow(LoadConnection c) {
    return c.index() % 20 == 7;
  }

  // --- M7: one room of 10,000 members, with presence, typing and read receipts ---

  private void bigRoom(String system) throws Exception {
    int members = m7Members;
    boolean parley = Systems.isParley(system);
    String label = String.format("M7 %,d-member room", members);
    try (ServerUnderTest server = new ServerUnderTest(system, logDir.resolve(system + ".log"));
        LoadClient client = Systems.client(system, server.address(), TEXT)) {
      Fleet fleet = new Fleet(client, members, "m7-");
      try {
        long t0 = System.nanoTime();
        int failed = fleet.growTo(members, settings.inFlight);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double readyPerSecond = (members - failed) / seconds;
        out.printf(
            "  M7 %-13s %,d members joined one room in %.2f s: %,.0f ready/s, %d failed%n",
            system, members, seconds, readyPerSecond, failed);
        table.put(label + ": ready/s", system, readyPerSecond, "%,.0f");
        if (failed > 0) {
          printProblems(client);
          table.put(label + ": failed joins", system, failed, "%,.0f");
          return;
        }
        List<LoadConnection> all = fleet.rooms().get(0);
        if (parley) {
          fillCost(system, all, t0);
        }
        String fanOut = String.format("M7 fan-out @ %,.0f/s", m7Rate * members);
        OpenLoop.Result plain = fanOut(client, all);
        out.printf(
            "  M7 %-13s fan-out %.1f messages/s x %,d members: p50 %.2f p99 %.2f p999 %.2f ms,"
                + " delivered %,d of %,d%n",
            system,
            m7Rate,
            members,
            plain.p50(),
            plain.p99(),
            plain.p999(),
            plain.delivered(),
            plain.expected());
        table.put(fanOut + " p50 ms", system, plain.p50(), "%.2f");
        table.put(fanOut + " p99 ms", system, plain.p99(), "%.2f");
        table.put(fanOut + " p999 ms", system, plain.p999(), "%.2f");
        if (plain.delivered() < plain.expected()) {
          printProblems(client);
          table.put(
              fanOut + " lost deliveries", system, plain.expected() - plain.delivered(), "%,.0f");
        }
        if (parley) {
          signals(system, client, all, fanOut, plain);
          churn(system, client, fleet, all);
        }
        long closed = client.stats().unexpectedCloses();
        if (closed > 0) {
          printProblems(client);
        }
        table.put("M7 members closed by the server", system, closed, "%,.0f");
      } finally {
        fleet.closeAll();
      }
    }
  }

  private OpenLoop.Result fanOut(LoadClient client, List<LoadConnection> all) {
    return OpenLoop.run(
        client,
        List.of(all),
        new int[] {all.size()},
        m7Rate * all.size(),
        settings.m7Warmup(),
        settings.m7Measure());
  }

  /** Fill: what the members received while the room filled, presence against everything else. */
  private void fillCost(String system, List<LoadConnection> all, long fillStarted)
      throws InterruptedException {
    long n = all.size();
    // one Presence frame per change: each pair of members, the later one's arrival announced to
    // the earlier one; coalesced presence (PresenceBatch) sends far fewer, and then the wait below
    // ends after a second without any
    long expected = n * (n - 1) / 2;
    FrameCounts.Tally fill =
        awaitFrames(all, FrameCounts.Kind.PRESENCE, expected, FrameCounts.Tally.EMPTY);
    double settled = (System.nanoTime() - fillStarted) / 1e9;
    if (fill.frames(FrameCounts.Kind.PRESENCE) < expected) {
      settled -= 1.0; // the quiet second that ended the wait
    }
    long presence = fill.frames(FrameCounts.Kind.PRESENCE);
    long presenceBytes = fill.bytes(FrameCounts.Kind.PRESENCE);
    long other = fill.framesExcept(FrameCounts.Kind.PRESENCE);
    long otherBytes = fill.bytesExcept(FrameCounts.Kind.PRESENCE);
    out.printf(
        "  M7 %-13s fill: %,d presence frames (one per change would be %,d; %.1f MiB), %,d others (%.1f MiB),"
            + " no more after %.2f s; by kind %s%n",
        system,
        presence,
        expected,
        presenceBytes / 1048576.0,
        other,
        otherBytes / 1048576.0,
        settled,
        fill);
    table.put("M7 s until fill's presence frames arrived", system, settled, "%.2f");
    table.put("M7 presence frames/member during fill", system, presence / (double) n, "%,.1f");
    table.put("M7 presence KiB/member during fill", system, presenceBytes / 1024.0 / n, "%,.1f");
    table.put("M7 other frames/member during fill", system, other / (double) n, "%,.1f");
    table.put("M7 other KiB/member during fill", system, otherBytes / 1024.0 / n, "%,.1f");
    table.put("M7 presence frames during fill (total)", system, presence, "%,.0f");
    table.put("M7 presence MiB during fill (total)", system, presenceBytes / 1048576.0, "%,.1f");
    table.put("M7 other frames during fill (total)", system, other, "%,.0f");
    table.put("M7 other MiB during fill (total)", system, otherBytes / 1048576.0, "%,.1f");
  }

  /**
   * Signals: the same fan-out again while 1% of the members type (Typing once a second each) and
   * send read receipts after deliveries (at most once a second each).
   */
  private void signals(
      String system,
      LoadClient client,
      List<LoadConnection> all,
      String fanOut,
      OpenLoop.Result plain)
      throws InterruptedException {
    ParleyWire wire = (ParleyWire) client.wire();
    List<LoadConnection> signalers = all.stream().filter(c -> c.index() % 100 == 0).toList();
    FrameCounts.Tally before = FrameCounts.total(all);
    signalers.forEach(c -> c.setSendsReceipts(true));
    AtomicBoolean stop = new AtomicBoolean();
    long t0 = System.nanoTime();
    Thread typing =
        new Thread(
            () -> {
              // each signaler once a second, spread evenly over the second
              double period = 1e9 / signalers.size();
              for (long i = 0; !stop.get(); i++) {
                long due = t0 + (long) (i * period);
                long now = System.nanoTime();
                while (due > now && !stop.get()) {
                  LockSupport.parkNanos(Math.min(due - now, 10_000_000L));
                  now = System.nanoTime();
                }
                LoadConnection c = signalers.get((int) (i % signalers.size()));
                c.write(wire.typing(c));
              }
            },
            "m7-typing");
    typing.setDaemon(true);
    typing.start();
    OpenLoop.Result with;
    try {
      with = fanOut(client, all);
    } finally {
      stop.set(true);
      typing.join();
      signalers.forEach(c -> c.setSendsReceipts(false));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    FrameCounts.Tally during = awaitFrames(all, FrameCounts.Kind.TYPING, Long.MAX_VALUE, before);
    double perMemberSecond = all.size() * seconds;
    double typingRate = during.frames(FrameCounts.Kind.TYPING) / perMemberSecond;
    double receiptRate = during.frames(FrameCounts.Kind.READ_RECEIPT) / perMemberSecond;
    double signalKiB =
        (during.bytes(FrameCounts.Kind.TYPING) + during.bytes(FrameCounts.Kind.READ_RECEIPT))
            / 1024.0
            / perMemberSecond;
    out.printf(
        "  M7 %-13s with %d members typing and sending receipts: p50 %.2f p99 %.2f p999 %.2f ms"
            + " (p99 without %.2f), delivered %,d of %,d; per member per second %.1f typing and"
            + " %.1f receipt frames (%.2f KiB)%n",
        system,
        signalers.size(),
        with.p50(),
        with.p99(),
        with.p999(),
        plain.p99(),
        with.delivered(),
        with.expected(),
        typingRate,
        receiptRate,
        signalKiB);
    if (with.delivered() < with.expected()) {
      printProblems(client);
    }
    String suffix = String.format(", %d typing + receipts", signalers.size());
    table.put(fanOut + " p99 ms" + suffix, system, with.p99(), "%.2f");
    table.put(
        "M7 p99 change with signals %",
        system, (with.p99() - plain.p99()) / plain.p99() * 100, "%+.0f");
    table.put("M7 typing frames/member/s received", system, typingRate, "%,.1f");
    table.put("M7 receipt frames/member/s received", system, receiptRate, "%,.1f");
    table.put("M7 typing + receipt KiB/member/s received", system, signalKiB, "%,.2f");
  }

  /**
   * Churn: 5% of the members close their connections, one message is sent that they miss, and they
   * come back (reconnect, resume, read it back) a moment later.
   */
  private void churn(String system, LoadClient client, Fleet fleet, List<LoadConnection> all)
      throws InterruptedException {
    List<LoadConnection> churned = all.stream().filter(c -> c.index() % 20 == 3).toList();
    List<LoadConnection> remaining = all.stream().filter(c -> c.index() % 20 != 3).toList();
    FrameCounts.Tally before = FrameCounts.total(remaining);
    long t0 = System.nanoTime();
    for (LoadConnection c : churned) {
      c.close();
    }
    publishOnePerRoom(client, List.of(remaining.get(0)));
    Thread.sleep(settings.m7Away().toMillis());
    long t1 = System.nanoTime();
    int failed = fleet.open(churned, settings.inFlight);
    double back = (System.nanoTime() - t1) / 1e9;
    double away = (t1 - t0) / 1e9;
    // each churned member is announced gone, then back, to each remaining one
    long expected = 2L * churned.size() * remaining.size();
    FrameCounts.Tally caused = awaitFrames(remaining, FrameCounts.Kind.PRESENCE, expected, before);
    double n = remaining.size();
    double frames = caused.frames(FrameCounts.Kind.PRESENCE) / n;
    double kib = caused.bytes(FrameCounts.Kind.PRESENCE) / 1024.0 / n;
    out.printf(
        "  M7 %-13s %,d left for %.2f s and came back in %.2f s (%d failed); per remaining member"
            + " %.1f presence frames (%.2f KiB); %s%n",
        system, churned.size(), away, back, failed, frames, kib, client.stats().firstErrors());
    String churn = String.format("M7 churn of %,d", churned.size());
    table.put(churn + ": s until all ready again", system, back, "%.2f");
    table.put(churn + ": failed reconnects", system, failed, "%,.0f");
    table.put(churn + ": presence frames/remaining member", system, frames, "%,.1f");
    table.put(churn + ": presence KiB/remaining member", system, kib, "%,.2f");
  }

  /**
   * Waits until the connections have received {@code target} frames of {@code kind} since {@code
   * before}, or none more for a second (or {@link #M7_SETTLE} passed).
   *
   * @return what they received since {@code before}
   */
  private static FrameCounts.Tally awaitFrames(
      List<LoadConnection> connections,
      FrameCounts.Kind kind,
      long target,
      FrameCounts.Tally before)
      throws InterruptedException {
    long deadline = System.nanoTime() + M7_SETTLE.toNanos();
    FrameCounts.Tally now = FrameCounts.total(connections).minus(before);
    long lastChange = System.nanoTime();
    while (now.frames(kind) < target
        && System.nanoTime() - lastChange < 1_000_000_000L
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
      FrameCounts.Tally next = FrameCounts.total(connections).minus(before);
      if (next.frames(kind) != now.frames(kind)) {
        lastChange = System.nanoTime();
      }
      now = next;
    }
    return now;
  }

  /** A server process, a load client and a fleet of connections in equal rooms, all opened. */
  private final class Rig implements AutoCloseable {
    final ServerUnderTest server;
    final LoadClient client;
    final Fleet fleet;
    final List<List<LoadConnection>> rooms;

    Rig(String system, int members, int roomSize) throws Exception {
      this(system, members, roomSize, TEXT);
    }

    Rig(String system, int members, int roomSize, String text) throws Exception {
      server = new ServerUnderTest(system, logDir.resolve(system + ".log"));
      client = Systems.client(system, server.address(), text);
      fleet = new Fleet(client, roomSize, "r" + roomSize + "-");
      int failed = fleet.growTo(members, settings.inFlight);
      if (failed > 0) {
        close();
        throw new IOException(
            system + ": " + failed + " connections failed: " + client.stats().firstErrors());
      }
      rooms = fleet.rooms();
      // a fresh JVM on both sides: let the JIT compile the message path before measuring
      runAt(settings.warmRate, Duration.ZERO, settings.warmup);
    }

    OpenLoop.Result runAt(double rate, Duration warmup, Duration measure) {
      int[] sizes = rooms.stream().mapToInt(List::size).toArray();
      return OpenLoop.run(client, rooms, sizes, rate, warmup, measure);
    }

    @Override
    public void close() {
      try (server;
          client) {
        fleet.closeAll();
      }
    }
  }

  /** How long and how hard each scenario runs. */
  record Settings(
      double warmRate,
      Duration warmup,
      double m1Rate,
      Duration m1Warmup,
      Duration m1Measure,
      double m2Start,
      double m2Step,
      Duration m2Warmup,
      Duration m2Measure,
      int[] idleSteps,
      int[] memorySteps,
      int inFlight,
      double m6Rate,
      Duration m6Phase,
      double m7MessagesPerSecond,
      Duration m7Warmup,
      Duration m7Measure,
      Duration m7Away) {
    static final Settings SHORT =
        new Settings(
            10_000,
            Duration.ofSeconds(3),
            20_000,
            Duration.ofSeconds(1),
            Duration.ofSeconds(3),
            10_000,
            1.5,
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            new int[] {1_000, 5_000, 14_000, 15_000},
            new int[] {1_000, 5_000, 15_000},
            500,
            20_000,
            Duration.ofSeconds(10),
            2,
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            Duration.ofSeconds(2));
    static final Settings LONG =
        new Settings(
            10_000,
            Duration.ofSeconds(10),
            20_000,
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            10_000,
            1.25,
            Duration.ofSeconds(3),
            Duration.ofSeconds(10),
            new int[] {1_000, 5_000, 14_000, 15_000, 17_000, 18_000},
            new int[] {1_000, 5_000, 15_000},
            500,
            20_000,
            Duration.ofSeconds(30),
            2,
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            Duration.ofSeconds(3));

    boolean isMemoryStep(int connections) {
      return Arrays.stream(memorySteps).anyMatch(s -> s == connections);
    }
  }
}
