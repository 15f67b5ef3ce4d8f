package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.client.EndpointProbe;
import dev.parley.chat.client.EndpointProbe.Status;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EndpointRankingTest {
  private static URI ws(int i) {
    return URI.create("ws://node" + i + ":7450/chat");
  }

  private static EndpointProbe probe(int i, Status status, Long millis) {
    return new EndpointProbe(
        ws(i),
        URI.create("http://node" + i + ":7451/readyz"),
        status,
        millis == null ? null : Duration.ofMillis(millis),
        -1,
        -1);
  }

  @Test
  void healthyFastestFirstThenSaturatedThenNotReadyThenUnreachable() {
    List<EndpointProbe> probes =
        List.of(
            probe(0, Status.UNREACHABLE, null),
            probe(1, Status.HEALTHY, 240L),
            probe(2, Status.SATURATED, 5L),
            probe(3, Status.HEALTHY, 80L),
            probe(4, Status.NOT_READY, 1L),
            probe(5, Status.HEALTHY, 10L));
    assertThat(EndpointRanking.order(probes))
        .containsExactly(ws(5), ws(3), ws(1), ws(2), ws(4), ws(0));
  }

  @Test
  void tiesKeepTheOrderTheEndpointsWereAdded() {
    List<EndpointProbe> probes =
        List.of(
            probe(0, Status.HEALTHY, 20L),
            probe(1, Status.HEALTHY, 20L),
            probe(2, Status.UNREACHABLE, null),
            probe(3, Status.UNREACHABLE, null));
    assertThat(EndpointRanking.order(probes)).containsExactly(ws(0), ws(1), ws(2), ws(3));
  }

  static LongStream seeds() {
    return LongStream.range(1, 41);
  }

  /** Random probe sets: the order is a permutation, by status, then round trip, then position. */
  @ParameterizedTest
  @MethodSource("seeds")
  void anyProbeSetIsRankedByStatusThenRoundTripThenPosition(long seed) {
    Random random = new Random(seed);
    int n = 1 + random.nextInt(8);
    List<EndpointProbe> probes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Status status = Status.values()[random.nextInt(Status.values().length)];
      probes.add(
          probe(i, status, status == Status.UNREACHABLE ? null : (long) random.nextInt(5) * 10));
    }
    List<URI> order = EndpointRanking.order(probes);
    assertThat(order)
        .containsExactlyInAnyOrderElementsOf(probes.stream().map(p -> p.endpoint()).toList());
    for (int k = 1; k < order.size(); k++) {
      EndpointProbe a = probes.get(indexOf(order.get(k - 1)));
      EndpointProbe b = probes.get(indexOf(order.get(k)));
      assertThat(a.status().ordinal()).isLessThanOrEqualTo(b.status().ordinal());
      if (a.status() == b.status() && a.roundTrip() != null) {
        assertThat(a.roundTrip()).isLessThanOrEqualTo(b.roundTrip());
        if (a.roundTrip().equals(b.roundTrip())) {
          assertThat(indexOf(a.endpoint())).isLessThan(indexOf(b.endpoint()));
        }
      }
    }
  }

  private static int indexOf(URI endpoint) {
    return Integer.parseInt(endpoint.getHost().substring("node".length()));
  }

  @Test
  void aRotationTakesANewOrderOnlyWithTheSameEndpoints() {
    EndpointRotation rotation = new EndpointRotation(List.of(ws(0), ws(1), ws(2)));
    rotation.advance();
    assertThatThrownBy(() -> rotation.reorder(List.of(ws(2), ws(0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not hold exactly the endpoints");
    assertThatThrownBy(() -> rotation.reorder(List.of(ws(2), ws(0), ws(7))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(rotation.current()).isEqualTo(ws(1)); // unchanged by the refused orders
    rotation.reorder(List.of(ws(2), ws(0), ws(1)));
    assertThat(rotation.current()).isEqualTo(ws(2));
    rotation.advance();
    assertThat(rotation.current()).isEqualTo(ws(0));
  }

  @Test
  void aProbeThatAnsweredNeedsItsRoundTripAndAnUnreachableOneHasNone() {
    assertThatThrownBy(() -> probe(0, Status.HEALTHY, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> probe(0, Status.UNREACHABLE, 5L))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
