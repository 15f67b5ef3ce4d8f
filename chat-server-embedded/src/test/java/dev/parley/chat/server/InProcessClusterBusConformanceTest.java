package dev.parley.chat.server;

import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.testkit.cluster.ClusterBusConformanceSuite;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The cluster bus contract on the in-process bus: one {@link InProcessClusterBus.Network} per
 * cluster.
 */
class InProcessClusterBusConformanceTest extends ClusterBusConformanceSuite {
  private final Map<String, InProcessClusterBus.Network> networks = new HashMap<>();

  @Override
  protected ClusterBus newBus(String cluster) {
    return new InProcessClusterBus(
        networks.computeIfAbsent(
            cluster, c -> new InProcessClusterBus.Network(Duration.ofSeconds(2))));
  }

  @Override
  protected void crash(ClusterBus bus) {
    ((InProcessClusterBus) bus).crash();
  }
}
