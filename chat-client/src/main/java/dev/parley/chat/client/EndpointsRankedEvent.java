package dev.parley.chat.client;

import java.net.URI;
import java.util.List;

/**
 * A session with a {@link ProximityPolicy} probed its endpoints and ranked them: the next attempts
 * go to {@link #order()}, first to last.
 *
 * <p>Immutable and thread-safe.
 *
 * @param probes what each endpoint's probe found, in the order the endpoints were added
 * @param order the endpoints in the order the session will try them
 */
public record EndpointsRankedEvent(List<EndpointProbe> probes, List<URI> order) {
  /** Copies the lists. */
  public EndpointsRankedEvent {
    probes = List.copyOf(probes);
    order = List.copyOf(order);
  }
}
