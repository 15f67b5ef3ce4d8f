package dev.parley.chat.transport.netty.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses a connection's subprotocol from the client's {@code Sec-WebSocket-Protocol} headers, in
 * the server's order of preference. Immutable and thread-safe.
 *
 * <ul>
 *   <li>The client names some offered subprotocols: the first of them in the server's order, named
 *       in the answer's header.
 *   <li>The client names none: the server's first, and no header in the answer (RFC 6455 4.2.2: the
 *       server must not name a subprotocol the client did not ask for).
 *   <li>The client names only unknown ones: no choice; the upgrade is refused.
 * </ul>
 */
final class SubprotocolSelector {

  /**
   * The outcome of a negotiation.
   *
   * @param subprotocol what the connection speaks
   * @param announced whether the answer names it in a {@code Sec-WebSocket-Protocol} header
   */
  record Choice(String subprotocol, boolean announced) {}

  private final List<String> offered;

  /** {@code offered}: the server's subprotocols, most preferred first; not empty. */
  SubprotocolSelector(List<String> offered) {
    if (offered.isEmpty()) {
      throw new IllegalArgumentException("at least one subprotocol must be offered");
    }
    this.offered = List.copyOf(offered);
  }

  /**
   * Chooses for a request whose {@code Sec-WebSocket-Protocol} headers are {@code headerValues}
   * (each a comma-separated list; empty when the request has none).
   *
   * @return the choice, or {@code null} if the client asked only for subprotocols not offered
   */
  Choice choose(List<String> headerValues) {
    Set<String> requested = new HashSet<>();
    for (String value : headerValues) {
      for (String token : value.split(",")) {
        String name = token.trim();
        if (!name.isEmpty()) {
          requested.add(name);
        }
      }
    }
    if (requested.isEmpty()) {
      return new Choice(offered.get(0), false);
    }
    for (String candidate : offered) {
      if (requested.contains(candidate)) {
        return new Choice(candidate, true);
      }
    }
    return null;
  }
}
