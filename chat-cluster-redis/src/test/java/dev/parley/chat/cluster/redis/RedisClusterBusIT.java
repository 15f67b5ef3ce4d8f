package dev.parley.chat.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.testkit.cluster.RecordingClusterListener;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder's checks, a start without Redis, and what a closed bus leaves running. */
class RedisClusterBusIT {
  @Test
  void builderRefusesBadSettingsWithMessagesThatSayWhy() {
    assertThatThrownBy(() -> RedisClusterBus.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("uri(");
    assertThatThrownBy(() -> RedisClusterBus.builder().uri("http://user:secret@host"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis://")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> RedisClusterBus.builder().keyPrefix("has space"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'has space'");
    assertThatThrownBy(() -> RedisClusterBus.builder().keyPrefix(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisClusterBus.builder().leaseTime(Duration.ofMillis(299)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT0.299S");
    assertThatThrownBy(() -> RedisClusterBus.builder().uri("redis-sentinel://127.0.0.1:26379/0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("#mymaster");
    try (RedisClusterBus sentinel =
        RedisClusterBus.builder()
            .uri("redis-sentinel://127.0.0.1:26379,127.0.0.1:26380/0#mymaster")
            .build()) {
      assertThat(sentinel.isHealthy()).as("accepted; nothing connects before start").isFalse();
    }
    RedisClusterBus bus =
        RedisClusterBus.builder().uri(URI.create("redis://127.0.0.1:6379")).build();
    assertThat(bus.leaseTime()).isEqualTo(RedisClusterBusBuilder.DEFAULT_LEASE_TIME);
    assertThat(bus.isHealthy()).isFalse();
    assertThat(bus.presence(RoomId.of("r"))).isCompletedExceptionally();
    bus.close();
  }

  @Test
  void startWithoutRedisFailsAndMayBeTriedAgainOnceRedisIsBack() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      redis.kill();
      RedisClusterBus bus =
          RedisClusterBus.builder().uri(redis.uri()).leaseTime(Duration.ofSeconds(1)).build();
      RecordingClusterListener listener = new RecordingClusterListener();
      assertThatThrownBy(() -> bus.start("lonely", listener))
          .isInstanceOf(RedisClusterBusException.class)
          .hasMessageContaining(redis.uri().substring("redis://".length()));
      assertThat(bus.isHealthy()).isFalse();
      awaitNoBusThreads(); // a failed start leaves nothing running
      redis.restart();
      bus.start("lonely", listener);
      await().atMost(Duration.ofSeconds(30)).until(bus::isHealthy);
      assertThatThrownBy(() -> bus.start("lonely", listener))
          .isInstanceOf(IllegalStateException.class);
      bus.close();
      awaitNoBusThreads();
    }
  }

  @Test
  void closeStopsEveryThreadTheBusStarted() throws Exception {
    RedisTestServer.requireRunning();
    String prefix = RedisTestServer.uniquePrefix();
    try {
      RedisClusterBus first =
          RedisClusterBus.builder().uri(RedisTestServer.URI).keyPrefix(prefix).build();
      RedisClusterBus second =
          RedisClusterBus.builder().uri(RedisTestServer.URI).keyPrefix(prefix).build();
      first.start("first", new RecordingClusterListener());
      second.start("second", new RecordingClusterListener());
      assertThat(busThreads()).isNotEmpty();
      first.close();
      second.close();
      awaitNoBusThreads();
    } finally {
      RedisTestServer.deleteKeys(prefix);
    }
  }

  private static void awaitNoBusThreads() {
    await("bus threads to end after close")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> assertThat(busThreads()).as("threads left running").isEmpty());
  }

  private static List<String> busThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("lettuce-") || name.startsWith("parley-redis-bus-"))
        .toList();
  }
}
