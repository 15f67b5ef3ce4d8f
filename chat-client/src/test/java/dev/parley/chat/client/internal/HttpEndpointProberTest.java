package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.client.EndpointProbe;
import dev.parley.chat.client.EndpointProbe.Status;
import dev.parley.chat.client.ProximityPolicy;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The prober against real HTTP servers on loopback; round trips on an injected nano clock. */
class HttpEndpointProberTest {
  private static final URI ENDPOINT = URI.create("ws://127.0.0.1:1/chat");
  private final ProbeServer server;
  private HttpEndpointProber prober;

  HttpEndpointProberTest() throws IOException {
    server = new ProbeServer();
  }

  @AfterEach
  void close() {
    if (prober != null) {
      prober.close();
    }
    server.close();
  }

  private EndpointProbe probe(ProximityPolicy policy, LongSupplier nanos) throws Exception {
    prober = new HttpEndpointProber(policy, null, nanos);
    return prober.probe(ENDPOINT).get(10, TimeUnit.SECONDS);
  }

  private ProximityPolicy policy() {
    return ProximityPolicy.byRoundTrip().probe(ENDPOINT, server.uri());
  }

  @Test
  void aReadyNodeIsHealthyWithItsLoadAndTheFastestSampleCounts() throws Exception {
    server.answer(200, Map.of("Parley-Connections", "3", "Parley-Max-Connections", "100"));
    // three samples of 30, 10 and 20 ms on the injected clock
    Deque<Long> ticks = new ArrayDeque<>(List.of(0L, 30L, 100L, 110L, 200L, 220L));
    EndpointProbe probe = probe(policy().samples(3), () -> ticks.removeFirst() * 1_000_000);

    assertThat(probe.status()).isEqualTo(Status.HEALTHY);
    assertThat(probe.roundTrip()).isEqualTo(Duration.ofMillis(10));
    assertThat(probe.connections()).isEqualTo(3);
    assertThat(probe.maxConnections()).isEqualTo(100);
    assertThat(probe.probeUri()).isEqualTo(server.uri());
    assertThat(server.requests()).isEqualTo(3);
  }

  @Test
  void aNodeThatSaysItIsSaturatedRanksAsSaturated() throws Exception {
    server.answer(
        200,
        Map.of(
            "Parley-Connections",
            "95",
            "Parley-Max-Connections",
            "100",
            "Parley-Saturated",
            "true"));
    EndpointProbe probe = probe(policy().samples(1), System::nanoTime);
    assertThat(probe.status()).isEqualTo(Status.SATURATED);
    assertThat(probe.connections()).isEqualTo(95);
  }

  @Test
  void aNodeAnswering503IsNotReadyAndGarbledLoadIsUnknown() throws Exception {
    server.answer(503, Map.of("Parley-Connections", "many", "Parley-Saturated", "false"));
    EndpointProbe probe = probe(policy().samples(1), System::nanoTime);
    assertThat(probe.status()).isEqualTo(Status.NOT_READY);
    assertThat(probe.roundTrip()).isNotNull();
    assertThat(probe.connections()).isEqualTo(-1);
    assertThat(probe.maxConnections()).isEqualTo(-1);
  }

  @Test
  void aClosedPortIsUnreachable() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    ProximityPolicy policy =
        ProximityPolicy.byRoundTrip()
            .probe(ENDPOINT, URI.create("http://127.0.0.1:" + port + "/readyz"));
    EndpointProbe probe = probe(policy, System::nanoTime);
    assertThat(probe.status()).isEqualTo(Status.UNREACHABLE);
    assertThat(probe.roundTrip()).isNull();
  }

  @Test
  void aNodeThatDoesNotAnswerWithinTheTimeoutIsUnreachable() throws Exception {
    server.hold();
    EndpointProbe probe =
        probe(policy().probeTimeout(Duration.ofMillis(200)).samples(1), System::nanoTime);
    assertThat(probe.status()).isEqualTo(Status.UNREACHABLE);
  }

  @Test
  void probeAllAnswersInTheOrderGiven() throws Exception {
    URI other = URI.create("ws://127.0.0.1:2/chat");
    server.answer(200, Map.of());
    prober =
        new HttpEndpointProber(
            policy().probe(other, server.uri()).samples(1), null, System::nanoTime);
    List<EndpointProbe> probes =
        prober.probeAll(List.of(other, ENDPOINT)).get(10, TimeUnit.SECONDS);
    assertThat(probes).extracting(EndpointProbe::endpoint).containsExactly(other, ENDPOINT);
  }
}
