package dev.parley.chat.cluster.redis;

import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.testkit.cluster.ClusterBusConformanceSuite;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;

/**
 * The cluster bus contract on the local Redis, one new key prefix per cluster. Fails in CI and
 * skips elsewhere when Redis is not running (see {@link RedisTestServer}).
 */
class RedisClusterBusConformanceIT extends ClusterBusConformanceSuite {
  private final String run = RedisTestServer.uniquePrefix();
  private final Set<String> prefixes = new HashSet<>();

  @Override
  protected ClusterBus newBus(String cluster) {
    RedisTestServer.requireRunning();
    String prefix = run + ":" + cluster;
    prefixes.add(prefix);
    return RedisClusterBus.builder()
        .uri(RedisTestServer.URI)
        .keyPrefix(prefix)
        .leaseTime(Duration.ofSeconds(2))
        .build();
  }

  @Override
  protected void crash(ClusterBus bus) {
    ((RedisClusterBus) bus).crash();
  }

  /** Closes the buses, then deletes whatever a crashed one left in Redis. */
  @AfterEach
  @Override
  protected void closeBuses() {
    super.closeBuses();
    for (String prefix : prefixes) {
      RedisTestServer.deleteKeys(prefix);
    }
  }
}
