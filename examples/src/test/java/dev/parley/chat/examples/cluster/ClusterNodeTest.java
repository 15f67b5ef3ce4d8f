package dev.parley.chat.examples.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A node's options come from the command line, then PARLEY_* variables, then built-in defaults. */
class ClusterNodeTest {
  @Test
  void eachOptionHasAnEnvironmentVariableNamedAfterIt() {
    assertThat(ClusterNode.environmentVariable("--http-port")).isEqualTo("PARLEY_HTTP_PORT");
    assertThat(ClusterNode.environmentVariables())
        .containsExactlyInAnyOrder(
            "PARLEY_HOST",
            "PARLEY_PORT",
            "PARLEY_HTTP_PORT",
            "PARLEY_REDIS",
            "PARLEY_JDBC_URL",
            "PARLEY_DB_USER",
            "PARLEY_DB_PASSWORD",
            "PARLEY_NODE_ID",
            "PARLEY_KEY_PREFIX",
            "PARLEY_AMQP_URI",
            "PARLEY_EVENTS_EXCHANGE",
            "PARLEY_EVENT_LEASE_TTL");
    assertThatThrownBy(() -> ClusterNode.environmentVariable("port"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'port'");
  }

  @Test
  void withoutEnvironmentTheBuiltInDefaultsApply() {
    ClusterNode node = parse(Map.of());
    assertThat(node.host).isEqualTo("127.0.0.1");
    assertThat(node.port).isEqualTo(7450);
    assertThat(node.httpPort).isEqualTo(7451);
    assertThat(node.redis).isEqualTo(ClusterNode.DEFAULT_REDIS);
    assertThat(node.jdbcUrl).isEqualTo(ClusterNode.DEFAULT_JDBC_URL);
    assertThat(node.dbUser).isEqualTo("postgres");
    assertThat(node.dbPassword).isEmpty();
    assertThat(node.nodeId).isNull();
    assertThat(node.keyPrefix).isEqualTo("parley");
    assertThat(node.amqpUri).as("events are off").isNull();
    assertThat(node.eventsExchange).isEqualTo("parley.events");
    assertThat(node.eventLeaseTtl)
        .isEqualTo(ClusterNode.DEFAULT_EVENT_LEASE_TTL)
        .isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void theHelpShowsTheEventOptions() {
    String help = ClusterNode.commandLine(new ClusterNode(), Map.of()).getUsageMessage();
    assertThat(help)
        .contains("--amqp-uri", "amqp://guest:guest@127.0.0.1:5672/%2f")
        .contains("--events-exchange", "parley.events).")
        .contains("--event-lease-ttl", "default: 15s).");
  }

  @Test
  void eventOptionsComeFromTheEnvironmentOrTheCommandLine() {
    ClusterNode node =
        parse(
            Map.of(
                "PARLEY_AMQP_URI", "amqp://guest:guest@rabbit:5672/%2f",
                "PARLEY_EVENTS_EXCHANGE", "from.environment"),
            "--events-exchange",
            "chat.events",
            "--event-lease-ttl",
            "2s");
    assertThat(node.amqpUri).isEqualTo("amqp://guest:guest@rabbit:5672/%2f");
    assertThat(node.eventsExchange).isEqualTo("chat.events");
    assertThat(node.eventLeaseTtl).isEqualTo(Duration.ofSeconds(2));
    assertThat(ClusterNode.withoutUserInfo(node.amqpUri))
        .isEqualTo("amqp://rabbit:5672/%2f")
        .doesNotContain("guest");
  }

  @Test
  void leaseTimesAreReadWithAUnitOrInIso8601AndMustBePositive() {
    assertThat(parse(Map.of("PARLEY_EVENT_LEASE_TTL", "500ms")).eventLeaseTtl)
        .isEqualTo(Duration.ofMillis(500));
    assertThat(parse(Map.of(), "--event-lease-ttl", "2m").eventLeaseTtl)
        .isEqualTo(Duration.ofMinutes(2));
    assertThat(parse(Map.of(), "--event-lease-ttl", "PT1.5S").eventLeaseTtl)
        .isEqualTo(Duration.ofMillis(1500));
    for (String wrong : new String[] {"0s", "-PT1S", "soon", "99999999999999999999s"}) {
      assertThatThrownBy(() -> parse(Map.of(), "--event-lease-ttl", wrong))
          .as(wrong)
          .isInstanceOf(CommandLine.ParameterException.class)
          .hasMessageContaining(wrong);
    }
  }

  @Test
  void theEnvironmentSetsOptionsAndTheCommandLineWins() {
    ClusterNode node =
        parse(
            Map.of(
                "PARLEY_PORT", "9000",
                "PARLEY_REDIS", "redis://cache:6380",
                "PARLEY_NODE_ID", "from-environment",
                "UNRELATED", "ignored"),
            "--node-id",
            "from-command-line");
    assertThat(node.port).isEqualTo(9000);
    assertThat(node.redis).isEqualTo("redis://cache:6380");
    assertThat(node.nodeId).isEqualTo("from-command-line");
    assertThat(node.httpPort).isEqualTo(7451);
  }

  static ClusterNode parse(Map<String, String> environment, String... args) {
    ClusterNode node = new ClusterNode();
    ClusterNode.commandLine(node, environment).parseArgs(args);
    return node;
  }
}
