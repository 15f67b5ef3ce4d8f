package dev.parley.chat.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.testkit.cluster.RecordingClusterListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The Redis bus's meters (docs/metrics.md) on a real Redis: publishes, lease state, gauges. */
class RedisBusMetricsIT {
  @Test
  void publishesAndLeaseAreRecordedWhileTheBusRuns() throws Exception {
    RedisTestServer.requireRunning();
    String prefix = RedisTestServer.uniquePrefix();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try {
      RedisClusterBus sender =
          RedisClusterBus.builder()
              .uri(RedisTestServer.URI)
              .keyPrefix(prefix)
              .meterRegistry(registry)
              .build();
      RedisClusterBus receiver =
          RedisClusterBus.builder().uri(RedisTestServer.URI).keyPrefix(prefix).build();
      RecordingClusterListener heard = new RecordingClusterListener();
      receiver.start("receiver", heard);
      sender.start("sender", new RecordingClusterListener());
      assertThat(registry.get("parley.bus.lease.current").gauge().value()).isEqualTo(1.0);
      for (int seq = 1; seq <= 3; seq++) {
        sender.publishMessage(
            new ChatMessage(
                RoomId.of("metered"),
                seq,
                MessageId.of("m" + seq),
                UserId.of("alice"),
                ClientMessageId.of("c" + seq),
                Instant.ofEpochMilli(1_700_000_000_000L + seq),
                "hello",
                new byte[0]));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> heard.messages().size() == 3);
      // the join announcement and the three messages, each answered by Redis
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> registry.get("parley.bus.publish").tag("outcome", "ok").timer().count() >= 3);
      assertThat(registry.get("parley.bus.publish").tag("outcome", "failed").timer().count())
          .isZero();
      assertThat(registry.get("parley.bus.pending.events").gauge().value()).isZero();
      sender.close();
      receiver.close();
      assertThat(registry.find("parley.bus.lease.current").gauge()).isNull();
    } finally {
      RedisTestServer.deleteKeys(prefix);
    }
  }
}
