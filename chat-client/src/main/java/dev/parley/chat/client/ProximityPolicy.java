package dev.parley.chat.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Ranks a session's endpoints by round-trip time instead of trying them in the order they were
 * added: set with {@link ChatClientBuilder#proximity(ProximityPolicy)}. Off unless set.
 *
 * <p><b>The probe.</b> Each endpoint is probed with {@code GET} on its node's HTTP side, {@code
 * /readyz} by default: {@link #samples(int)} requests in a row on one kept-alive connection, the
 * fastest counting, all endpoints at once, each bounded by {@link #probeTimeout(Duration)}. The
 * node answers 200 when ready, 503 when not (starting, draining, its store unreachable), and tells
 * its load in the headers {@value #CONNECTIONS_HEADER}, {@value #MAX_CONNECTIONS_HEADER} and
 * {@value #SATURATED_HEADER}.
 *
 * <p><b>Where the probe goes.</b> A node's HTTP side usually listens on another port than its
 * WebSocket. {@link #probe(URI, URI)} names an endpoint's probe URI; an endpoint without one is
 * probed by convention at {@link #conventionalProbeUri(URI)}: the same host, {@code http} for
 * {@code ws} and {@code https} for {@code wss}, the WebSocket port plus one (the server's default
 * HTTP port 7451 is next to its default WebSocket port 7450), path {@code /readyz}.
 *
 * <p><b>The ranking.</b> Healthy nodes first, fastest first; then saturated ones, fastest first;
 * then not-ready ones; then unreachable ones; ties keep the order the endpoints were added. The
 * session tries them in that order, and on each failed attempt moves on to the next.
 *
 * <p><b>When it ranks, and when it moves.</b> Before the first connect, and each time a connection
 * that had been welcomed ends (a drop, a GoAway, a dead heartbeat). A healthy connection is never
 * moved: when a faster node comes back, the session goes there on its next reconnect. Probing adds
 * at most the probe timeout to a (re)connect.
 *
 * <p>Immutable and thread-safe: each setter returns a new policy.
 */
public final class ProximityPolicy {
  /** Default for {@link #probeTimeout(Duration)}: 1 second. */
  public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(1);

  /** Default for {@link #samples(int)}: 3 requests per endpoint and ranking. */
  public static final int DEFAULT_SAMPLES = 3;

  /** The path probed by convention: the server's readiness check. */
  public static final String PROBE_PATH = "/readyz";

  /** Response header with the node's open sessions. */
  public static final String CONNECTIONS_HEADER = "Parley-Connections";

  /** Response header with the node's session limit. */
  public static final String MAX_CONNECTIONS_HEADER = "Parley-Max-Connections";

  /** Response header, {@code true} when the node is saturated and clients should go elsewhere. */
  public static final String SATURATED_HEADER = "Parley-Saturated";

  private final Map<URI, URI> probes;
  private final Duration probeTimeout;
  private final int samples;

  private ProximityPolicy(Map<URI, URI> probes, Duration probeTimeout, int samples) {
    this.probes = probes;
    this.probeTimeout = probeTimeout;
    this.samples = samples;
  }

  /** Ranks endpoints by round-trip time, with the defaults. */
  public static ProximityPolicy byRoundTrip() {
    return new ProximityPolicy(Map.of(), DEFAULT_PROBE_TIMEOUT, DEFAULT_SAMPLES);
  }

  /**
   * Probes {@code endpoint} at {@code probeUri}, an absolute {@code http://} or {@code https://}
   * URI (such as the node's {@code http://host:7451/readyz}, or the same path behind the region's
   * load balancer) instead of at the conventional one.
   *
   * @throws IllegalArgumentException if {@code probeUri} is not an absolute http(s) URI with a host
   * @throws IllegalStateException if {@code endpoint} already has a probe URI
   */
  public ProximityPolicy probe(URI endpoint, URI probeUri) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(probeUri, "probeUri");
    String scheme = probeUri.getScheme();
    if (probeUri.getHost() == null
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
      throw new IllegalArgumentException(
          "probe URI must be an absolute http:// or https:// URI with a host, was " + probeUri);
    }
    if (probes.containsKey(endpoint)) {
      throw new IllegalStateException(
          "endpoint "
              + endpoint
              + " already has the probe URI "
              + probes.get(endpoint)
              + "; give each endpoint one");
    }
    Map<URI, URI> copy = new LinkedHashMap<>(probes);
    copy.put(endpoint, probeUri);
    return new ProximityPolicy(Map.copyOf(copy), probeTimeout, samples);
  }

  /** How long probing one endpoint (all its samples) may take; a slower one is unreachable. */
  public ProximityPolicy probeTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("probeTimeout must be positive, was " + timeout);
    }
    return new ProximityPolicy(probes, timeout, samples);
  }

  /** Requests per endpoint per ranking, 1 to 10; the fastest counts, which evens out hiccups. */
  public ProximityPolicy samples(int count) {
    if (count < 1 || count > 10) {
      throw new IllegalArgumentException("samples must be between 1 and 10, was " + count);
    }
    return new ProximityPolicy(probes, probeTimeout, count);
  }

  /** The probe timeout. */
  public Duration probeTimeout() {
    return probeTimeout;
  }

  /** The samples per endpoint. */
  public int samples() {
    return samples;
  }

  /** The endpoints given a probe URI with {@link #probe(URI, URI)}, and their probe URIs. */
  public Map<URI, URI> probes() {
    return probes;
  }

  /** Where {@code endpoint} is probed: its own probe URI, else the conventional one. */
  public URI probeUri(URI endpoint) {
    URI given = probes.get(endpoint);
    return given != null ? given : conventionalProbeUri(endpoint);
  }

  /**
   * The conventional probe URI of a WebSocket endpoint: {@code ws://h:p/...} is probed at {@code
   * http://h:(p+1)/readyz}, {@code wss://h:p/...} at {@code https://h:(p+1)/readyz} (p defaults to
   * 80 and 443).
   *
   * @throws IllegalArgumentException if {@code endpoint} is not a ws:// or wss:// URI with a host
   */
  public static URI conventionalProbeUri(URI endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    String scheme = endpoint.getScheme();
    boolean secure = "wss".equalsIgnoreCase(scheme);
    if (endpoint.getHost() == null || !(secure || "ws".equalsIgnoreCase(scheme))) {
      throw new IllegalArgumentException(
          "no conventional probe URI for " + endpoint + ": not a ws:// or wss:// URI with a host");
    }
    int port = endpoint.getPort() >= 0 ? endpoint.getPort() : secure ? 443 : 80;
    try {
      return new URI(
          secure ? "https" : "http", null, endpoint.getHost(), port + 1, PROBE_PATH, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("no conventional probe URI for " + endpoint, e);
    }
  }

  @Override
  public String toString() {
    return "ProximityPolicy[probes="
        + probes
        + ", probeTimeout="
        + probeTimeout
        + ", samples="
        + samples
        + "]";
  }
}
