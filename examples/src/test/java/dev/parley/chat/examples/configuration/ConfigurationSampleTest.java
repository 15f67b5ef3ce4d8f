package dev.parley.chat.examples.configuration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.client.ChatClient;
import dev.parley.chat.server.ChatServer;
import org.junit.jupiter.api.Test;

/** The documented configurations are accepted by the builders as they stand. */
class ConfigurationSampleTest {
  @Test
  void theServerConfigurationBuilds() {
    try (ChatServer server = ConfigurationSample.server("a secret of at least thirty-two bytes")) {
      assertThat(server.isReady()).isFalse();
    }
  }

  @Test
  void theClientConfigurationBuilds() {
    try (ChatClient client = ConfigurationSample.client(Runnable::run)) {
      assertThat(client).isNotNull();
    }
  }

  @Test
  void theRegionalClientConfigurationBuilds() {
    try (ChatClient client = ConfigurationSample.regionalClient()) {
      assertThat(client).isNotNull();
    }
  }
}
