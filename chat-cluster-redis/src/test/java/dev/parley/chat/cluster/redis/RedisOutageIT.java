package dev.parley.chat.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.ClusterBus.RemotePresence;
import dev.parley.chat.testkit.cluster.RecordingClusterListener;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis dies ({@code SIGKILL}) under two running nodes and comes back empty on the same port: the
 * nodes report the outage, keep publishing without blocking or throwing, and afterwards resync,
 * write their presence anew and hear each other again.
 */
class RedisOutageIT {
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final RoomId ROOM = RoomId.of("outage-room");

  private RedisServerProcess redis;
  private RedisClusterBus a;
  private RedisClusterBus b;
  private final RecordingClusterListener heardByA = new RecordingClusterListener();
  private final RecordingClusterListener heardByB = new RecordingClusterListener();

  @BeforeEach
  void startRedisAndNodes() throws Exception {
    redis = RedisServerProcess.start();
    a = bus();
    b = bus();
    a.start("a", heardByA);
    b.start("b", heardByB);
  }

  @AfterEach
  void stopEverything() throws Exception {
    try {
      if (a != null) {
        a.close();
      }
      if (b != null) {
        b.close();
      }
    } finally {
      redis.close();
    }
  }

  private RedisClusterBus bus() {
    return RedisClusterBus.builder().uri(redis.uri()).keyPrefix("outage").leaseTime(LEASE).build();
  }

  @Test
  void nodesReportTheOutageAndRecoverWhenRedisComesBackEmpty() throws Exception {
    a.publishPresence(ROOM, UserId.of("alice"), true);
    Set<RemotePresence> alice = Set.of(new RemotePresence("a", UserId.of("alice")));
    await("b reads alice on a", () -> alice.equals(presenceOrNull(b)));

    redis.kill();
    await("both nodes report the outage", () -> !a.isHealthy() && !b.isHealthy());

    long before = System.nanoTime();
    assertThatCode(
            () -> {
              for (int i = 1; i <= 1_000; i++) {
                a.publishMessage(message(i));
                b.publishPresence(ROOM, UserId.of("bob"), i % 2 == 0);
              }
            })
        .doesNotThrowAnyException();
    // Publishing must not wait for Redis. The bound is loose on purpose, so that a busy machine
    // does not fail it: a publish that waited for a reconnect attempt or a command timeout would
    // take at least tens of milliseconds, and 2,000 of them far longer than this.
    assertThat(Duration.ofNanos(System.nanoTime() - before))
        .as("2,000 publishes during the outage")
        .isLessThan(TIMEOUT);
    CompletableFuture<Set<RemotePresence>> duringOutage = b.presence(ROOM);
    await("presence fails during the outage", duringOutage::isDone);
    assertThat(duringOutage).isCompletedExceptionally();

    int resyncsBefore = heardByB.resyncs();
    redis.restart();
    await("both nodes are healthy again", () -> a.isHealthy() && b.isHealthy());
    await("b asks to resync", () -> heardByB.resyncs() > resyncsBefore);
    await("a asks to resync", () -> heardByA.resyncs() > 0);
    await("b reads alice on a again, written anew", () -> alice.equals(presenceOrNull(b)));

    ChatMessage after = message(5_000);
    a.publishMessage(after);
    await("b hears a's message after the outage", () -> heardByB.messages().contains(after));
    assertThat(heardByA.nodesDown()).as("a short outage drops no node").isEmpty();
    assertThat(heardByB.nodesDown()).as("a short outage drops no node").isEmpty();
  }

  @Test
  void closingDuringAnOutageReturnsPromptly() throws Exception {
    redis.kill();
    await("a reports the outage", () -> !a.isHealthy());
    long before = System.nanoTime();
    a.close();
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(LEASE.plusSeconds(5));
    assertThat(a.isHealthy()).isFalse();
  }

  private static Set<RemotePresence> presenceOrNull(RedisClusterBus bus) {
    try {
      return bus.presence(ROOM).get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static ChatMessage message(long seq) {
    return new ChatMessage(
        ROOM,
        seq,
        MessageId.of("m" + seq),
        UserId.of("alice"),
        ClientMessageId.of("c" + seq),
        Instant.ofEpochMilli(1_700_000_000_000L + seq),
        "text " + seq,
        new byte[0]);
  }

  private static void await(String what, BooleanSupplier condition) {
    Awaitility.await(what)
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(10))
        .until(condition::getAsBoolean);
  }
}
