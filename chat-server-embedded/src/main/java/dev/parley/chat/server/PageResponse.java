package dev.parley.chat.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link PageHandler}'s complete answer: status, content type, body and extra headers. Immutable
 * and thread-safe (the body is copied in and out).
 *
 * @param status the HTTP status, 100 to 599
 * @param contentType the {@code Content-Type}, such as {@code text/html; charset=utf-8}
 * @param body the body; empty for none
 * @param headers further response headers by name, such as {@code Cache-Control}; not {@code
 *     Content-Type} (see {@code contentType}) and not {@code Content-Length} or {@code
 *     Transfer-Encoding} (the server sets them)
 */
public record PageResponse(
    int status, String contentType, byte[] body, Map<String, String> headers) {
  private static final Set<String> RESERVED =
      Set.of("content-type", "content-length", "transfer-encoding");

  /** Validates and copies. */
  public PageResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100 to 599, was " + status);
    }
    Objects.requireNonNull(contentType, "contentType");
    body = body.clone();
    for (String name : headers.keySet()) {
      if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "header "
                + name
                + " is set by the server; "
                + (name.equalsIgnoreCase("content-type")
                    ? "pass the content type as contentType"
                    : "leave it out"));
      }
    }
    headers = Map.copyOf(headers);
  }

  /** A response without extra headers. */
  public static PageResponse of(int status, String contentType, byte[] body) {
    return new PageResponse(status, contentType, body, Map.of());
  }

  /** A plain-text response ({@code text/plain; charset=utf-8}). */
  public static PageResponse text(int status, String text) {
    return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  /** This response with header {@code name} set to {@code value} (replacing an earlier value). */
  public PageResponse withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return new PageResponse(status, contentType, body, more);
  }

  /** A copy of the body. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PageResponse that
        && status == that.status
        && contentType.equals(that.contentType)
        && Arrays.equals(body, that.body)
        && headers.equals(that.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, contentType, Arrays.hashCode(body), headers);
  }

  @Override
  public String toString() {
    return "PageResponse[status="
        + status
        + ", contentType="
        + contentType
        + ", "
        + body.length
        + " bytes, headers="
        + headers
        + "]";
  }
}
