package dev.parley.chat.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An HTTP request for a {@link PageHandler}: the request line and headers (the HTTP side reads no
 * request bodies). Immutable and thread-safe.
 *
 * @param method the request method, such as {@code GET}
 * @param mountPath the path the handler was registered under, such as {@code /web}
 * @param path the request's path, decoded, such as {@code /web/app.js}
 * @param query the request's raw query without {@code ?}, or the empty string
 * @param headers the request headers, names in lower case
 */
public record PageRequest(
    String method, String mountPath, String path, String query, Map<String, List<String>> headers) {

  /** Copies the headers, with lower-case names; checks for nulls. */
  public PageRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(mountPath, "mountPath");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(query, "query");
    Map<String, List<String>> lower = new TreeMap<>();
    headers.forEach(
        (name, values) ->
            lower
                .computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                .addAll(values));
    lower.replaceAll((name, values) -> List.copyOf(values));
    headers = Map.copyOf(lower);
  }

  /** The first value of header {@code name} (any case), if it was sent. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * The request path below {@link #mountPath()}, without a leading {@code /}: {@code "app.js"} for
   * {@code /web/app.js} under {@code /web}, {@code ""} for {@code /web} itself; empty if the path
   * is not below the mount path (the HTTP side matches mount paths as plain prefixes, so {@code
   * /webpage} also reaches the handler of {@code /web}).
   */
  public Optional<String> relativePath() {
    if (!path.startsWith(mountPath)) {
      return Optional.empty();
    }
    String rest = path.substring(mountPath.length());
    if (rest.startsWith("/")) {
      return Optional.of(rest.substring(1));
    }
    if (!rest.isEmpty() && !mountPath.endsWith("/")) {
      return Optional.empty();
    }
    return Optional.of(rest);
  }
}
