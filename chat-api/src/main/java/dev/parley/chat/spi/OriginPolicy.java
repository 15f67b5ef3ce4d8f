package dev.parley.chat.spi;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which web pages may open a WebSocket to the server: the defence against cross-site WebSocket
 * hijacking. A browser sends the page's origin ({@code Origin: https://chat.example.com}) with
 * every WebSocket upgrade and lets the page's script neither leave it out nor change it; a server
 * transport asks {@link #allows(String, String)} before it upgrades, and refuses with HTTP 403 when
 * the answer is no.
 *
 * <ul>
 *   <li>No {@code Origin} header: allowed under every policy. Browsers always send one, so the
 *       client is not a browser page (the Java client, a mobile app, a server); such a client could
 *       write any {@code Origin} it liked, so the header protects browsers' users only.
 *   <li>{@link #sameHost()} (the default): the origin's host must be the host the request was sent
 *       to (its {@code Host} header), on any port and scheme. A page served by the same machine
 *       name, such as the server's own HTTP side on the next port, may connect; a page of another
 *       site may not.
 *   <li>{@link #allowing(Collection)}: exactly the origins listed, nothing else (not even the same
 *       host). Origins compare without case and without the scheme's default port.
 *   <li>{@link #anyOrigin()}: every page of every site. Only for servers whose authentication no
 *       page can use by itself.
 * </ul>
 *
 * <p>The opaque origin {@code null} (sandboxed frames, {@code file:} pages) is refused except under
 * {@link #anyOrigin()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class OriginPolicy {
  private enum Mode {
    SAME_HOST,
    LISTED,
    ANY
  }

  private static final OriginPolicy SAME_HOST = new OriginPolicy(Mode.SAME_HOST, Set.of());
  private static final OriginPolicy ANY = new OriginPolicy(Mode.ANY, Set.of());

  private final Mode mode;
  private final Set<String> origins;

  private OriginPolicy(Mode mode, Set<String> origins) {
    this.mode = mode;
    this.origins = origins;
  }

  /** Pages whose origin's host is the host the upgrade was sent to; the default. */
  public static OriginPolicy sameHost() {
    return SAME_HOST;
  }

  /** Pages of any origin; the {@code Origin} header is not checked. */
  public static OriginPolicy anyOrigin() {
    return ANY;
  }

  /**
   * Pages of exactly these origins, each {@code scheme://host} or {@code scheme://host:port}, as a
   * browser writes them (for example {@code https://chat.example.com}).
   *
   * @throws IllegalArgumentException if the list is empty, or an entry is not an origin (a path, a
   *     query, user information or no host), with the entry named
   */
  public static OriginPolicy allowing(Collection<String> origins) {
    Objects.requireNonNull(origins, "origins");
    if (origins.isEmpty()) {
      throw new IllegalArgumentException(
          "no origin given: list at least one, such as https://chat.example.com");
    }
    Set<String> normalised = new LinkedHashSet<>();
    for (String origin : origins) {
      Objects.requireNonNull(origin, "origin");
      String n = normalise(origin);
      if (n == null) {
        throw new IllegalArgumentException(
            "'"
                + origin
                + "' is not an origin: write scheme://host or scheme://host:port, with no path,"
                + " such as https://chat.example.com");
      }
      normalised.add(n);
    }
    return new OriginPolicy(Mode.LISTED, Set.copyOf(normalised));
  }

  /**
   * Whether an upgrade may proceed.
   *
   * @param origin the request's {@code Origin} header, or {@code null} when it has none
   * @param host the request's {@code Host} header, or {@code null} when it has none
   */
  public boolean allows(String origin, String host) {
    if (origin == null || mode == Mode.ANY) {
      return true;
    }
    String normalised = normalise(origin);
    if (normalised == null) {
      return false; // "null", or not an origin at all
    }
    if (mode == Mode.LISTED) {
      return origins.contains(normalised);
    }
    String requested = hostOf(host);
    return requested != null && requested.equals(URI.create(normalised).getHost());
  }

  /** The origins allowed, normalised; empty unless built with {@link #allowing(Collection)}. */
  public Set<String> origins() {
    return origins;
  }

  /**
   * {@code scheme://host[:port]} in lower case without the scheme's default port, or null when
   * {@code text} is not an origin.
   */
  private static String normalise(String text) {
    String trimmed = text.trim();
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      return null;
    }
    if (uri.getScheme() == null
        || uri.getHost() == null
        || uri.getRawUserInfo() != null
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      return null;
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort =
        port == -1
            || (port == 80 && (scheme.equals("http") || scheme.equals("ws")))
            || (port == 443 && (scheme.equals("https") || scheme.equals("wss")));
    return scheme + "://" + host + (defaultPort ? "" : ":" + port);
  }

  /**
   * The host name of a {@code Host} header ({@code name}, {@code name:port}, {@code [v6]:port}).
   */
  private static String hostOf(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      String host = new URI("http://" + header.trim()).getHost();
      return host == null ? null : host.toLowerCase(Locale.ROOT);
    } catch (URISyntaxException e) {
      return null;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OriginPolicy other && mode == other.mode && origins.equals(other.origins);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, origins);
  }

  @Override
  public String toString() {
    return switch (mode) {
      case SAME_HOST -> "OriginPolicy.sameHost()";
      case ANY -> "OriginPolicy.anyOrigin()";
      case LISTED -> "OriginPolicy.allowing(" + origins + ")";
    };
  }
}
