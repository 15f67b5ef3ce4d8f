package dev.parley.chat.store.jdbc.it;

import static dev.parley.chat.store.jdbc.it.CrashChecks.await;
import static dev.parley.chat.store.jdbc.it.CrashChecks.awaitOrNote;
import static dev.parley.chat.store.jdbc.it.CrashChecks.freePort;
import static dev.parley.chat.store.jdbc.it.CrashChecks.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import dev.parley.chat.store.jdbc.PostgresDatabase;
import dev.parley.chat.store.jdbc.it.CrashChecks.Counts;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable store survives {@code kill -9} of the server: a {@link CrashTestServer} runs in a
 * child JVM on an H2 file database and, separately, on PostgreSQL; four users are members of two
 * rooms, and five threads send continuously as those users (one of them in both rooms), each with a
 * bounded window of unacknowledged sends, while the child is killed with SIGKILL five times at
 * random moments (a seeded {@link Random}: override with {@code -Dparley.crash.seed=N}) and started
 * again on the same port and database. The clients reconnect, resume and resend their outboxes by
 * themselves.
 *
 * <p>After the last restart the senders stop; the test waits until every send is acknowledged and
 * every member has caught up, stops the server with SIGTERM, opens the database in this JVM and
 * proves:
 *
 * <ul>
 *   <li>every send was acknowledged in the end, none failed: nothing is lost from a sender's point
 *       of view, including the sends that were unacknowledged when a kill hit (the outbox resent
 *       them with their client message ids; a resend of one already stored is acknowledged as a
 *       duplicate);
 *   <li>each room's seqs in the store are exactly 1..N, with no gap;
 *   <li>every sent text is stored exactly once, and nothing else is: 0 lost, 0 duplicated, each
 *       (sender, client message id) once;
 *   <li>every acknowledgement matches the store: the same seq, message id and client message id;
 *   <li>every member received exactly the store's messages of each room it joined, in seq order: 0
 *       lost, 0 duplicated, 0 reordered, and no history gap or error was reported.
 * </ul>
 *
 * <p>It prints, per database: sends, acknowledgements, kills, the sends outstanding at each kill,
 * and per member and room the messages received, lost, duplicated and reordered; also, without
 * asserting it, how often a sender's message was stored after a later one of the same sender. The
 * child's output is kept in {@code target/crash-test/}.
 */
class StoreCrashIT {
  private static final int KILLS = 5;
  private static final int WINDOW = 32;
  private static final Duration SEND_PAUSE = Duration.ofMillis(2);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final int MAX_PROBLEMS_SHOWN = 40;

  private static final RoomId LOBBY = RoomId.of("crash-lobby");
  private static final RoomId SIDE = RoomId.of("crash-side");

  /** Each user and the rooms it joins. */
  private static final Map<String, List<RoomId>> MEMBERS = members();

  /** Each sending thread: a user and the room it sends to. */
  private static final List<Map.Entry<String, RoomId>> SENDERS =
      List.of(
          Map.entry("alice", LOBBY),
          Map.entry("bob", LOBBY),
          Map.entry("carol", LOBBY),
          Map.entry("bob", SIDE),
          Map.entry("dave", SIDE));

  @TempDir Path dir;

  private static Map<String, List<RoomId>> members() {
    Map<String, List<RoomId>> m = new LinkedHashMap<>();
    m.put("alice", List.of(LOBBY));
    m.put("bob", List.of(LOBBY, SIDE));
    m.put("carol", List.of(LOBBY, SIDE));
    m.put("dave", List.of(LOBBY, SIDE));
    return m;
  }

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void h2() throws Exception {
    Path file = dir.resolve("parley");
    crashAndCheck(
        "h2",
        Long.getLong("parley.crash.seed", 20_240_611L),
        List.of(file.toString()),
        () -> JdbcMessageStore.builder().h2File(file).build());
  }

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void postgres() throws Exception {
    try (PostgresDatabase db = PostgresDatabase.requireRunning()) {
      crashAndCheck(
          "pg",
          Long.getLong("parley.crash.seed", 20_240_612L),
          List.of(
              PostgresDatabase.URL, PostgresDatabase.USER, PostgresDatabase.PASSWORD, db.schema()),
          () -> db.storeBuilder().build());
    }
  }

  /** One kill taken: when, and which sends were unacknowledged at that moment. */
  private record Kill(
      int number, long atMillis, long acknowledgedBefore, List<Traffic.Sent> outstanding) {}

  private void crashAndCheck(
      String mode, long seed, List<String> databaseArgs, Supplier<JdbcMessageStore> reopen)
      throws Exception {
    String variant = mode.equals("h2") ? "H2" : "PostgreSQL";
    long began = System.nanoTime();
    Random chaos = new Random(seed);
    int port = freePort();
    Path log =
        Path.of(System.getProperty("basedir", "."), "target", "crash-test")
            .resolve("StoreCrashIT-" + mode + "-server.log");
    List<Kill> kills = new ArrayList<>();
    Map<String, MemberLog> logs = new LinkedHashMap<>();
    List<ChatClient> clients = new ArrayList<>();
    List<Traffic.Sent> sent;
    List<String> problems = new ArrayList<>();
    int starts;
    try (ServerProcess server = ServerProcess.crashTestServer(mode, port, databaseArgs, log);
        Traffic traffic = new Traffic(WINDOW, SEND_PAUSE)) {
      server.start(READY_TIMEOUT);
      traffic.serverStarted(server.starts());
      URI endpoint = URI.create("ws://127.0.0.1:" + port + "/chat");

      Map<String, ChatSession> sessions = new LinkedHashMap<>();
      Map<String, Map<RoomId, RoomHandle>> handles = new HashMap<>();
      int n = 0;
      for (Map.Entry<String, List<RoomId>> member : MEMBERS.entrySet()) {
        String user = member.getKey();
        ChatClient client =
            ChatClient.builder()
                .endpoint(endpoint)
                .random(new Random(seed * 31 + n++))
                .connectTimeout(Duration.ofSeconds(5))
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
        clients.add(client);
        MemberLog events = new MemberLog(user);
        logs.put(user, events);
        ChatSession session = client.connect(user, events).get(30, TimeUnit.SECONDS);
        sessions.put(user, session);
        for (RoomId room : member.getValue()) {
          handles
              .computeIfAbsent(user, u -> new HashMap<>())
              .put(room, session.join(room).get(30, TimeUnit.SECONDS));
        }
      }

      for (Map.Entry<String, RoomId> sender : SENDERS) {
        traffic.send(sender.getKey(), handles.get(sender.getKey()).get(sender.getValue()));
      }

      for (int k = 1; k <= KILLS; k++) {
        awaitFlowing(sessions, traffic, server.starts());
        // The behaviour under test: kills and restarts at random moments of the traffic.
        Thread.sleep(200 + chaos.nextInt(1300));
        long acknowledgedBefore = traffic.acknowledged();
        List<Traffic.Sent> outstanding = traffic.outstanding();
        server.kill();
        kills.add(
            new Kill(
                k,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began),
                acknowledgedBefore,
                outstanding));
        // The server stays down for a random time, part of the scenario.
        Thread.sleep(chaos.nextInt(300));
        server.start(READY_TIMEOUT);
        traffic.serverStarted(server.starts());
      }
      awaitFlowing(sessions, traffic, server.starts());
      // Half a second more of traffic on the last start, so it too carries some load.
      Thread.sleep(500);
      traffic.stop();

      awaitOrNote(
          problems,
          () -> traffic.outstanding().isEmpty(),
          () -> traffic.outstanding().size() + " sends still unacknowledged");
      sent = traffic.all();
      Map<RoomId, Long> lastAcked = new HashMap<>();
      for (Traffic.Sent s : sent) {
        SendReceipt r = s.receipt();
        if (r != null) {
          lastAcked.merge(s.room, r.seq(), Math::max);
        }
      }
      for (MemberLog member : logs.values()) {
        for (RoomId room : MEMBERS.get(member.user())) {
          long last = lastAcked.getOrDefault(room, 0L);
          awaitOrNote(
              problems,
              () -> member.lastSeq(room) >= last,
              () ->
                  member.user()
                      + " got "
                      + room
                      + " up to "
                      + member.lastSeq(room)
                      + " of "
                      + last);
        }
      }
      for (ChatClient client : clients) {
        client.close();
      }
      clients.clear();
      if (!server.stop(Duration.ofSeconds(30))) {
        problems.add("the server did not stop within 30 s of SIGTERM");
      }
      starts = server.starts();
    } finally {
      for (ChatClient client : clients) {
        client.close();
      }
    }

    Map<RoomId, List<ChatMessage>> stored = new LinkedHashMap<>();
    Map<RoomId, Long> heads = new LinkedHashMap<>();
    try (JdbcMessageStore store = reopen.get()) {
      for (RoomId room : List.of(LOBBY, SIDE)) {
        try {
          heads.put(room, store.position(room).get(30, TimeUnit.SECONDS).headSeq());
        } catch (ExecutionException e) {
          problems.add("the store cannot tell the position of " + room + ": " + e.getCause());
          heads.put(room, -1L);
        }
        stored.put(room, readAll(store, room, problems));
      }
    }

    String report =
        check(variant, seed, sent, kills, starts, logs, stored, heads, problems, began, log);
    System.out.println(report);
    assertThat(problems)
        .as(
            "%s crash test (seed %d) found %d problem(s), the first %d shown; server log %s%n%s",
            variant,
            seed,
            problems.size(),
            Math.min(problems.size(), MAX_PROBLEMS_SHOWN),
            log,
            report)
        .isEmpty();
  }

  /** Checks everything the class comment promises, adds what fails to problems, and reports. */
  private static String check(
      String variant,
      long seed,
      List<Traffic.Sent> sent,
      List<Kill> kills,
      int starts,
      Map<String, MemberLog> logs,
      Map<RoomId, List<ChatMessage>> stored,
      Map<RoomId, Long> heads,
      List<String> problems,
      long began,
      Path log) {
    // Every send acknowledged, none failed.
    int acknowledged = 0;
    int duplicateAcks = 0;
    for (Traffic.Sent s : sent) {
      if (!s.future.isDone()) {
        problems.add(s.text + " was never acknowledged");
      } else if (s.future.isCompletedExceptionally()) {
        problems.add(s.text + " failed: " + s.future.handle((r, e) -> e).join());
      } else {
        acknowledged++;
        if (s.receipt().duplicate()) {
          duplicateAcks++;
        }
      }
    }

    // Each room: seqs exactly 1..N, and N is the room's head.
    Map<String, ChatMessage> byText = new HashMap<>();
    Map<String, Integer> copies = new HashMap<>();
    Set<String> senderIds = new HashSet<>();
    for (Map.Entry<RoomId, List<ChatMessage>> e : stored.entrySet()) {
      List<ChatMessage> messages = e.getValue();
      for (int i = 0; i < messages.size(); i++) {
        ChatMessage m = messages.get(i);
        if (m.seq() != i + 1) {
          problems.add(e.getKey() + ": stored message " + (i + 1) + " has seq " + m.seq());
        }
        copies.merge(m.text(), 1, Integer::sum);
        byText.put(m.text(), m);
        if (!senderIds.add(m.sender().value() + "/" + m.clientMessageId().value())) {
          problems.add(
              e.getKey()
                  + ": (sender, client message id) ("
                  + m.sender()
                  + ", "
                  + m.clientMessageId()
                  + ") stored twice, again at seq "
                  + m.seq());
        }
      }
      if (heads.get(e.getKey()) != messages.size()) {
        problems.add(
            e.getKey()
                + ": head seq "
                + heads.get(e.getKey())
                + " but "
                + messages.size()
                + " messages stored");
      }
    }

    // Every sent text stored exactly once, nothing else stored, every acknowledgement true.
    Set<String> sentTexts = new HashSet<>();
    int lostInStore = 0;
    for (Traffic.Sent s : sent) {
      sentTexts.add(s.text);
      int count = copies.getOrDefault(s.text, 0);
      SendReceipt r = s.receipt();
      if (count == 0) {
        lostInStore++;
        problems.add(
            s.text
                + " is not in the store"
                + (r == null
                    ? ""
                    : " although it was acknowledged (seq "
                        + r.seq()
                        + ", message id "
                        + r.messageId()
                        + ") during server start "
                        + s.ackedInStart));
        continue;
      }
      if (count > 1) {
        problems.add(s.text + " is stored " + count + " times");
      }
      ChatMessage m = byText.get(s.text);
      if (!m.room().equals(s.room) || !m.sender().value().equals(s.user)) {
        problems.add(s.text + " is stored as " + m);
      }
      if (r != null
          && (r.seq() != m.seq()
              || !r.messageId().equals(m.id())
              || !r.clientMessageId().equals(m.clientMessageId()))) {
        problems.add(
            s.text
                + " was acknowledged as seq "
                + r.seq()
                + ", id "
                + r.messageId()
                + ", client message id "
                + r.clientMessageId()
                + " but is stored as seq "
                + m.seq()
                + ", id "
                + m.id()
                + ", client message id "
                + m.clientMessageId());
      }
    }
    int duplicatedInStore = 0;
    for (Map.Entry<String, Integer> c : copies.entrySet()) {
      duplicatedInStore += c.getValue() - 1;
      if (!sentTexts.contains(c.getKey())) {
        problems.add("the store holds " + c.getKey() + ", which was never sent");
      }
    }

    // The sends outstanding at each kill: each stored once in the end (checked above for all
    // sends); count those whose resend found the copy stored before the kill.
    Set<String> outstandingTexts = new HashSet<>();
    List<Integer> outstandingCounts = new ArrayList<>();
    for (Kill k : kills) {
      outstandingCounts.add(k.outstanding().size());
      for (Traffic.Sent s : k.outstanding()) {
        outstandingTexts.add(s.text);
      }
    }
    int outstandingStoredOnce = 0;
    int outstandingStoredBeforeKill = 0;
    for (Traffic.Sent s : sent) {
      if (outstandingTexts.contains(s.text)) {
        if (copies.getOrDefault(s.text, 0) == 1) {
          outstandingStoredOnce++;
        }
        SendReceipt r = s.receipt();
        if (r != null && r.duplicate()) {
          outstandingStoredBeforeKill++;
        }
      }
    }

    // Every member: exactly the store's messages of each of its rooms, in order.
    StringBuilder members = new StringBuilder();
    for (MemberLog member : logs.values()) {
      for (RoomId room : MEMBERS.get(member.user())) {
        List<ChatMessage> want = stored.getOrDefault(room, List.of());
        List<ChatMessage> got = member.messages(room);
        Counts counts = Counts.of(want, got);
        members
            .append(String.format("%n    %-6s in %-12s %s", member.user(), room, counts))
            .append(", welcomed ")
            .append(member.welcomes())
            .append(" times");
        if (!counts.perfect()) {
          problems.add(member.user() + " in " + room + ": " + counts);
        }
      }
      for (var gap : member.gaps()) {
        problems.add(member.user() + " was told of a history gap: " + gap);
      }
      for (var error : member.errors()) {
        problems.add(member.user() + " got an error: " + error.error());
      }
      if (member.closed() != null && member.closed().code() != 1000) {
        problems.add(member.user() + "'s session closed: " + member.closed());
      }
    }

    List<String> inversions = senderOrderInversions(stored, outstandingTexts);
    for (String inversion : inversions) {
      problems.add("a sender's messages are out of send order: " + inversion);
    }
    String rooms =
        stored.entrySet().stream()
            .map(
                e ->
                    e.getKey()
                        + " seqs 1.."
                        + e.getValue().size()
                        + " (head "
                        + heads.get(e.getKey())
                        + ")")
            .collect(Collectors.joining(", "));
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began);
    return String.format(
        "StoreCrashIT %s (seed %d, %d s): %d sent, %d acknowledged (%d as duplicates of a copy"
            + " stored before a kill), %d kills (%d server starts)%n"
            + "  outstanding (sent, unacknowledged) at the kills: %s = %d sends, %d distinct;"
            + " %d of them stored exactly once, %d stored before their kill and resent as"
            + " duplicates%n"
            + "  store: %s; %d lost, %d duplicated%n"
            + "  per-sender order inversions: %d, %d of them around a kill%s%n"
            + "  members (received / lost / duplicated / reordered):%s%n"
            + "  kills (ms since start: acknowledged before / outstanding): %s%n"
            + "  server log %s%n"
            + "  problems: %d%s",
        variant,
        seed,
        seconds,
        sent.size(),
        acknowledged,
        duplicateAcks,
        kills.size(),
        starts,
        outstandingCounts,
        outstandingCounts.stream().mapToInt(Integer::intValue).sum(),
        outstandingTexts.size(),
        outstandingStoredOnce,
        outstandingStoredBeforeKill,
        rooms,
        lostInStore,
        duplicatedInStore,
        inversions.size(),
        inversions.stream().filter(i -> i.endsWith("(outstanding at a kill)")).count(),
        inversions.isEmpty()
            ? ""
            : ", e.g. " + String.join("; ", inversions.subList(0, Math.min(3, inversions.size()))),
        members,
        kills.stream()
            .map(
                k ->
                    "#"
                        + k.number()
                        + " at "
                        + k.atMillis()
                        + ": "
                        + k.acknowledgedBefore()
                        + " / "
                        + k.outstanding().size())
            .collect(Collectors.joining(", ")),
        log,
        problems.size(),
        problems.isEmpty()
            ? ""
            : problems.stream()
                .limit(MAX_PROBLEMS_SHOWN)
                .collect(
                    Collectors.joining(
                        System.lineSeparator() + "    ", System.lineSeparator() + "    ", "")));
  }

  /**
   * Places where a sender's message is stored after a later one of the same sender in the same
   * room, described as {@code room: text@seq after text@seq}, marked when either was outstanding at
   * a kill. Each sender's messages must keep the order they were sent in.
   */
  private static List<String> senderOrderInversions(
      Map<RoomId, List<ChatMessage>> stored, Set<String> outstandingAtKills) {
    List<String> inversions = new ArrayList<>();
    for (Map.Entry<RoomId, List<ChatMessage>> e : stored.entrySet()) {
      Map<String, ChatMessage> last = new HashMap<>();
      for (ChatMessage m : e.getValue()) {
        ChatMessage previous = last.get(m.sender().value());
        if (previous != null && number(m) < number(previous)) {
          boolean atKill =
              outstandingAtKills.contains(m.text()) || outstandingAtKills.contains(previous.text());
          inversions.add(
              e.getKey()
                  + ": "
                  + m.text()
                  + "@"
                  + m.seq()
                  + " after "
                  + previous.text()
                  + "@"
                  + previous.seq()
                  + (atKill ? " (outstanding at a kill)" : ""));
        }
        if (previous == null || number(m) > number(previous)) {
          last.put(m.sender().value(), m);
        }
      }
    }
    return inversions;
  }

  private static long number(ChatMessage m) {
    return Long.parseLong(m.text().substring(m.text().lastIndexOf(':') + 1));
  }

  /** Waits until every session is connected and a send was acknowledged since {@code start}. */
  private static void awaitFlowing(Map<String, ChatSession> sessions, Traffic traffic, int start) {
    long before = traffic.acknowledged();
    await(
        () ->
            traffic.acknowledged() > before
                && sessions.values().stream()
                    .allMatch(s -> s.state() == ChatSession.State.CONNECTED),
        () ->
            "sends acknowledged by server start "
                + start
                + " and every session connected: "
                + sessions.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue().state())
                    .collect(Collectors.joining(", ")));
  }
}
