package dev.parley.chat.cluster.redis.it;

import static dev.parley.chat.store.jdbc.it.CrashChecks.await;
import static dev.parley.chat.store.jdbc.it.CrashChecks.awaitOrNote;
import static dev.parley.chat.store.jdbc.it.CrashChecks.freePort;
import static dev.parley.chat.store.jdbc.it.CrashChecks.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatClientBuilder;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.cluster.redis.RedisServerProcess;
import dev.parley.chat.cluster.redis.RedisTestServer;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import dev.parley.chat.store.jdbc.PostgresDatabase;
import dev.parley.chat.store.jdbc.it.CrashChecks.Counts;
import dev.parley.chat.store.jdbc.it.MemberLog;
import dev.parley.chat.store.jdbc.it.ServerProcess;
import dev.parley.chat.store.jdbc.it.Traffic;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three nodes in child JVMs share one PostgreSQL store and one Redis, with clients spread over
 * them; several senders per room, on different nodes, send continuously while things break:
 *
 * <ul>
 *   <li>{@link #nodesKilledOneAtATime()}: one node at a time is killed with SIGKILL and started
 *       again, several times. The clients of a dead node move to another by themselves.
 *   <li>{@link #redisStoppedAndRestarted()}: the Redis the nodes use is killed for a few seconds
 *       and started again (empty), twice; the nodes keep serving and report not ready meanwhile.
 * </ul>
 *
 * <p>Afterwards, for every room and member: every send acknowledged, the store holds each exactly
 * once with seqs 1..N, and each member received exactly the store's messages in order: 0 lost, 0
 * duplicated, 0 reordered. Presence: a user connected only to a killed node turns offline for every
 * other member within the lease time plus one renewal period, and in the end every member sees
 * exactly the room's members online. Seeded chaos; {@code -Dparley.cluster.seed=N} overrides.
 */
class ClusterCrashIT {
  private static final int NODES = 3;
  private static final int KILLS = 6;
  private static final Duration LEASE = Duration.ofSeconds(3);

  /** Lease plus one renewal period (a third of the lease): the stated bound for presence. */
  private static final Duration PRESENCE_BOUND = LEASE.plus(LEASE.dividedBy(3));

  private static final int WINDOW = 16;
  private static final Duration SEND_PAUSE = Duration.ofMillis(3);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private static final RoomId LOBBY = RoomId.of("cluster-lobby");
  private static final RoomId SIDE = RoomId.of("cluster-side");

  /** Connected only to node 0, so its presence shows whether node 0's death is noticed. */
  private static final String PINNED = "pinned";

  private static final Map<String, List<RoomId>> MEMBERS = members();

  private static final List<Map.Entry<String, RoomId>> SENDERS =
      List.of(
          Map.entry("u0", LOBBY),
          Map.entry("u1", LOBBY),
          Map.entry("u2", LOBBY),
          Map.entry("u3", SIDE),
          Map.entry("u4", SIDE),
          Map.entry("u5", SIDE));

  private static Map<String, List<RoomId>> members() {
    Map<String, List<RoomId>> m = new LinkedHashMap<>();
    m.put("u0", List.of(LOBBY));
    m.put("u1", List.of(LOBBY, SIDE));
    m.put("u2", List.of(LOBBY));
    m.put("u3", List.of(LOBBY, SIDE));
    m.put("u4", List.of(SIDE));
    m.put("u5", List.of(LOBBY, SIDE));
    m.put(PINNED, List.of(LOBBY));
    return m;
  }

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void nodesKilledOneAtATime() throws Exception {
    RedisTestServer.requireRunning();
    URI redis = URI.create(RedisTestServer.URI);
    try (PostgresDatabase db = PostgresDatabase.requireRunning()) {
      new Run("kills", Long.getLong("parley.cluster.seed", 7_2026L), redis, db).nodeKills();
    }
  }

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void redisStoppedAndRestarted() throws Exception {
    try (PostgresDatabase db = PostgresDatabase.requireRunning();
        RedisServerProcess redis = RedisServerProcess.start()) {
      new Run(
              "redis-outage",
              Long.getLong("parley.cluster.seed", 8_2026L),
              URI.create(redis.uri()),
              db)
          .redisOutages(redis);
    }
  }

  /** One run of the scenario: nodes, clients, traffic, chaos, checks. */
  private static final class Run {
    private final String name;
    private final long seed;
    private final Random chaos;
    private final URI redis;
    private final PostgresDatabase db;
    private final String keyPrefix = "parley-it-" + UUID.randomUUID();
    private final List<ServerProcess> nodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<Integer> httpPorts = new ArrayList<>();
    private final Map<String, MemberLog> logs = new LinkedHashMap<>();
    private final Map<String, ChatSession> sessions = new LinkedHashMap<>();
    private final Map<String, Map<RoomId, RoomHandle>> handles = new HashMap<>();
    private final List<ChatClient> clients = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final long began = System.nanoTime();
    private final HttpClient http = HttpClient.newHttpClient();
    private int kills;
    private int outages;

    Run(String name, long seed, URI redis, PostgresDatabase db) {
      this.name = name;
      this.seed = seed;
      this.chaos = new Random(seed);
      this.redis = redis;
      this.db = db;
    }

    void nodeKills() throws Exception {
      try (Traffic traffic = new Traffic(WINDOW, SEND_PAUSE)) {
        startNodesAndClients(traffic);
        for (int k = 0; k < KILLS; k++) {
          int victim = k % NODES;
          awaitFlowing(traffic);
          // The behaviour under test: kills and restarts at random moments of the traffic.
          Thread.sleep(300 + chaos.nextInt(1200));
          long killedAt = System.nanoTime();
          nodes.get(victim).kill();
          kills++;
          if (victim == 0) {
            checkPinnedGoesOffline(killedAt);
          } else {
            // The node stays down for a random time, part of the scenario.
            Thread.sleep(chaos.nextInt(1500));
          }
          nodes.get(victim).start(READY_TIMEOUT);
        }
        finish(traffic);
      } finally {
        closeAll();
      }
      report();
    }

    void redisOutages(RedisServerProcess redisServer) throws Exception {
      try (Traffic traffic = new Traffic(WINDOW, SEND_PAUSE)) {
        startNodesAndClients(traffic);
        for (int o = 0; o < 2; o++) {
          awaitFlowing(traffic);
          // The behaviour under test: outages at random moments of the traffic.
          Thread.sleep(500 + chaos.nextInt(1000));
          redisServer.kill();
          outages++;
          long ackedAtStop = traffic.acknowledged();
          await(() -> noneReady(), () -> "every node to report not ready without Redis");
          // The outage lasts 2 to 4 s; sends acknowledged meanwhile are counted below.
          Thread.sleep(2_000 + chaos.nextInt(2_000));
          long ackedDuring = traffic.acknowledged() - ackedAtStop;
          notes.add("outage " + outages + ": " + ackedDuring + " sends acknowledged without Redis");
          if (ackedDuring == 0) {
            problems.add("no send was acknowledged during Redis outage " + outages);
          }
          redisServer.restart();
          await(() -> allReady(), () -> "every node to report ready once Redis is back");
        }
        finish(traffic);
      } finally {
        closeAll();
      }
      report();
    }

    private void startNodesAndClients(Traffic traffic) throws Exception {
      Path logDir = Path.of(System.getProperty("basedir", "."), "target", "cluster-test");
      for (int i = 0; i < NODES; i++) {
        int port = freePort();
        int httpPort = freePort();
        ports.add(port);
        httpPorts.add(httpPort);
        ServerProcess node =
            new ServerProcess(
                ClusterTestNode.class.getName(),
                port,
                List.of(
                    "node" + i,
                    Integer.toString(port),
                    Integer.toString(httpPort),
                    redis.toString(),
                    keyPrefix,
                    Long.toString(LEASE.toMillis()),
                    PostgresDatabase.URL,
                    PostgresDatabase.USER,
                    PostgresDatabase.PASSWORD,
                    db.schema()),
                logDir.resolve("ClusterCrashIT-" + name + "-node" + i + ".log"));
        nodes.add(node);
        node.start(READY_TIMEOUT);
      }
      int n = 0;
      for (Map.Entry<String, List<RoomId>> member : MEMBERS.entrySet()) {
        String user = member.getKey();
        ChatClientBuilder builder =
            ChatClient.builder()
                .random(new Random(seed * 31 + n))
                .connectTimeout(Duration.ofSeconds(5))
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
        if (user.equals(PINNED)) {
          builder.endpoint(endpoint(0));
        } else {
          for (int i = 0; i < NODES; i++) {
            builder.endpoint(endpoint((n + i) % NODES)); // spread: each starts on its own node
          }
        }
        n++;
        ChatClient client = builder.build();
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
    }

    /** Node 0 was just killed: everyone else in the lobby must see the pinned user go offline. */
    private void checkPinnedGoesOffline(long killedAt) {
      UserId pinned = UserId.of(PINNED);
      List<RoomHandle> observers = new ArrayList<>();
      for (Map.Entry<String, Map<RoomId, RoomHandle>> e : handles.entrySet()) {
        RoomHandle lobby = e.getValue().get(LOBBY);
        if (!e.getKey().equals(PINNED) && lobby != null) {
          observers.add(lobby);
        }
      }
      Duration limit = PRESENCE_BOUND.plusSeconds(10);
      Duration left = limit.minusNanos(System.nanoTime() - killedAt);
      try {
        Awaitility.await()
            .atMost(left.isNegative() ? Duration.ZERO : left)
            .pollInterval(Duration.ofMillis(20))
            .until(() -> observers.stream().noneMatch(h -> h.onlineMembers().contains(pinned)));
      } catch (ConditionTimeoutException e) {
        problems.add("the pinned user was still online for someone " + limit + " after the kill");
        return;
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      notes.add("pinned user offline for all " + millis + " ms after node 0 died");
      if (millis > PRESENCE_BOUND.toMillis() + 1_000) {
        problems.add(
            "the pinned user went offline "
                + millis
                + " ms after the kill; the bound is "
                + PRESENCE_BOUND.toMillis()
                + " ms (+1 s slack for polling and the clients)");
      }
    }

    private void finish(Traffic traffic) throws Exception {
      awaitFlowing(traffic);
      // Half a second more of traffic on the final cluster, so it too carries some load.
      Thread.sleep(500);
      traffic.stop();
      awaitOrNote(
          problems,
          () -> traffic.outstanding().isEmpty(),
          () -> traffic.outstanding().size() + " sends still unacknowledged");
      List<Traffic.Sent> sent = traffic.all();
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
              () -> member.user() + " got " + room + " up to " + member.lastSeq(room) + "/" + last);
        }
      }
      long convergeStart = System.nanoTime();
      awaitOrNote(
          problems,
          this::presenceIsTrue,
          () -> "presence to match the connected members: " + presenceView());
      notes.add(
          "final presence matched the truth after "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - convergeStart)
              + " ms");
      for (ChatClient client : clients) {
        client.close();
      }
      clients.clear();
      for (ServerProcess node : nodes) {
        if (!node.stop(Duration.ofSeconds(30))) {
          problems.add("a node did not stop within 30 s of SIGTERM");
        }
      }
      check(sent);
    }

    private boolean presenceIsTrue() {
      for (Map.Entry<String, Map<RoomId, RoomHandle>> e : handles.entrySet()) {
        for (Map.Entry<RoomId, RoomHandle> h : e.getValue().entrySet()) {
          if (!h.getValue().onlineMembers().equals(membersOf(h.getKey()))) {
            return false;
          }
        }
      }
      return true;
    }

    private String presenceView() {
      return handles.entrySet().stream()
          .flatMap(
              e ->
                  e.getValue().entrySet().stream()
                      .map(h -> e.getKey() + "@" + h.getKey() + "=" + h.getValue().onlineMembers()))
          .collect(Collectors.joining(", "));
    }

    private static Set<UserId> membersOf(RoomId room) {
      return MEMBERS.entrySet().stream()
          .filter(e -> e.getValue().contains(room))
          .map(e -> UserId.of(e.getKey()))
          .collect(Collectors.toSet());
    }

    private void check(List<Traffic.Sent> sent) throws Exception {
      Map<RoomId, List<ChatMessage>> stored = new LinkedHashMap<>();
      try (JdbcMessageStore store = db.storeBuilder().exclusiveWriter(false).build()) {
        for (RoomId room : List.of(LOBBY, SIDE)) {
          stored.put(room, readAll(store, room, problems));
        }
      }
      Map<String, Integer> copies = new HashMap<>();
      Map<String, ChatMessage> byText = new HashMap<>();
      for (Map.Entry<RoomId, List<ChatMessage>> e : stored.entrySet()) {
        List<ChatMessage> messages = e.getValue();
        for (int i = 0; i < messages.size(); i++) {
          if (messages.get(i).seq() != i + 1) {
            problems.add(
                e.getKey() + ": stored message " + (i + 1) + " has seq " + messages.get(i).seq());
          }
          copies.merge(messages.get(i).text(), 1, Integer::sum);
          byText.put(messages.get(i).text(), messages.get(i));
        }
      }
      int acknowledged = 0;
      int lost = 0;
      int duplicated = 0;
      for (Traffic.Sent s : sent) {
        SendReceipt r = s.receipt();
        int count = copies.getOrDefault(s.text, 0);
        if (r == null) {
          problems.add(s.text + " was never acknowledged (or failed)");
        } else {
          acknowledged++;
          ChatMessage m = byText.get(s.text);
          if (m != null && (m.seq() != r.seq() || !m.id().equals(r.messageId()))) {
            problems.add(s.text + " acknowledged as seq " + r.seq() + " but stored as " + m.seq());
          }
        }
        if (count == 0) {
          lost++;
          problems.add(s.text + " is not in the store");
        } else if (count > 1) {
          duplicated += count - 1;
          problems.add(s.text + " is stored " + count + " times");
        }
      }
      if (copies.size() != sent.size()) {
        problems.add("the store holds " + copies.size() + " texts for " + sent.size() + " sends");
      }
      StringBuilder members = new StringBuilder();
      for (MemberLog member : logs.values()) {
        for (RoomId room : MEMBERS.get(member.user())) {
          Counts counts = Counts.of(stored.get(room), member.messages(room));
          members.append(String.format("%n    %-6s in %-13s %s", member.user(), room, counts));
          if (!counts.perfect()) {
            problems.add(member.user() + " in " + room + ": " + counts);
          }
        }
        member.gaps().forEach(g -> problems.add(member.user() + " was told of a gap: " + g));
        member.errors().forEach(e -> problems.add(member.user() + " got an error: " + e.error()));
      }
      notes.add(
          String.format(
              "%d sent, %d acknowledged; store: %s; %d lost, %d duplicated%n  members (received /"
                  + " lost / duplicated / reordered):%s",
              sent.size(),
              acknowledged,
              stored.entrySet().stream()
                  .map(e -> e.getKey() + " seqs 1.." + e.getValue().size())
                  .collect(Collectors.joining(", ")),
              lost,
              duplicated,
              members));
    }

    private void report() {
      String text =
          String.format(
              "ClusterCrashIT %s (seed %d, %d s): %d nodes, %d kills, %d Redis outages%n  %s%n"
                  + "  problems: %d%s",
              name,
              seed,
              TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began),
              NODES,
              kills,
              outages,
              String.join(System.lineSeparator() + "  ", notes),
              problems.size(),
              problems.stream()
                  .limit(40)
                  .map(p -> System.lineSeparator() + "    " + p)
                  .collect(Collectors.joining()));
      System.out.println(text);
      assertThat(problems).as(text).isEmpty();
    }

    private void awaitFlowing(Traffic traffic) {
      long before = traffic.acknowledged();
      await(
          () ->
              traffic.acknowledged() > before
                  && sessions.values().stream()
                      .allMatch(s -> s.state() == ChatSession.State.CONNECTED),
          () ->
              "acknowledgements and every session connected: "
                  + sessions.entrySet().stream()
                      .map(e -> e.getKey() + " " + e.getValue().state())
                      .collect(Collectors.joining(", ")));
    }

    private boolean noneReady() {
      return httpPorts.stream().noneMatch(this::ready);
    }

    private boolean allReady() {
      return httpPorts.stream().allMatch(this::ready);
    }

    private boolean ready(int httpPort) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200;
      } catch (java.io.IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    private URI endpoint(int node) {
      return URI.create("ws://127.0.0.1:" + ports.get(node) + "/chat");
    }

    private void closeAll() {
      for (ChatClient client : clients) {
        client.close();
      }
      for (ServerProcess node : nodes) {
        node.close();
      }
    }
  }
}
