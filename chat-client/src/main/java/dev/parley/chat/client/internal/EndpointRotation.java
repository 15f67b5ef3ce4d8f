package dev.parley.chat.client.internal;

import java.net.URI;
import java.util.List;

/**
 * The session's endpoints in the order the builder got them (or, with a proximity policy, in the
 * order of the last ranking), and which one is next. A failed attempt or a GoAway moves on to the
 * next, wrapping around. Not thread-safe: guarded by the session's lock.
 */
final class EndpointRotation {
  private List<URI> endpoints;
  private int index;

  EndpointRotation(List<URI> endpoints) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one endpoint is required");
    }
    this.endpoints = List.copyOf(endpoints);
  }

  /** Tries the same endpoints in {@code order} from now on, starting with its first. */
  void reorder(List<URI> order) {
    if (order.size() != endpoints.size() || !order.containsAll(endpoints)) {
      throw new IllegalArgumentException(
          "the new order " + order + " does not hold exactly the endpoints " + endpoints);
    }
    endpoints = List.copyOf(order);
    index = 0;
  }

  URI current() {
    return endpoints.get(index);
  }

  void advance() {
    index = (index + 1) % endpoints.size();
  }

  int size() {
    return endpoints.size();
  }

  @Override
  public String toString() {
    return endpoints.toString();
  }
}
