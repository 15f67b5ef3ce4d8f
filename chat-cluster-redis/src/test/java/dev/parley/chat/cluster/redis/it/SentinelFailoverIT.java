package dev.parley.chat.cluster.redis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.cluster.redis.RedisClusterBus;
import dev.parley.chat.cluster.redis.RedisSentinelGroup;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import dev.parley.chat.store.jdbc.PostgresDatabase;
import dev.parley.chat.store.jdbc.it.CrashChecks;
import dev.parley.chat.store.jdbc.it.FailoverChecks;
import dev.parley.chat.store.jdbc.it.MemberLog;
import dev.parley.chat.store.jdbc.it.ResendingSenders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis fails over under two nodes: the nodes share a PostgreSQL store and a {@link
 * RedisClusterBus} that finds Redis through three sentinels ({@code redis-sentinel://...#master});
 * senders on both nodes send continuously to one room, and a member on each node receives. The
 * Redis primary is killed ({@code SIGKILL}); the sentinels promote the replica; both buses
 * reconnect to it by themselves and messages flow between the nodes over the bus again. At the end
 * every acknowledged message is stored exactly once, each sender's in order, and each member
 * received exactly the stored messages in order. The catch-up sweep is set to a minute, so that
 * what crosses between the nodes after the failover crosses on the bus (or by the catch-up a bus
 * reconnect asks for), not by the sweep. The failover's times are logged.
 */
class SentinelFailoverIT {
  private static final Logger log = LoggerFactory.getLogger(SentinelFailoverIT.class);
  private static final RoomId ROOM = RoomId.of("sentinel-room");
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void busFollowsTheSentinelFailoverLosingNothing() throws Exception {
    Set<Integer> ports = new LinkedHashSet<>();
    while (ports.size() < 5) {
      ports.add(CrashChecks.freePort());
    }
    List<AutoCloseable> open = new ArrayList<>();
    ResendingSenders senders = new ResendingSenders();
    try (PostgresDatabase db = PostgresDatabase.requireRunning();
        RedisSentinelGroup redis = RedisSentinelGroup.start(new ArrayList<>(ports))) {
      try {
        run(db, redis, senders, open);
      } finally {
        senders.close();
        // clients, then nodes, then stores, before the Redis group and the schema go
        for (AutoCloseable c : open) {
          c.close();
        }
      }
    }
  }

  private static void run(
      PostgresDatabase db,
      RedisSentinelGroup redis,
      ResendingSenders senders,
      List<AutoCloseable> open)
      throws Exception {
    {
      int redisPrimary = redis.currentPrimaryPort();
      List<ChatServer> nodes = new ArrayList<>();
      List<JdbcMessageStore> stores = new ArrayList<>();
      List<RedisClusterBus> buses = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        JdbcMessageStore store = db.storeBuilder().exclusiveWriter(false).build();
        open.add(0, store);
        stores.add(store);
        RedisClusterBus bus =
            RedisClusterBus.builder()
                .uri(redis.sentinelUri())
                .keyPrefix("sentinel-it")
                .leaseTime(Duration.ofSeconds(3))
                .build();
        buses.add(bus);
        ChatServer node =
            ChatServer.builder()
                .serverId("node-" + i)
                .host("127.0.0.1")
                .port(0)
                .httpHost("127.0.0.1")
                .httpPort(0)
                .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                .messageStore(store)
                .clusterBus(bus)
                .catchUpInterval(Duration.ofMinutes(1))
                .requestRate(100_000, 100_000)
                .userSendRate(100_000, 100_000)
                .build()
                .start();
        open.add(0, node);
        nodes.add(node);
      }
      List<MemberLog> watchers = new ArrayList<>();
      Map<String, Integer> sending = Map.of("alice", 0, "bob", 0, "carol", 1, "dave", 1);
      List<ChatClient> clients = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        ChatClient client =
            ChatClient.builder()
                .endpoint(nodes.get(i).webSocketUri())
                .random(new Random(40 + i))
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
        open.add(0, client);
        clients.add(client);
        MemberLog watcher = new MemberLog("watcher" + i);
        ChatSession session = client.connect(watcher.user(), watcher).get(10, TimeUnit.SECONDS);
        session.join(ROOM).get(10, TimeUnit.SECONDS);
        watchers.add(watcher);
      }
      for (Map.Entry<String, Integer> s : sending.entrySet()) {
        ChatSession session =
            clients
                .get(s.getValue())
                .connect(s.getKey(), new MemberLog(s.getKey()))
                .get(10, TimeUnit.SECONDS);
        senders.send(s.getKey(), session.join(ROOM).get(10, TimeUnit.SECONDS));
      }

      Awaitility.await("traffic to flow before the kill")
          .atMost(WAIT)
          .until(() -> senders.ackedCount() >= 200);
      int ackedBefore = senders.ackedCount();
      redis.killPrimary();
      long killedAt = System.nanoTime();
      Awaitility.await("a bus to notice the lost primary")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(10))
          .until(() -> buses.stream().anyMatch(b -> !b.isHealthy()));
      long noticedAt = System.nanoTime();
      Awaitility.await("the sentinels to promote the replica")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .until(() -> redis.currentPrimaryPort() == redis.replicaPort());
      long promotedAt = System.nanoTime();
      Awaitility.await("both buses to be healthy on the promoted replica")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(10))
          .until(() -> buses.stream().allMatch(RedisClusterBus::isHealthy));
      long healthyAt = System.nanoTime();
      // a message sent now reaches the other node's member over the bus (the sweep is a minute
      // away)
      long crossedAt = awaitCrossing(senders, watchers, healthyAt);
      int ackedAtHealthy = senders.ackedCount();
      Awaitility.await("more traffic after the failover")
          .atMost(WAIT)
          .until(() -> senders.ackedCount() >= ackedAtHealthy + 200);
      senders.stop();

      List<String> problems = new ArrayList<>();
      senders.checkEverySenderGotThrough(killedAt, problems);
      List<ResendingSenders.Acked> acked = senders.acked();
      List<ChatMessage> stored = CrashChecks.readAll(stores.get(0), ROOM, problems);
      FailoverChecks.Outcome outcome = FailoverChecks.check(acked, Map.of(ROOM, stored), problems);
      for (MemberLog watcher : watchers) {
        CrashChecks.awaitOrNote(
            problems,
            () -> watcher.lastSeq(ROOM) >= stored.size(),
            () -> watcher.user() + " to receive up to seq " + stored.size());
        CrashChecks.Counts counts = CrashChecks.Counts.of(stored, watcher.messages(ROOM));
        outcome.note(watcher.user() + ": " + counts);
        if (!counts.perfect() || !watcher.gaps().isEmpty()) {
          problems.add(watcher.user() + ": " + counts + ", gaps " + watcher.gaps());
        }
      }
      log.info(
          "Redis Sentinel failover (primary on port {} killed): a bus noticed after {} ms, the"
              + " sentinels promoted the replica after {} ms, both buses healthy after {} ms, a"
              + " message sent after that crossed between the nodes {} ms after the kill; {}"
              + " acknowledged in all ({} before the kill), {} refused sends resent; {}",
          redisPrimary,
          millis(noticedAt - killedAt),
          millis(promotedAt - killedAt),
          millis(healthyAt - killedAt),
          millis(crossedAt - killedAt),
          acked.size(),
          ackedBefore,
          senders.refusals(),
          outcome);
      assertThat(problems).as(outcome.toString()).isEmpty();
    }
  }

  /**
   * Waits until each watcher has received a message that a sender on the other node sent after
   * {@code after}, and returns when that happened for both.
   */
  private static long awaitCrossing(
      ResendingSenders senders, List<MemberLog> watchers, long after) {
    Set<String> onNode1 = Set.of("carol", "dave");
    Awaitility.await("a message sent after the failover to cross to the other node")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              Set<String> fresh = new java.util.HashSet<>();
              for (ResendingSenders.Acked a : senders.acked()) {
                if (a.firstSentNanos() > after) {
                  fresh.add(a.text());
                }
              }
              boolean toNode0 = false;
              boolean toNode1 = false;
              for (ChatMessage m : watchers.get(0).messages(ROOM)) {
                toNode0 |= fresh.contains(m.text()) && onNode1.contains(m.sender().value());
              }
              for (ChatMessage m : watchers.get(1).messages(ROOM)) {
                toNode1 |= fresh.contains(m.text()) && !onNode1.contains(m.sender().value());
              }
              return toNode0 && toNode1;
            });
    return System.nanoTime();
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
