package dev.parley.chat.store.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import dev.parley.chat.store.jdbc.it.ResendingSenders.Acked;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL fails over under traffic: the store runs on a primary with a synchronous streaming
 * replica, through a multi-host URL ({@code targetServerType=primary}); a real server and real
 * clients send continuously; the primary is killed ({@code pg_ctl stop -m immediate}) and the
 * replica promoted. The store carries on by itself on the new primary (its pool drops the broken
 * connections and opens new ones where the URL now finds a primary), and at the end every
 * acknowledged message is stored exactly once, each sender's in order, with gapless seqs, and a
 * member received exactly the stored messages in order. The time from the kill to the first
 * acknowledgement of a send made after it is logged.
 */
class PrimaryFailoverIT {
  private static final Logger log = LoggerFactory.getLogger(PrimaryFailoverIT.class);
  private static final RoomId LOBBY = RoomId.of("failover-lobby");
  private static final RoomId SIDE = RoomId.of("failover-side");
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void replicaPromotedAtOnce() throws Exception {
    run(Duration.ZERO);
  }

  /**
   * The replica is promoted 4 seconds after the kill, as a failover manager that first makes sure
   * the primary is gone would: meanwhile no server accepts writes, appends fail after the store's
   * connection timeout or at once, and clients give up on sends and resend them.
   */
  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void replicaPromotedAfterFourSeconds() throws Exception {
    run(Duration.ofSeconds(4));
  }

  private static void run(Duration promotionDelay) throws Exception {
    try (PostgresReplicaPair pg = PostgresReplicaPair.start();
        JdbcMessageStore store =
            JdbcMessageStore.builder().jdbcUrl(pg.url(), pg.user(), "").build();
        ChatServer server =
            ChatServer.builder()
                .host("127.0.0.1")
                .port(0)
                .httpHost("127.0.0.1")
                .httpPort(0)
                .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                .messageStore(store)
                .requestRate(100_000, 100_000)
                .userSendRate(100_000, 100_000)
                .build()
                .start();
        ChatClient client =
            ChatClient.builder()
                .endpoint(server.webSocketUri())
                .random(new Random(24))
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
        ResendingSenders senders = new ResendingSenders()) {
      log.info("PostgreSQL pair: {}", pg);
      MemberLog watcher = new MemberLog("watcher");
      ChatSession watching = client.connect("watcher", watcher).get(10, TimeUnit.SECONDS);
      watching.join(LOBBY).get(10, TimeUnit.SECONDS);
      watching.join(SIDE).get(10, TimeUnit.SECONDS);
      Map<String, RoomId> sending =
          Map.of("alice", LOBBY, "bob", LOBBY, "carol", LOBBY, "dave", SIDE, "erin", SIDE);
      for (Map.Entry<String, RoomId> s : sending.entrySet()) {
        ChatSession session =
            client.connect(s.getKey(), new MemberLog(s.getKey())).get(10, TimeUnit.SECONDS);
        senders.send(s.getKey(), session.join(s.getValue()).get(10, TimeUnit.SECONDS));
      }

      Awaitility.await("traffic to flow before the kill")
          .atMost(WAIT)
          .until(() -> senders.ackedCount() >= 200);
      int ackedBefore = senders.ackedCount();
      long killStarted = System.nanoTime();
      pg.killPrimary();
      // the primary's processes are gone: whatever is acknowledged from now on was committed
      // elsewhere
      long killedAt = System.nanoTime();
      if (!promotionDelay.isZero()) {
        // How long the failover manager takes to decide: part of the scenario, not a wait.
        Thread.sleep(promotionDelay.toMillis());
      }
      long promotedAt = System.nanoTime();
      pg.promoteReplica();
      long promotedDone = System.nanoTime();
      Awaitility.await("traffic to flow again after the failover")
          .atMost(WAIT)
          .until(() -> firstFreshAck(senders.acked(), killedAt) != null);
      Awaitility.await("more traffic on the new primary")
          .atMost(WAIT)
          .until(() -> senders.ackedCount() >= ackedBefore + 300);
      senders.stop();
      assertThat(pg.replicaInRecovery()).as("the replica was promoted").isFalse();

      List<Acked> acked = senders.acked();
      Acked fresh = firstFreshAck(acked, killedAt);
      long inFlightRecovered =
          acked.stream()
              .filter(a -> a.firstSentNanos() < killedAt && a.ackedNanos() > killedAt)
              .count();
      List<String> problems = new ArrayList<>();
      senders.checkEverySenderGotThrough(killedAt, problems);
      if (fresh.ackedNanos() < promotedAt) {
        problems.add(
            fresh.text()
                + " was acknowledged while no server was primary, "
                + millis(promotedAt - fresh.ackedNanos())
                + " ms before the promotion began");
      }
      Map<RoomId, List<ChatMessage>> stored = new HashMap<>();
      for (RoomId room : List.of(LOBBY, SIDE)) {
        stored.put(room, CrashChecks.readAll(store, room, problems));
      }
      FailoverChecks.Outcome outcome = FailoverChecks.check(acked, stored, problems);
      for (RoomId room : List.of(LOBBY, SIDE)) {
        List<ChatMessage> roomStored = stored.get(room);
        CrashChecks.awaitOrNote(
            problems,
            () -> watcher.lastSeq(room) >= roomStored.size(),
            () -> "the watcher to receive " + room + " up to seq " + roomStored.size());
        CrashChecks.Counts counts = CrashChecks.Counts.of(roomStored, watcher.messages(room));
        outcome.note("watcher in " + room + ": " + counts);
        if (!counts.perfect() || !watcher.gaps().isEmpty()) {
          problems.add("watcher in " + room + ": " + counts + ", gaps " + watcher.gaps());
        }
      }
      log.info(
          "PostgreSQL failover, promotion {} after the kill: kill {} ms, then waited {} ms, promotion {} ms; first acknowledgement of a send"
              + " made after the kill: {} ms after the kill ({} ms after the promotion ended);"
              + " {} sends in flight at the kill acknowledged after it; {} acknowledged in all"
              + " ({} before the kill), {} refused sends resent; {}",
          promotionDelay,
          millis(killedAt - killStarted),
          millis(promotedAt - killedAt),
          millis(promotedDone - promotedAt),
          millis(fresh.ackedNanos() - killedAt),
          millis(fresh.ackedNanos() - promotedDone),
          inFlightRecovered,
          acked.size(),
          ackedBefore,
          senders.refusals(),
          outcome);
      assertThat(problems).as(outcome.toString()).isEmpty();
    }
  }

  /** The first acknowledgement of a send first made after {@code killedAt}. */
  static Acked firstFreshAck(List<Acked> acked, long killedAt) {
    return acked.stream()
        .filter(a -> a.firstSentNanos() > killedAt)
        .min(Comparator.comparingLong(Acked::ackedNanos))
        .orElse(null);
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
