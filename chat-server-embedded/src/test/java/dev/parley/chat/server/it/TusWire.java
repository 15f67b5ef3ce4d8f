package dev.parley.chat.server.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Supplier;

/** The tus requests of the upload tests, over the JDK's HTTP client, as raw as they are sent. */
final class TusWire {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final URI base;

  /**
   * @param base the HTTP side, e.g. {@code http://127.0.0.1:1234/}
   */
  TusWire(URI base) {
    this.base = base;
  }

  URI uploads() {
    return base.resolve("/chat/uploads");
  }

  HttpResponse<String> create(String user, long length, String filename, String filetype)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        request(uploads(), user).POST(HttpRequest.BodyPublishers.noBody());
    request.header("Upload-Length", Long.toString(length));
    StringBuilder metadata = new StringBuilder();
    if (filename != null) {
      metadata.append("filename ").append(b64(filename));
    }
    if (filetype != null) {
      metadata.append(metadata.length() > 0 ? "," : "").append("filetype ").append(b64(filetype));
    }
    if (metadata.length() > 0) {
      request.header("Upload-Metadata", metadata.toString());
    }
    return send(request.build());
  }

  /** The upload's URI from a creation's answer. */
  URI location(HttpResponse<String> created) {
    return base.resolve(created.headers().firstValue("Location").orElseThrow());
  }

  HttpResponse<String> head(URI upload, String user) throws IOException, InterruptedException {
    return send(request(upload, user).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
  }

  long offset(URI upload, String user) throws IOException, InterruptedException {
    return Long.parseLong(head(upload, user).headers().firstValue("Upload-Offset").orElseThrow());
  }

  HttpResponse<String> patch(URI upload, String user, long offset, byte[] bytes)
      throws IOException, InterruptedException {
    return patch(upload, user, offset, HttpRequest.BodyPublishers.ofByteArray(bytes));
  }

  HttpResponse<String> patch(URI upload, String user, long offset, HttpRequest.BodyPublisher body)
      throws IOException, InterruptedException {
    return send(
        request(upload, user)
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", Long.toString(offset))
            .method("PATCH", body)
            .build());
  }

  /** A PATCH whose body streams from {@code body}, with no declared length (chunked). */
  HttpResponse<String> patchStream(URI upload, String user, long offset, Supplier<InputStream> body)
      throws IOException, InterruptedException {
    return patch(upload, user, offset, HttpRequest.BodyPublishers.ofInputStream(body));
  }

  HttpResponse<String> delete(URI upload, String user) throws IOException, InterruptedException {
    return send(request(upload, user).DELETE().build());
  }

  HttpResponse<String> get(URI upload, String user) throws IOException, InterruptedException {
    return send(request(upload, user).GET().build());
  }

  /**
   * Uploads {@code bytes} in chunks of {@code chunk} bytes; returns the final PATCH's answer (or
   * the first refusal).
   */
  HttpResponse<String> upload(
      String user, byte[] bytes, String filename, String filetype, int chunk)
      throws IOException, InterruptedException {
    HttpResponse<String> created = create(user, bytes.length, filename, filetype);
    if (created.statusCode() != 201) {
      return created;
    }
    URI upload = location(created);
    HttpResponse<String> last = created;
    for (int offset = 0; offset < bytes.length; offset += chunk) {
      int end = Math.min(bytes.length, offset + chunk);
      byte[] part = java.util.Arrays.copyOfRange(bytes, offset, end);
      last = patch(upload, user, offset, part);
      if (last.statusCode() != 204) {
        return last;
      }
    }
    return last;
  }

  HttpRequest.Builder request(URI uri, String user) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Tus-Resumable", "1.0.0");
    if (user != null) {
      builder.header("Authorization", "Bearer " + user);
    }
    return builder;
  }

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  static String b64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
