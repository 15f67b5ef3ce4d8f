package dev.parley.chat.server.internal;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AuthenticationUnavailableException;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.BlobInfo;
import dev.parley.chat.spi.BlobTooLargeException;
import dev.parley.chat.spi.ConnectRequest;
import dev.parley.chat.spi.Identity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attachment uploads over tus 1.0.0 (core, creation, termination, expiration) at {@code
 * <path>/uploads}: {@code POST} creates an upload, {@code HEAD} tells its offset, {@code PATCH}
 * appends bytes, {@code DELETE} cancels it, and after the last byte {@code GET} tells the token and
 * attachment. Every request but {@code OPTIONS} carries {@code Authorization: Bearer
 * <credentials>}, checked by the server's {@link Authenticator} as a Connect would be; an upload is
 * its creator's alone. Thread-safe.
 *
 * <p>On the last byte the bytes are inspected ({@link ContentInspector}), the thumbnail and the
 * file are put into the blob store through {@link BlobAccess}, and the final {@code PATCH} answers
 * with the upload token ({@value #TOKEN_HEADER}). Refused bytes are deleted at once; a blob store
 * that fails leaves the complete bytes staged, and the same final {@code PATCH} (now empty) tries
 * again. Unfinished uploads expire {@code uploadExpiry} after their last byte.
 *
 * <p>Threads: the HTTP side's threads only hand each request to a bounded upload pool (a full queue
 * answers 503 at once), so a slow upload never holds the threads that answer {@code /healthz}; blob
 * store calls run on the blob threads behind the {@code blobs} breaker.
 */
final class UploadEndpoint implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(UploadEndpoint.class);

  static final String TUS_VERSION = "1.0.0";
  static final String TUS_EXTENSIONS = "creation,termination,expiration";
  static final String TOKEN_HEADER = "Parley-Attachment-Token";
  static final String OFFSET_TYPE = "application/offset+octet-stream";

  /** Longest {@code Upload-Metadata} header accepted, in characters. */
  static final int MAX_METADATA_CHARS = 4096;

  /** Longest credentials accepted, in characters. */
  static final int MAX_CREDENTIAL_CHARS = 16 * 1024;

  /** Longest cleaned file name, in characters. */
  static final int MAX_NAME_CHARS = 255;

  private static final int THREADS = 8;
  private static final int QUEUE = 64;
  private static final long AUTHENTICATION_TIMEOUT_MILLIS = 10_000;
  private static final long LOCK_WAIT_MILLIS = 2_000;
  private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);
  private static final Duration LONGEST_SWEEP_INTERVAL = Duration.ofMinutes(1);
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private final String basePath;
  private final AttachmentSettings settings;
  private final Authenticator authenticator;
  private final BlobAccess blobs;
  private final AttachmentTokens tokens;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final boolean secure;
  private final UploadRegistry registry;
  private final ContentInspector inspector;
  private final ThreadPoolExecutor pool;

  UploadEndpoint(
      String webSocketPath,
      AttachmentSettings settings,
      Authenticator authenticator,
      BlobAccess blobs,
      AttachmentTokens tokens,
      ScheduledExecutorService scheduler,
      Clock clock,
      boolean secure) {
    this.basePath = basePath(webSocketPath);
    this.settings = settings;
    this.authenticator = authenticator;
    this.blobs = blobs;
    this.tokens = tokens;
    this.scheduler = scheduler;
    this.clock = clock;
    this.secure = secure;
    this.registry = new UploadRegistry(settings, clock);
    this.inspector = new ContentInspector(settings.maxImagePixels());
    this.pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            HttpSide.threads("parley-upload-"));
  }

  /** The upload endpoint's path for a WebSocket path: {@code /chat} gives {@code /chat/uploads}. */
  static String basePath(String webSocketPath) {
    return (webSocketPath.endsWith("/") ? webSocketPath : webSocketPath + "/") + "uploads";
  }

  String basePath() {
    return basePath;
  }

  /**
   * Prepares the staging directory (removing what an earlier run left) and starts the sweep of
   * expired uploads.
   */
  void start() throws IOException {
    registry.cleanStaging();
    Duration every =
        settings.uploadExpiry().compareTo(LONGEST_SWEEP_INTERVAL) < 0
            ? settings.uploadExpiry()
            : LONGEST_SWEEP_INTERVAL;
    scheduler.scheduleWithFixedDelay(
        this::sweep, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void sweep() {
    try {
      int removed = registry.sweep();
      if (removed > 0) {
        log.debug("removed {} expired uploads", removed);
      }
    } catch (RuntimeException e) {
      log.warn("the sweep of expired uploads failed", e);
    }
  }

  /** Stops the pool and deletes the staged files of unfinished uploads. */
  void stop() {
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("upload threads still busy after 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    registry.clear();
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      pool.execute(() -> serve(exchange));
    } catch (RejectedExecutionException e) {
      try (exchange) {
        answerError(
            exchange,
            new UploadError(
                503,
                UploadError.UNAVAILABLE,
                "too many uploads in progress; try again",
                true,
                Duration.ofSeconds(1)));
      } catch (IOException | RuntimeException ignored) {
        // the client has gone
      }
    }
  }

  private void serve(HttpExchange exchange) {
    try (exchange) {
      try {
        route(exchange);
      } catch (UploadError e) {
        answerError(exchange, e);
      } catch (RuntimeException e) {
        log.warn(
            "upload request {} {} failed",
            exchange.getRequestMethod(),
            exchange.getRequestURI().getRawPath(),
            e);
        answerError(
            exchange,
            new UploadError(500, "INTERNAL", "the upload failed on the server", true, null));
      }
    } catch (IOException e) {
      log.debug("upload request ended: {}", e.toString());
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    if (method.equals("OPTIONS")) {
      Headers headers = exchange.getResponseHeaders();
      headers.set("Tus-Version", TUS_VERSION);
      headers.set("Tus-Extension", TUS_EXTENSIONS);
      headers.set("Tus-Max-Size", Long.toString(settings.maxFileBytes()));
      answer(exchange, 204);
      return;
    }
    boolean collection = path.equals(basePath) || path.equals(basePath + "/");
    String id =
        collection || !path.startsWith(basePath + "/")
            ? null
            : path.substring(basePath.length() + 1);
    if (!collection && id == null) {
      throw new UploadError(404, UploadError.NOT_FOUND, "no such endpoint");
    }
    if (!method.equals("GET")) {
      String version = exchange.getRequestHeaders().getFirst("Tus-Resumable");
      if (!TUS_VERSION.equals(version)) {
        exchange.getResponseHeaders().set("Tus-Version", TUS_VERSION);
        throw new UploadError(
            412,
            UploadError.INVALID_ARGUMENT,
            "this server speaks tus " + TUS_VERSION + " only; send Tus-Resumable: " + TUS_VERSION);
      }
    }
    if (collection) {
      if (!method.equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "OPTIONS, POST");
        throw new UploadError(405, UploadError.INVALID_ARGUMENT, "create an upload with POST");
      }
      create(exchange, authenticate(exchange));
      return;
    }
    UserId user = authenticate(exchange);
    Upload upload = id.matches(UploadRegistry.ID_PATTERN) ? registry.get(id) : null;
    if (upload == null) {
      throw new UploadError(
          404, UploadError.NOT_FOUND, "no such upload (never made, expired or deleted)");
    }
    if (!upload.owner().equals(user)) {
      throw new UploadError(403, UploadError.FORBIDDEN, "this upload belongs to another user");
    }
    switch (method) {
      case "HEAD" -> head(exchange, upload);
      case "PATCH" -> patch(exchange, upload);
      case "DELETE" -> delete(exchange, upload);
      case "GET" -> result(exchange, upload);
      default -> {
        exchange.getResponseHeaders().set("Allow", "OPTIONS, HEAD, PATCH, DELETE, GET");
        throw new UploadError(405, UploadError.INVALID_ARGUMENT, "use HEAD, PATCH, DELETE or GET");
      }
    }
  }

  /** {@code POST <path>/uploads}: a new upload. */
  private void create(HttpExchange exchange, UserId user) throws IOException {
    requireBlobs();
    Headers request = exchange.getRequestHeaders();
    if (request.containsKey("Upload-Defer-Length")) {
      throw new UploadError(
          400,
          UploadError.INVALID_ARGUMENT,
          "a deferred length is not supported; send Upload-Length");
    }
    long length = parseNonNegative(request.getFirst("Upload-Length"), "Upload-Length");
    if (length > settings.maxFileBytes()) {
      throw new UploadError(
          413,
          UploadError.TOO_LARGE,
          "the file is "
              + length
              + " bytes, over the "
              + settings.maxFileBytes()
              + " one upload may have");
    }
    if (exchange.getRequestBody().read() >= 0) {
      throw new UploadError(
          400,
          UploadError.INVALID_ARGUMENT,
          "create the upload with an empty body, then PATCH its bytes");
    }
    Map<String, String> metadata = parseMetadata(request.getFirst("Upload-Metadata"));
    String type = metadata.get("filetype");
    Upload upload;
    try {
      upload =
          registry.create(
              user,
              length,
              cleanName(metadata.get("filename")),
              type == null || type.isBlank() ? null : type);
    } catch (UploadRegistry.QuotaExceeded e) {
      throw new UploadError(429, UploadError.QUOTA_EXCEEDED, e.getMessage(), true, e.retryAfter());
    } catch (IOException e) {
      log.warn("cannot stage an upload in {}: {}", settings.stagingDirectory(), e.toString());
      throw new UploadError(
          503, UploadError.UNAVAILABLE, "uploads cannot be staged now", true, DEFAULT_RETRY_AFTER);
    }
    Headers headers = exchange.getResponseHeaders();
    headers.set("Location", basePath + "/" + upload.id());
    headers.set("Upload-Expires", HTTP_DATE.format(upload.expiresAt()));
    if (length == 0) {
      lockAndComplete(upload);
      headers.set(TOKEN_HEADER, upload.token());
    }
    answer(exchange, 201);
  }

  /** {@code HEAD <path>/uploads/<id>}: how far it is. */
  private void head(HttpExchange exchange, Upload upload) throws IOException {
    Headers headers = exchange.getResponseHeaders();
    headers.set("Upload-Offset", Long.toString(upload.offset()));
    headers.set("Upload-Length", Long.toString(upload.length()));
    headers.set("Upload-Expires", HTTP_DATE.format(upload.expiresAt()));
    answer(exchange, 200);
  }

  /** {@code PATCH <path>/uploads/<id>}: bytes from an offset; the last ones complete the upload. */
  private void patch(HttpExchange exchange, Upload upload) throws IOException {
    Headers request = exchange.getRequestHeaders();
    String contentType = request.getFirst("Content-Type");
    if (contentType == null
        || !contentType.trim().toLowerCase(Locale.ROOT).startsWith(OFFSET_TYPE)) {
      throw new UploadError(
          415,
          UploadError.UNSUPPORTED_MEDIA_TYPE,
          "a PATCH body must be Content-Type: " + OFFSET_TYPE);
    }
    long offset = parseNonNegative(request.getFirst("Upload-Offset"), "Upload-Offset");
    if (!upload.complete()) {
      requireBlobs();
    }
    lock(upload);
    try {
      if (upload.complete()) {
        if (offset != upload.length()) {
          throw offsetMismatch(exchange, upload, offset);
        }
      } else {
        if (offset != upload.offset()) {
          throw offsetMismatch(exchange, upload, offset);
        }
        String declared = request.getFirst("Content-Length");
        if (declared != null) {
          long bodyLength = parseNonNegative(declared, "Content-Length");
          if (bodyLength > upload.length() - offset) {
            throw tooLong(upload, offset);
          }
        }
        receive(exchange.getRequestBody(), upload, offset);
        upload.expiresAt(clock.instant().plus(settings.uploadExpiry()));
        if (upload.offset() == upload.length()) {
          complete(upload);
        }
      }
    } finally {
      upload.unlock();
    }
    Headers headers = exchange.getResponseHeaders();
    headers.set("Upload-Offset", Long.toString(upload.offset()));
    if (upload.complete()) {
      headers.set(TOKEN_HEADER, upload.token());
    } else {
      headers.set("Upload-Expires", HTTP_DATE.format(upload.expiresAt()));
    }
    answer(exchange, 204);
  }

  /** {@code DELETE <path>/uploads/<id>}: cancels the upload, deleting what was staged. */
  private void delete(HttpExchange exchange, Upload upload) throws IOException {
    lock(upload);
    try {
      registry.remove(upload);
    } finally {
      upload.unlock();
    }
    answer(exchange, 204);
  }

  /** {@code GET <path>/uploads/<id>}: the token and attachment of a completed upload. */
  private void result(HttpExchange exchange, Upload upload) throws IOException {
    if (!upload.complete()) {
      throw new UploadError(
          409,
          UploadError.UPLOAD_INCOMPLETE,
          "the upload has " + upload.offset() + " of its " + upload.length() + " bytes");
    }
    Attachment a = upload.attachment();
    JsonObject attachment = new JsonObject();
    attachment.addProperty("id", a.id());
    attachment.addProperty("name", a.name());
    attachment.addProperty("contentType", a.contentType());
    attachment.addProperty("size", a.size());
    attachment.addProperty("width", a.width());
    attachment.addProperty("height", a.height());
    attachment.addProperty("thumbnailId", a.thumbnailId());
    JsonObject body = new JsonObject();
    body.addProperty("token", upload.token());
    body.add("attachment", attachment);
    answerJson(exchange, 200, body);
  }

  /** Appends the body at {@code offset}; more bytes than the upload has left change nothing. */
  private void receive(InputStream body, Upload upload, long offset) throws IOException {
    long room = upload.length() - offset;
    try (FileChannel out = FileChannel.open(upload.staged(), StandardOpenOption.WRITE)) {
      out.position(offset);
      byte[] buffer = new byte[64 * 1024];
      long written = 0;
      int n;
      while ((n = body.read(buffer)) >= 0) {
        if (written + n > room) {
          out.truncate(offset);
          upload.offset(offset);
          throw tooLong(upload, offset);
        }
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
        while (chunk.hasRemaining()) {
          out.write(chunk);
        }
        written += n;
        upload.offset(offset + written); // visible to HEAD as the bytes arrive
      }
    }
  }

  /** Runs the completion of an upload with all its bytes, under its lock. */
  private void lockAndComplete(Upload upload) throws IOException {
    lock(upload);
    try {
      complete(upload);
    } finally {
      upload.unlock();
    }
  }

  /**
   * Inspects, stores and issues the token. Refused bytes end the upload; a blob store failure keeps
   * the staged bytes for another try.
   */
  private void complete(Upload upload) throws IOException {
    Path staged = upload.staged();
    ContentInspector.Inspection inspection;
    try {
      inspection =
          inspector.inspect(
              new ContentInspector.Content() {
                @Override
                public InputStream open() throws IOException {
                  return Files.newInputStream(staged);
                }

                @Override
                public ImageInputStream openImage() throws IOException {
                  return new FileImageInputStream(staged.toFile());
                }
              },
              upload.declaredType());
    } catch (ContentInspector.Refused e) {
      registry.remove(upload);
      throw new UploadError(422, UploadError.CONTENT_REFUSED, e.getMessage());
    } catch (IOException e) {
      log.warn("cannot read the staged upload {}: {}", staged, e.toString());
      throw new UploadError(
          500, "INTERNAL", "the upload could not be read back on the server", true, null);
    }
    String thumbnailId = "";
    if (inspection.thumbnail() != null) {
      Path thumbnail =
          staged.resolveSibling(upload.id() + "-thumbnail" + UploadRegistry.STAGED_SUFFIX);
      try {
        Files.write(thumbnail, inspection.thumbnail());
        thumbnailId = store(thumbnail, inspection.thumbnail().length).id().sha256();
      } finally {
        Files.deleteIfExists(thumbnail);
      }
    }
    BlobInfo stored = store(staged, upload.length());
    if (stored.size() != upload.length()) {
      throw new IllegalStateException(
          "the blob store kept " + stored.size() + " bytes of " + upload.length());
    }
    Attachment attachment =
        Attachment.of(
            stored.id().sha256(),
            upload.name(),
            inspection.contentType(),
            upload.length(),
            inspection.width(),
            inspection.height(),
            thumbnailId);
    String token = tokens.issue(attachment, upload.owner(), settings.tokenValidity());
    upload.completed(attachment, token);
    registry.completed(upload);
    log.debug(
        "upload {} of {} complete: {} {} bytes",
        upload.id(),
        upload.owner(),
        attachment.contentType(),
        attachment.size());
  }

  /** Puts a staged file into the blob store and waits for it (on this upload thread). */
  private BlobInfo store(Path file, long maxBytes) {
    CompletableFuture<BlobInfo> put = blobs.put(file, maxBytes);
    try {
      return put.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("the server is stopping", null);
    } catch (ExecutionException e) {
      Throwable cause = Replies.unwrap(e.getCause());
      if (cause instanceof BlobTooLargeException) {
        throw new UploadError(413, UploadError.TOO_LARGE, "the file is larger than declared");
      }
      log.warn("storing an upload failed: {}", cause.toString());
      Duration retryAfter =
          cause instanceof ChatException chat ? chat.retryAfter().orElse(null) : null;
      throw unavailable("the attachment store failed; try the last PATCH again later", retryAfter);
    }
  }

  /** Refuses at once while the blob breaker is open. */
  private void requireBlobs() {
    if (!blobs.available()) {
      throw unavailable("attachments are unavailable now; try again later", null);
    }
  }

  private UploadError unavailable(String message, Duration retryAfter) {
    Duration after =
        retryAfter != null
            ? retryAfter
            : blobs.breaker().retryAfterUnlessClosed().orElse(DEFAULT_RETRY_AFTER);
    return new UploadError(503, UploadError.ATTACHMENTS_UNAVAILABLE, message, true, after);
  }

  private static UploadError tooLong(Upload upload, long offset) {
    return new UploadError(
        413,
        UploadError.TOO_LARGE,
        "the body is longer than the "
            + (upload.length() - offset)
            + " bytes the upload has left (Upload-Length "
            + upload.length()
            + ")");
  }

  private static UploadError offsetMismatch(HttpExchange exchange, Upload upload, long offset) {
    exchange.getResponseHeaders().set("Upload-Offset", Long.toString(upload.offset()));
    return new UploadError(
        409,
        UploadError.OFFSET_MISMATCH,
        "Upload-Offset is "
            + offset
            + " but the upload has "
            + upload.offset()
            + " bytes; HEAD it and go on from there");
  }

  private static void lock(Upload upload) {
    try {
      if (!upload.tryLock(LOCK_WAIT_MILLIS)) {
        throw new UploadError(
            409,
            UploadError.OFFSET_MISMATCH,
            "another request is writing this upload; HEAD it and go on from its offset",
            true,
            Duration.ofSeconds(1));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UploadError(
          503, UploadError.UNAVAILABLE, "the server is stopping", true, Duration.ofSeconds(1));
    }
  }

  /** Who sent the request: its bearer credentials checked by the authenticator. */
  private UserId authenticate(HttpExchange exchange) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization == null
        || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      throw new UploadError(
          401,
          UploadError.AUTHENTICATION_FAILED,
          "send Authorization: Bearer <the credentials you connect with>");
    }
    String credentials = authorization.substring(7).trim();
    if (credentials.isEmpty() || credentials.length() > MAX_CREDENTIAL_CHARS) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      throw new UploadError(401, UploadError.AUTHENTICATION_FAILED, "authentication failed");
    }
    try {
      CompletionStage<Identity> stage =
          authenticator.identify(
              new ConnectRequest(
                  credentials, "parley-upload", TUS_VERSION, exchange.getRemoteAddress()));
      if (stage == null) {
        throw new IllegalStateException("the authenticator returned null");
      }
      return stage
          .toCompletableFuture()
          .get(AUTHENTICATION_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
          .user();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UploadError(
          503, UploadError.UNAVAILABLE, "the server is stopping", true, Duration.ofSeconds(1));
    } catch (TimeoutException e) {
      throw new UploadError(
          503,
          UploadError.UNAVAILABLE,
          "authentication did not answer; try again",
          true,
          Duration.ofSeconds(1));
    } catch (ExecutionException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? Replies.unwrap(e.getCause()) : e;
      if (cause instanceof AuthenticationUnavailableException) {
        throw new UploadError(
            503,
            UploadError.UNAVAILABLE,
            "authentication is unavailable; try again later",
            true,
            Duration.ofSeconds(1));
      }
      log.debug("upload authentication refused: {}", cause.toString());
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      throw new UploadError(401, UploadError.AUTHENTICATION_FAILED, "authentication failed");
    }
  }

  /** {@code Upload-Metadata}: comma-separated {@code key base64value} pairs. */
  static Map<String, String> parseMetadata(String header) {
    Map<String, String> pairs = new HashMap<>();
    if (header == null || header.isBlank()) {
      return pairs;
    }
    if (header.length() > MAX_METADATA_CHARS) {
      throw new UploadError(
          400,
          UploadError.INVALID_ARGUMENT,
          "Upload-Metadata is over " + MAX_METADATA_CHARS + " characters");
    }
    for (String pair : header.split(",", -1)) {
      String[] parts = pair.trim().split(" ", -1);
      if (parts.length > 2 || parts[0].isEmpty() || pairs.containsKey(parts[0])) {
        throw new UploadError(
            400,
            UploadError.INVALID_ARGUMENT,
            "Upload-Metadata must be comma-separated \"key base64value\" pairs, each key once");
      }
      try {
        pairs.put(
            parts[0],
            parts.length == 1
                ? ""
                : new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new UploadError(
            400,
            UploadError.INVALID_ARGUMENT,
            "the Upload-Metadata value of " + parts[0] + " is not base64");
      }
    }
    return pairs;
  }

  /**
   * A file name fit to show and to save: no directories (only what follows the last {@code /} or
   * {@code \}), no control or invisible formatting characters, no leading dots, no surrounding
   * blanks or trailing dots, at most {@value #MAX_NAME_CHARS} characters; {@code file} when nothing
   * is left.
   */
  static String cleanName(String raw) {
    if (raw == null) {
      return "file";
    }
    String name = raw.substring(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
    StringBuilder kept = new StringBuilder(name.length());
    name.codePoints()
        .filter(
            c ->
                !Character.isISOControl(c)
                    && Character.getType(c) != Character.FORMAT
                    && Character.getType(c) != Character.LINE_SEPARATOR
                    && Character.getType(c) != Character.PARAGRAPH_SEPARATOR
                    && Character.getType(c) != Character.SURROGATE
                    && Character.getType(c) != Character.UNASSIGNED
                    && Character.getType(c) != Character.PRIVATE_USE)
        .forEach(kept::appendCodePoint);
    int start = 0;
    while (start < kept.length()
        && (kept.charAt(start) == '.' || Character.isWhitespace(kept.charAt(start)))) {
      start++;
    }
    int end = kept.length();
    while (end > start
        && (kept.charAt(end - 1) == '.' || Character.isWhitespace(kept.charAt(end - 1)))) {
      end--;
    }
    String cleaned = kept.substring(start, end);
    if (cleaned.length() > MAX_NAME_CHARS) {
      int cut = MAX_NAME_CHARS;
      if (Character.isHighSurrogate(cleaned.charAt(cut - 1))) {
        cut--;
      }
      cleaned = cleaned.substring(0, cut);
    }
    return cleaned.isEmpty() ? "file" : cleaned;
  }

  private static long parseNonNegative(String value, String header) {
    if (value == null) {
      throw new UploadError(400, UploadError.INVALID_ARGUMENT, "send " + header);
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed < 0 || !value.trim().chars().allMatch(Character::isDigit)) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new UploadError(
          400, UploadError.INVALID_ARGUMENT, header + " must be a non-negative number");
    }
  }

  private void commonHeaders(HttpExchange exchange) {
    Headers headers = exchange.getResponseHeaders();
    headers.set("Tus-Resumable", TUS_VERSION);
    HttpSide.SECURITY_HEADERS.forEach(headers::set);
    HttpSide.OWN_ANSWER_HEADERS.forEach(headers::set);
    if (secure) {
      headers.set("Strict-Transport-Security", HttpSide.HSTS_VALUE);
    }
  }

  private void answer(HttpExchange exchange, int status) throws IOException {
    commonHeaders(exchange);
    exchange.sendResponseHeaders(status, -1);
  }

  private void answerJson(HttpExchange exchange, int status, JsonObject json) throws IOException {
    commonHeaders(exchange);
    byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private void answerError(HttpExchange exchange, UploadError error) throws IOException {
    UploadError.setHeaders(exchange.getResponseHeaders(), error.code(), error.retryAfter());
    answerJson(
        exchange,
        error.status(),
        UploadError.json(error.code(), error.getMessage(), error.retryable()));
  }
}
