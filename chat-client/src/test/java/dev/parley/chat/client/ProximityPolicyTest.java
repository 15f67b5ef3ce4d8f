package dev.parley.chat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProximityPolicyTest {
  private static final URI WS = URI.create("ws://eu.example.com:7450/chat");

  @Test
  void conventionalProbeIsTheNextPortOverHttpAtReadyz() {
    assertThat(ProximityPolicy.conventionalProbeUri(WS))
        .isEqualTo(URI.create("http://eu.example.com:7451/readyz"));
    assertThat(ProximityPolicy.conventionalProbeUri(URI.create("wss://us.example.com/chat")))
        .isEqualTo(URI.create("https://us.example.com:444/readyz"));
    assertThat(ProximityPolicy.byRoundTrip().probeUri(WS))
        .isEqualTo(URI.create("http://eu.example.com:7451/readyz"));
  }

  @Test
  void anExplicitProbeWinsAndEachSetterReturnsANewPolicy() {
    ProximityPolicy base = ProximityPolicy.byRoundTrip();
    URI probe = URI.create("https://lb.eu.example.com/readyz");
    ProximityPolicy mapped = base.probe(WS, probe).probeTimeout(Duration.ofMillis(300)).samples(5);
    assertThat(mapped.probeUri(WS)).isEqualTo(probe);
    assertThat(mapped.probeTimeout()).isEqualTo(Duration.ofMillis(300));
    assertThat(mapped.samples()).isEqualTo(5);
    assertThat(base.probes()).isEmpty();
    assertThat(base.probeTimeout()).isEqualTo(ProximityPolicy.DEFAULT_PROBE_TIMEOUT);
    assertThat(base.samples()).isEqualTo(ProximityPolicy.DEFAULT_SAMPLES);
  }

  @Test
  void badInputIsRefusedWithTheValueNamed() {
    ProximityPolicy policy = ProximityPolicy.byRoundTrip().probe(WS, URI.create("http://a:1/r"));
    assertThatThrownBy(() -> policy.probe(WS, URI.create("http://b:1/r")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already has the probe URI http://a:1/r");
    assertThatThrownBy(() -> policy.probe(WS, URI.create("ws://b:1/r")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ws://b:1/r");
    assertThatThrownBy(() -> policy.probe(WS, URI.create("/readyz")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.probeTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> policy.samples(0)).hasMessageContaining("was 0");
    assertThatThrownBy(() -> policy.samples(11)).hasMessageContaining("was 11");
    assertThatThrownBy(() -> ProximityPolicy.conventionalProbeUri(URI.create("http://a:1/chat")))
        .isInstanceOf(IllegalArgumentException.class);
    // the refused calls changed nothing
    assertThat(policy.probeUri(WS)).isEqualTo(URI.create("http://a:1/r"));
    assertThat(policy.probes()).hasSize(1);
  }

  @Test
  void theBuilderRefusesAProbeForAnEndpointItWasNotGiven() {
    ChatClientBuilder builder =
        ChatClient.builder()
            .endpoint(WS)
            .proximity(
                ProximityPolicy.byRoundTrip()
                    .probe(URI.create("ws://other:7450/chat"), URI.create("http://other:1/r")));
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ws://other:7450/chat")
        .hasMessageContaining("not an endpoint");
    assertThatThrownBy(() -> builder.proximity(null)).isInstanceOf(NullPointerException.class);
  }
}
