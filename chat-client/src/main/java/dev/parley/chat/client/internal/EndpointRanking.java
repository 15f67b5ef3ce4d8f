package dev.parley.chat.client.internal;

import dev.parley.chat.client.EndpointProbe;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Orders endpoints by what their probes found: healthy first, then saturated, then not ready, then
 * unreachable; within each, the shortest round trip first; ties keep the order given. A pure
 * function, thread-safe.
 */
final class EndpointRanking {
  private EndpointRanking() {}

  /** The endpoints of {@code probes} (given in the builder's order), best first. */
  static List<URI> order(List<EndpointProbe> probes) {
    List<Ranked> ranked = new ArrayList<>(probes.size());
    for (int i = 0; i < probes.size(); i++) {
      ranked.add(new Ranked(probes.get(i), i));
    }
    ranked.sort(
        Comparator.comparingInt((Ranked r) -> r.probe.status().ordinal())
            .thenComparing(r -> r.probe.roundTrip(), Comparator.nullsLast(Duration::compareTo))
            .thenComparingInt(r -> r.index));
    List<URI> order = new ArrayList<>(ranked.size());
    for (Ranked r : ranked) {
      order.add(r.probe.endpoint());
    }
    return List.copyOf(order);
  }

  private record Ranked(EndpointProbe probe, int index) {}
}
