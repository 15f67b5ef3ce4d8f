package dev.parley.chat.cluster.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BusConfigTest {
  @Test
  void whereNamesTheServerWithoutThePassword() {
    assertThat(config("redis://:secret@10.0.0.7:6380/2").where()).isEqualTo("10.0.0.7:6380");
  }

  @Test
  void whereNamesTheSentinelMasterAndEverySentinelWithoutThePassword() {
    String where = config("redis-sentinel://secret@10.0.0.1:26379,10.0.0.2:26380/0#chat").where();
    assertThat(where)
        .isEqualTo("the primary of chat per Sentinel 10.0.0.1:26379,10.0.0.2:26380")
        .doesNotContain("secret");
  }

  private static BusConfig config(String uri) {
    return new BusConfig(RedisURI.create(uri), "p", Duration.ofSeconds(3), Clock.systemUTC());
  }
}
