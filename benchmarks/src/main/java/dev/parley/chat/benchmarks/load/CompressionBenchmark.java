package dev.parley.chat.benchmarks.load;

import dev.parley.chat.benchmarks.load.CompressionClient.Connection;
import dev.parley.chat.protocol.internal.HistoryPage;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * What WebSocket {@code permessage-deflate} saves on the wire and costs the server, and what gzip
 * and Brotli do for a page of the HTTP side. Each server runs in its own JVM ({@link
 * BenchServerMain}); the clients ({@link CompressionClient}) offer {@code permessage-deflate} as
 * browsers do, and count the bytes their sockets read and write; the server's CPU is its process's
 * CPU time (all threads, user and system). Every figure is per delivery, page or request, and the
 * ratios compare each compressing server with the one that does not compress, in the same run.
 *
 * <p>Scenarios: live chat (rooms of {@value #MEMBERS}, messages from {@link ChatText}), history
 * pages of 50, 100 and 200 messages, catch-up after a reconnect (half a room misses N messages,
 * then resumes and reads forward pages), and the HTTP side's transcript page with each coding. Not
 * thread-safe; run once.
 */
final class CompressionBenchmark {
  static final String OFF = "off";
  static final String DEFLATE = "deflate";
  static final String DEFLATE_ALL = "deflate-all";

  private static final Map<String, String> SERVERS =
      Map.of(
          OFF, "parley" + BenchServerMain.HTTP,
          DEFLATE, "parley" + BenchServerMain.DEFLATE,
          DEFLATE_ALL, "parley" + BenchServerMain.DEFLATE_ALL);

  static final int ROOMS = 10;
  static final int MEMBERS = 20;
  private static final double RATE = 500;

  /** Messages added to each room before the history rows, and how fast. */
  private static final int HISTORY_FILL = 1_000;

  private static final double FILL_RATE = 2_000;
  private static final int[] PAGE_SIZES = {50, 100, 200};
  private static final int HISTORY_READERS = 6;

  /**
   * Fewest messages a room's history must hold beyond one page for the history rows: about 40 KiB
   * of messages, more than deflate's window.
   */
  private static final int MIN_HISTORY_SPAN = 1_000;

  private static final int[] MISSED = {100, 1_000};
  private static final Duration WAIT = Duration.ofSeconds(120);

  private final boolean longMode;
  private final PrintStream out;
  private final Path logDir;
  private final List<String> systems;
  private final Map<String, Map<String, Double>> rows = new LinkedHashMap<>();
  private final Map<String, String> formats = new LinkedHashMap<>();
  private final Map<String, Map<String, Double>> httpRows = new LinkedHashMap<>();

  CompressionBenchmark(boolean longMode, PrintStream out, Path logDir, List<String> systems) {
    this.longMode = longMode;
    this.out = out;
    this.logDir = logDir;
    for (String s : systems) {
      if (!SERVERS.containsKey(s)) {
        throw new IllegalArgumentException(
            "compression systems are " + SERVERS.keySet() + ", not " + s);
      }
    }
    this.systems = List.copyOf(systems);
  }

  /** Every system the benchmark knows, the one without compression first. */
  static List<String> allSystems() {
    return List.of(OFF, DEFLATE, DEFLATE_ALL);
  }

  void run() throws Exception {
    out.printf(
        "Compression benchmark (%s): rooms of %d, %s; servers %s%n",
        longMode ? "long" : "short",
        MEMBERS,
        "server CPU = the server JVM's process CPU time",
        systems);
    for (String system : systems) {
      measure(system);
    }
    print();
  }

  private void measure(String system) throws Exception {
    String kind = SERVERS.get(system);
    try (ServerUnderTest server =
            new ServerUnderTest(kind, logDir.resolve("compression-" + system + ".log"));
        CompressionClient client = new CompressionClient(server.address(), true)) {
      LongSupplier cpu =
          () -> {
            try {
              return server.cpuNanos();
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          };
      List<List<Connection>> rooms = new ArrayList<>();
      for (int r = 0; r < ROOMS; r++) {
        List<Connection> room = new ArrayList<>();
        for (int m = 0; m < MEMBERS; m++) {
          room.add(client.connection("u" + r + "-" + m, "room-" + r));
        }
        rooms.add(room);
      }
      connectAll(rooms.stream().flatMap(List::stream).toList());
      long negotiated = rooms.stream().flatMap(List::stream).filter(Connection::deflate).count();
      put("connections with permessage-deflate", system, negotiated, "%,.0f");

      // live chat: warm-up, then the measured messages
      ChatText text = new ChatText(1);
      int warmup = longMode ? 4_000 : 1_000;
      int messages = longMode ? 20_000 : 4_000;
      live(client, rooms, text, warmup, RATE);
      Snapshot before = Snapshot.of(client, cpu);
      long deliveries = live(client, rooms, text, messages, RATE);
      Snapshot live = Snapshot.of(client, cpu).minus(before);
      out.printf(
          "  %-12s live: %,d messages, %,d deliveries, %,d B in, %,d B out, %.0f ms CPU%n",
          system, messages, deliveries, live.in, live.out, live.cpu / 1e6);
      put("live: bytes to clients per delivery", system, (double) live.in / deliveries, "%.1f");
      put("live: bytes from clients per message", system, (double) live.out / messages, "%.1f");
      put("live: server CPU µs per delivery", system, live.cpu / 1e3 / deliveries, "%.2f");

      // history pages, newest first, from rooms that now hold the messages above
      // (six members of each room per size, so that no user passes the server's history read
      // limit, 100 at once: DEFAULT_USER_HISTORY_READ_BURST)
      int perClient = longMode ? 60 : 20;
      // first more history, not measured: pages that come back within deflate's window would be
      // sent as back-references to themselves
      live(client, rooms, text, HISTORY_FILL * ROOMS, FILL_RATE);
      for (int k = 0; k < PAGE_SIZES.length; k++) {
        int size = PAGE_SIZES[k];
        historyPages(client, rooms, HISTORY_READERS * k, size, perClient / 4); // warm-up
        Snapshot start = Snapshot.of(client, cpu);
        int pages = historyPages(client, rooms, HISTORY_READERS * k, size, perClient);
        Snapshot used = Snapshot.of(client, cpu).minus(start);
        put(
            "history page of " + size + ": bytes to client",
            system,
            (double) used.in / pages,
            "%,.0f");
        put("history page of " + size + ": server CPU µs", system, used.cpu / 1e3 / pages, "%.1f");
      }

      // catch-up after a reconnect: half of room 0 leaves, the others send, the half comes back
      for (int missed : MISSED) {
        catchUp(client, rooms.get(0), text, missed, longMode ? 8 : 3, system, cpu);
      }
      put("server RSS after the run, MiB", system, server.rss() / 1024.0 / 1024.0, "%,.0f");

      if (system.equals(OFF)) {
        http(server.httpPort(), cpu);
      }
      if (client.errors() > 0) {
        out.printf("  %d errors, first: %s%n", client.errors(), client.firstError());
      }
      for (List<Connection> room : rooms) {
        room.forEach(Connection::close);
      }
    }
  }

  private static void connectAll(List<Connection> connections) throws Exception {
    List<CompletableFuture<Connection>> ready = new ArrayList<>();
    for (Connection c : connections) {
      ready.add(c.connect());
    }
    CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Sends {@code count} messages at {@code rate}, each room in turn; returns the deliveries. */
  private long live(
      CompressionClient client, List<List<Connection>> rooms, ChatText text, int count, double rate)
      throws Exception {
    long start = client.delivered();
    long expected = (long) count * MEMBERS; // the sender gets its own message too
    long t0 = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long due = t0 + (long) (i * 1e9 / rate);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      List<Connection> room = rooms.get(i % rooms.size());
      room.get((i / rooms.size()) % MEMBERS).send(text.next());
    }
    awaitCount(() -> client.delivered() - start, expected, "deliveries");
    return client.delivered() - start;
  }

  /**
   * Members {@code first} to {@code first + HISTORY_READERS - 1} of each room ask for {@code
   * perClient} pages each, one after another.
   */
  private static int historyPages(
      CompressionClient client, List<List<Connection>> rooms, int first, int size, int perClient)
      throws Exception {
    List<CompletableFuture<Integer>> runs = new ArrayList<>();
    for (List<Connection> room : rooms) {
      for (int r = 0; r < HISTORY_READERS; r++) {
        Connection c = room.get(first + r);
        long head = c.lastSeq();
        long span = head - size;
        if (span < MIN_HISTORY_SPAN) {
          throw new IllegalStateException("room history too short for distinct pages: " + head);
        }
        // each reader pages back through the room, wrapping round: the same page comes back only
        // after the whole history, more than deflate's 32 KiB window, so that it is never sent as
        // a back-reference to itself (as asking for the newest page again and again would be)
        CompletableFuture<Integer> run = CompletableFuture.completedFuture(0);
        for (int i = 0; i < perClient; i++) {
          long fromSeq = head - ((long) (i + r) * size) % span;
          run = run.thenCompose(n -> c.page(fromSeq, size).thenApply(page -> check(page, size, n)));
        }
        runs.add(run);
      }
    }
    int pages = 0;
    for (CompletableFuture<Integer> run : runs) {
      pages += run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    return pages;
  }

  private static int check(HistoryPage page, int size, int pagesSoFar) {
    if (page.getMessagesCount() != size) {
      throw new IllegalStateException(
          "a page of " + size + " had " + page.getMessagesCount() + " messages");
    }
    return pagesSoFar + 1;
  }

  private void catchUp(
      CompressionClient client,
      List<Connection> room,
      ChatText text,
      int missed,
      int rounds,
      String system,
      LongSupplier cpu)
      throws Exception {
    Snapshot total = new Snapshot(0, 0, 0);
    for (int round = 0; round < rounds; round++) {
      total = total.plus(catchUpRound(client, room, text, missed, cpu));
    }
    double messages = (double) missed * (MEMBERS / 2) * rounds;
    out.printf(
        "  %-12s catch-up of %,d, %d times: %,d B in, %,d B out, %.0f ms CPU%n",
        system, missed, rounds, total.in, total.out, total.cpu / 1e6);
    put(
        "catch-up of " + missed + ": bytes to client per missed message",
        system,
        total.in / messages,
        "%.1f");
    put(
        "catch-up of " + missed + ": server CPU µs per missed message",
        system,
        total.cpu / 1e3 / messages,
        "%.2f");
  }

  /**
   * Half of {@code room} leaves, the other half sends {@code missed} messages, the first half
   * reconnects, resumes and reads them; what the reconnects and the catch-up cost.
   */
  private static Snapshot catchUpRound(
      CompressionClient client, List<Connection> room, ChatText text, int missed, LongSupplier cpu)
      throws Exception {
    List<Connection> leaving = room.subList(0, MEMBERS / 2);
    List<Connection> staying = room.subList(MEMBERS / 2, MEMBERS);
    leaving.forEach(Connection::close);
    long start = client.delivered();
    long t0 = System.nanoTime();
    for (int i = 0; i < missed; i++) {
      long wait = t0 + (long) (i * 1e9 / RATE) - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      staying.get(i % staying.size()).send(text.next());
    }
    awaitCount(() -> client.delivered() - start, (long) missed * staying.size(), "deliveries");
    long[] lastSeq = leaving.stream().mapToLong(Connection::lastSeq).toArray();
    Snapshot before = Snapshot.of(client, cpu);
    connectAll(leaving);
    Snapshot used = Snapshot.of(client, cpu).minus(before);
    for (int i = 0; i < leaving.size(); i++) {
      if (leaving.get(i).lastSeq() < lastSeq[i] + missed) {
        throw new IllegalStateException(
            "a resumed member read up to "
                + leaving.get(i).lastSeq()
                + ", not "
                + (lastSeq[i] + missed));
      }
    }
    return used;
  }

  /** The transcript page, asked for with each coding. */
  private void http(int port, LongSupplier cpu) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    URI uri = URI.create("http://127.0.0.1:" + port + BenchServerMain.TRANSCRIPT_PATH);
    int requests = longMode ? 5_000 : 1_000;
    for (String coding : List.of("identity", "gzip", "br")) {
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .header("Accept-Encoding", coding)
              .timeout(Duration.ofSeconds(10))
              .build();
      for (int i = 0; i < requests / 10; i++) {
        http.send(request, HttpResponse.BodyHandlers.ofByteArray()); // warm-up
      }
      long bytes = 0;
      String sent = "";
      long c0 = cpu.getAsLong();
      for (int i = 0; i < requests; i++) {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        bytes += response.body().length;
        sent = response.headers().firstValue("content-encoding").orElse("identity");
      }
      long used = cpu.getAsLong() - c0;
      if (!sent.equals(coding)) {
        out.printf("  HTTP: asked for %s, got %s%n", coding, sent);
      }
      Map<String, Double> row = httpRows.computeIfAbsent(coding, k -> new LinkedHashMap<>());
      row.put("body bytes", (double) bytes / requests);
      row.put("server CPU µs per request", used / 1e3 / requests);
    }
  }

  private static void awaitCount(LongSupplier count, long expected, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (count.getAsLong() < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            what + ": " + count.getAsLong() + " of " + expected + " after " + WAIT);
      }
      Thread.sleep(5);
    }
  }

  private void put(String row, String system, double value, String format) {
    rows.computeIfAbsent(row, r -> new LinkedHashMap<>()).put(system, value);
    formats.putIfAbsent(row, format);
  }

  private void print() {
    out.println();
    List<String> header = new ArrayList<>(List.of("measurement"));
    header.addAll(systems);
    List<String> compressed = systems.stream().filter(s -> !s.equals(OFF)).toList();
    boolean ratios = systems.contains(OFF);
    if (ratios) {
      compressed.forEach(s -> header.add(s + "/off"));
    }
    List<List<String>> lines = new ArrayList<>();
    for (var row : rows.entrySet()) {
      List<String> line = new ArrayList<>(List.of(row.getKey()));
      for (String s : systems) {
        Double v = row.getValue().get(s);
        line.add(v == null ? "-" : String.format(formats.get(row.getKey()), v));
      }
      if (ratios) {
        Double off = row.getValue().get(OFF);
        for (String s : compressed) {
          Double v = row.getValue().get(s);
          line.add(v == null || off == null || off == 0 ? "-" : String.format("%.2fx", v / off));
        }
      }
      lines.add(line);
    }
    markdown(header, lines);
    if (!httpRows.isEmpty()) {
      out.println();
      List<List<String>> http = new ArrayList<>();
      double identityBytes = httpRows.get("identity").get("body bytes");
      double identityCpu = httpRows.get("identity").get("server CPU µs per request");
      for (var row : httpRows.entrySet()) {
        double b = row.getValue().get("body bytes");
        double c = row.getValue().get("server CPU µs per request");
        http.add(
            List.of(
                "transcript page ("
                    + BenchServerMain.TRANSCRIPT_MESSAGES
                    + " messages), "
                    + row.getKey(),
                String.format("%,.0f", b),
                String.format("%.2fx", b / identityBytes),
                String.format("%.1f", c),
                String.format("%.2fx", c / identityCpu)));
      }
      markdown(
          List.of(
              "HTTP side",
              "body bytes",
              "bytes/identity",
              "server CPU µs per request",
              "CPU/identity"),
          http);
    }
  }

  private void markdown(List<String> header, List<List<String>> lines) {
    out.println("| " + String.join(" | ", header) + " |");
    out.println("|" + "---|".repeat(header.size()));
    for (List<String> line : lines) {
      out.println("| " + String.join(" | ", line) + " |");
    }
  }

  /** Bytes each way and server CPU at one moment, or between two. */
  private record Snapshot(long in, long out, long cpu) {
    static Snapshot of(CompressionClient client, LongSupplier cpu) {
      return new Snapshot(client.bytesIn(), client.bytesOut(), cpu.getAsLong());
    }

    Snapshot plus(Snapshot other) {
      return new Snapshot(in + other.in, out + other.out, cpu + other.cpu);
    }

    Snapshot minus(Snapshot earlier) {
      return new Snapshot(in - earlier.in, out - earlier.out, cpu - earlier.cpu);
    }
  }
}
