package dev.parley.chat.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * What one probe of one endpoint found: whether the node can take a session, how long its HTTP side
 * took to answer, and the load it reported. Made by a session that ranks its endpoints with a
 * {@link ProximityPolicy}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param endpoint the WebSocket endpoint, as given to {@link ChatClientBuilder#endpoint(URI)}
 * @param probeUri the URI that was probed (the node's {@code /readyz})
 * @param status what the probe found
 * @param roundTrip the fastest of the probe's samples (request sent to answer headers), or {@code
 *     null} when the node did not answer
 * @param connections the node's open sessions as it reported them, or -1 if it did not say
 * @param maxConnections the node's session limit as it reported it, or -1 if it did not say
 */
public record EndpointProbe(
    URI endpoint,
    URI probeUri,
    Status status,
    Duration roundTrip,
    int connections,
    int maxConnections) {

  /** What a probe found, best first: the order in which statuses rank. */
  public enum Status {
    /** Answered 200 and is below its saturation threshold. */
    HEALTHY,
    /** Answered 200 but reported itself saturated: ranked after every healthy node. */
    SATURATED,
    /** Answered, but not 200 (not ready, draining, or an unexpected answer). */
    NOT_READY,
    /** No answer within the probe timeout, or the connection failed. */
    UNREACHABLE
  }

  /** Checks the fields. */
  public EndpointProbe {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(probeUri, "probeUri");
    Objects.requireNonNull(status, "status");
    if (status == Status.UNREACHABLE && roundTrip != null) {
      throw new IllegalArgumentException("an unreachable endpoint has no round trip time");
    }
    if (status != Status.UNREACHABLE && roundTrip == null) {
      throw new IllegalArgumentException("an endpoint that answered needs its round trip time");
    }
  }

  /** A short form for logs, such as {@code ws://a:7450/chat HEALTHY 12 ms (3/1000)}. */
  @Override
  public String toString() {
    return endpoint
        + " "
        + status
        + (roundTrip == null ? "" : " " + roundTrip.toMillis() + " ms")
        + (connections >= 0 ? " (" + connections + "/" + maxConnections + ")" : "");
  }
}
