package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The connection and socket timeouts: what the builder refuses, and what the driver is told. */
class StoreTimeoutsTest {
  @Test
  void timeoutsBelowOneSecondAreRefusedWithTheValue() {
    assertThatThrownBy(() -> JdbcMessageStore.builder().connectionTimeout(Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connectionTimeout")
        .hasMessageContaining("PT0.5S");
    assertThatThrownBy(() -> JdbcMessageStore.builder().socketTimeout(Duration.ofSeconds(-3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("socketTimeout")
        .hasMessageContaining("PT-3S");
    assertThatThrownBy(() -> JdbcMessageStore.builder().connectionTimeout(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void theDriverGetsTheDefaultsInSeconds() {
    Map<String, String> settings = JdbcMessageStore.postgresTimeouts(JdbcMessageStore.builder());
    assertThat(settings)
        .containsEntry("loginTimeout", "10")
        .containsEntry("connectTimeout", "5")
        .containsEntry("socketTimeout", "30")
        .containsEntry("tcpKeepAlive", "true")
        .containsEntry("hostRecheckSeconds", "2");
  }

  @Test
  void theDriverGetsTheChosenTimeoutsAndZeroMeansNoSocketTimeout() {
    Map<String, String> settings =
        JdbcMessageStore.postgresTimeouts(
            JdbcMessageStore.builder()
                .connectionTimeout(Duration.ofSeconds(3))
                .socketTimeout(Duration.ZERO));
    assertThat(settings)
        .containsEntry("loginTimeout", "3")
        .containsEntry("connectTimeout", "3")
        .containsEntry("socketTimeout", "0");
  }
}
