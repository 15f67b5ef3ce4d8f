package dev.parley.chat.examples.demo;

import dev.parley.chat.server.PageHandler;
import dev.parley.chat.server.PageRequest;
import dev.parley.chat.server.PageResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Serves read-only files from one folder of the class path, such as the demo's web page under
 * {@code web/}. Thread-safe (immutable).
 *
 * <p>Only {@code GET} and {@code HEAD} are answered. A request path is served only if every segment
 * is a plain name (letters, digits, {@code .}, {@code _}, {@code -}; never {@code .} or {@code ..}
 * on its own) and its extension has a known content type; anything else is a 404, so no request can
 * reach a class-path resource outside the folder. A path ending in {@code /} serves that folder's
 * {@code index.html}.
 */
public final class StaticResourceHandler implements PageHandler {
  /** Content types by file extension; files of any other type are not served. */
  static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "json", "application/json",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "txt", "text/plain; charset=utf-8");

  /**
   * What the page may load: its own scripts and styles, and WebSockets to any host (the chat
   * endpoint listens on another port than the page).
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self' ws: wss:; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  /** A plain file or folder name that does not start with a dot: never ".", ".." or hidden. */
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

  private final ClassLoader classLoader;
  private final String folder;

  /**
   * A handler for the files in class-path folder {@code folder}, such as {@code "web"}.
   *
   * @param classLoader where to look the files up
   * @param folder a class-path folder, without leading or trailing slash
   */
  public StaticResourceHandler(ClassLoader classLoader, String folder) {
    this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
    Objects.requireNonNull(folder, "folder");
    if (folder.isEmpty() || folder.startsWith("/") || folder.endsWith("/")) {
      throw new IllegalArgumentException(
          "folder must be a class-path folder without leading or trailing '/', was '"
              + folder
              + "'");
    }
    this.folder = folder;
  }

  @Override
  public PageResponse handle(PageRequest request) throws IOException {
    String method = request.method();
    if (!"HEAD".equals(method) && !"GET".equals(method)) {
      return withSafetyHeaders(PageResponse.text(405, "method not allowed\n"))
          .withHeader("Allow", "GET, HEAD");
    }
    Optional<String> resource = request.relativePath().flatMap(StaticResourceHandler::resourceName);
    if (resource.isEmpty()) {
      return withSafetyHeaders(PageResponse.text(404, "not found\n"));
    }
    try (InputStream in = classLoader.getResourceAsStream(folder + "/" + resource.get())) {
      if (in == null) {
        return withSafetyHeaders(PageResponse.text(404, "not found\n"));
      }
      return withSafetyHeaders(
          PageResponse.of(200, CONTENT_TYPES.get(extension(resource.get())), in.readAllBytes()));
    }
  }

  /**
   * The file a request path names, relative to the folder, or empty if it names none this handler
   * may serve. Package-private for tests.
   */
  static Optional<String> resourceName(String relativePath) {
    if (relativePath == null) {
      return Optional.empty();
    }
    String path =
        relativePath.isEmpty() || relativePath.endsWith("/")
            ? relativePath + "index.html"
            : relativePath;
    String[] segments = path.split("/", -1);
    for (String segment : segments) {
      if (!SEGMENT.matcher(segment).matches()) {
        return Optional.empty();
      }
    }
    if (!CONTENT_TYPES.containsKey(extension(path))) {
      return Optional.empty();
    }
    return Optional.of(path);
  }

  private static String extension(String path) {
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    return dot > slash ? path.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
  }

  private static PageResponse withSafetyHeaders(PageResponse response) {
    return response
        .withHeader("Cache-Control", "no-cache")
        .withHeader("X-Content-Type-Options", "nosniff")
        .withHeader("Referrer-Policy", "no-referrer")
        .withHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  }
}
