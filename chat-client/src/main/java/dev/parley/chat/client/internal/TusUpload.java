package dev.parley.chat.client.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.client.UploadedFile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upload with the tus 1.0.0 protocol (creation and termination extensions), run to its end on
 * one upload thread:
 *
 * <pre>
 *  POST uploads ──► 201 Location ──► PATCH chunk ──► 204 Upload-Offset ──► ... ──► last byte
 *        ▲                             │ connection lost, timeout, 5xx, 409
 *        │                             ▼
 *        │            backoff (at least Retry-After) ──► HEAD ──► PATCH from the server's offset
 *  GET location ──► 200 {"token", "attachment"} ──► UploadedFile
 * </pre>
 *
 * <p>Every request carries the session's credentials ({@code Authorization: Bearer}) and {@code
 * Tus-Resumable: 1.0.0}. A failure that a later attempt may get past (no answer, 5xx, 409 offset
 * mismatch) is retried after a backoff delay, and never sooner than the server's {@code
 * Retry-After}; {@value #MAX_FAILURES} such failures in a row without progress end the upload with
 * {@code UNAVAILABLE}. Any other 4xx ends it at once with the server's reason. A cancelled future,
 * or a source that cannot be read, ends it too, and the upload is then deleted on the server (one
 * try).
 *
 * <p>Not thread-safe: {@link #run()} runs once, on one thread; {@code result} may be cancelled from
 * any thread.
 */
final class TusUpload {
  private static final Logger log = LoggerFactory.getLogger(TusUpload.class);
  static final String TUS_VERSION = "1.0.0";
  static final int MAX_FAILURES = 6;

  private final HttpClient http;
  private final URI uploads;
  private final String token;
  private final UploadSource source;
  private final String name;
  private final long length;
  private final int chunkBytes;
  private final Duration requestTimeout;
  private final Backoff backoff;
  private final CompletableFuture<UploadedFile> result;
  private int failures;

  TusUpload(
      HttpClient http,
      URI uploads,
      String token,
      UploadSource source,
      String name,
      long length,
      int chunkBytes,
      Duration requestTimeout,
      Backoff backoff,
      CompletableFuture<UploadedFile> result) {
    this.http = http;
    this.uploads = uploads;
    this.token = token;
    this.source = source;
    this.name = name;
    this.length = length;
    this.chunkBytes = chunkBytes;
    this.requestTimeout = requestTimeout;
    this.backoff = backoff;
    this.result = result;
  }

  /** A failure that another attempt may get past. */
  static final class RetryableFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Duration retryAfter; // null: no advice

    RetryableFailure(String message, Duration retryAfter, Throwable cause) {
      super(message, cause);
      this.retryAfter = retryAfter;
    }
  }

  /** The upload's future was completed (cancelled) by someone else: stop quietly. */
  static final class Stopped extends Exception {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Uploads everything and fetches the token.
   *
   * @throws ChatException when the server refused the upload, or it failed too often
   * @throws Stopped when the future was cancelled
   * @throws InterruptedException when the client closed
   */
  UploadedFile run() throws InterruptedException, Stopped {
    URI location = create();
    try {
      return send(location);
    } catch (ChatException | Stopped e) {
      if (!(e instanceof ChatException c) || c.code() != ErrorCode.UNAVAILABLE) {
        delete(location); // a server that cannot be reached would only cost another timeout
      }
      throw e;
    }
  }

  private URI create() throws InterruptedException, Stopped {
    while (true) {
      checkRunning();
      try {
        HttpResponse<String> created =
            exchange(
                HttpRequest.newBuilder(uploads)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .header("Upload-Length", Long.toString(length))
                    .header("Upload-Metadata", "filename " + base64(name)),
                "creating the upload");
        String location =
            created
                .headers()
                .firstValue("Location")
                .orElseThrow(
                    () ->
                        new ChatException(
                            ErrorCode.INTERNAL,
                            "the server created the upload of '" + name + "' without a Location"));
        return uploads.resolve(location);
      } catch (RetryableFailure failure) {
        pause(failure);
      }
    }
  }

  private UploadedFile send(URI location) throws InterruptedException, Stopped {
    long offset = 0;
    boolean offsetKnown = true;
    while (true) {
      checkRunning();
      try {
        if (!offsetKnown) {
          offset = offset(location);
          offsetKnown = true;
        }
        if (offset == length) {
          return finished(location);
        }
        long next = patch(location, offset);
        if (next <= offset || next > length) {
          throw new RetryableFailure(
              "the server answered offset " + next + " to a chunk from " + offset, null, null);
        }
        offset = next;
        failures = 0;
      } catch (RetryableFailure failure) {
        offsetKnown = false;
        pause(failure);
      }
    }
  }

  private long offset(URI location) throws RetryableFailure, InterruptedException {
    HttpResponse<String> head =
        exchange(
            HttpRequest.newBuilder(location).method("HEAD", HttpRequest.BodyPublishers.noBody()),
            "asking for the upload's offset");
    long offset = offsetHeader(head);
    log.debug("upload of '{}' resumes at byte {} of {}", name, offset, length);
    return offset;
  }

  private long patch(URI location, long offset) throws RetryableFailure, InterruptedException {
    int want = (int) Math.min(chunkBytes, length - offset);
    byte[] chunk;
    try {
      chunk = source.read(offset, want);
    } catch (IOException e) {
      throw new ChatException(
          ErrorCode.INVALID_ARGUMENT, "cannot read '" + name + "': " + e.getMessage(), e);
    }
    if (chunk.length < want) {
      throw new ChatException(
          ErrorCode.INVALID_ARGUMENT,
          "the content of '"
              + name
              + "' ended after "
              + (offset + chunk.length)
              + " of the "
              + length
              + " bytes declared");
    }
    HttpResponse<String> patched =
        exchange(
            HttpRequest.newBuilder(location)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk))
                .header("Content-Type", "application/offset+octet-stream")
                .header("Upload-Offset", Long.toString(offset)),
            "sending bytes " + offset + " to " + (offset + chunk.length));
    return offsetHeader(patched);
  }

  private UploadedFile finished(URI location) throws RetryableFailure, InterruptedException {
    HttpResponse<String> answer =
        exchange(HttpRequest.newBuilder(location).GET(), "fetching the upload's token");
    try {
      JsonObject body = JsonParser.parseString(answer.body()).getAsJsonObject();
      JsonObject a = body.getAsJsonObject("attachment");
      JsonElement thumbnail = a.get("thumbnailId");
      Attachment attachment =
          Attachment.of(
              a.get("id").getAsString(),
              a.get("name").getAsString(),
              a.get("contentType").getAsString(),
              a.get("size").getAsLong(),
              a.has("width") ? a.get("width").getAsInt() : 0,
              a.has("height") ? a.get("height").getAsInt() : 0,
              thumbnail == null || thumbnail.isJsonNull() ? "" : thumbnail.getAsString());
      return new UploadedFile(body.get("token").getAsString(), attachment);
    } catch (JsonParseException
        | IllegalStateException
        | IllegalArgumentException
        | NullPointerException
        | UnsupportedOperationException e) {
      throw new ChatException(
          ErrorCode.INTERNAL,
          "the server's answer for the finished upload of '" + name + "' is not understood: " + e,
          e);
    }
  }

  /** Deletes the upload on the server: one try, failures only logged. */
  private void delete(URI location) {
    try {
      HttpRequest request =
          authorized(HttpRequest.newBuilder(location).DELETE()).timeout(requestTimeout).build();
      http.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      log.debug("deleting the abandoned upload {} failed: {}", location, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpResponse<String> exchange(HttpRequest.Builder builder, String what)
      throws RetryableFailure, InterruptedException {
    HttpRequest request = authorized(builder).timeout(requestTimeout).build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new RetryableFailure(what + " failed: " + e, null, e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return response;
    }
    ServerError error = ServerError.of(response);
    String reason =
        what
            + " for '"
            + name
            + "': "
            + error.message()
            + " (HTTP "
            + status
            + (error.code().isEmpty() ? "" : " " + error.code())
            + ")";
    if (status == 409 || status == 408 || status >= 500) {
      throw new RetryableFailure(reason, error.retryAfter(), null);
    }
    throw new ChatException(refusalCode(status), reason, error.retryAfter());
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder builder) {
    return builder.header("Authorization", "Bearer " + token).header("Tus-Resumable", TUS_VERSION);
  }

  private static ErrorCode refusalCode(int status) {
    return switch (status) {
      case 401 -> ErrorCode.AUTHENTICATION_FAILED;
      case 403 -> ErrorCode.FORBIDDEN;
      case 413 -> ErrorCode.TOO_LARGE;
      case 422 -> ErrorCode.REJECTED;
      case 429 -> ErrorCode.LIMIT_EXCEEDED;
      default -> ErrorCode.INVALID_ARGUMENT;
    };
  }

  /** Waits before the next attempt, or gives up after too many failures in a row. */
  private void pause(RetryableFailure failure) throws InterruptedException, Stopped {
    failures++;
    if (failures >= MAX_FAILURES) {
      throw new ChatException(
          ErrorCode.UNAVAILABLE,
          "gave up after " + failures + " failed attempts in a row; last: " + failure.getMessage(),
          failure.retryAfter);
    }
    Duration delay = backoff.delay(failures - 1);
    if (failure.retryAfter != null && failure.retryAfter.compareTo(delay) > 0) {
      delay = failure.retryAfter;
    }
    log.info("upload of '{}': {}; trying again in {}", name, failure.getMessage(), delay);
    try {
      result.get(delay.toNanos(), TimeUnit.NANOSECONDS); // returns early only when cancelled
    } catch (TimeoutException e) {
      return;
    } catch (ExecutionException | CancellationException e) {
      throw new Stopped();
    }
    throw new Stopped();
  }

  private void checkRunning() throws Stopped, InterruptedException {
    if (result.isDone()) {
      throw new Stopped();
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }

  private static long offsetHeader(HttpResponse<?> response) throws RetryableFailure {
    String value = response.headers().firstValue("Upload-Offset").orElse(null);
    try {
      if (value != null) {
        long offset = Long.parseLong(value.trim());
        if (offset >= 0) {
          return offset;
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new RetryableFailure(
        "the server answered without a valid Upload-Offset (" + value + ")", null, null);
  }

  static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
