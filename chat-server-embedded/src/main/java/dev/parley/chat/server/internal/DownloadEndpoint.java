package dev.parley.chat.server.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.parley.chat.api.ChatException;
import dev.parley.chat.spi.BlobId;
import dev.parley.chat.spi.BlobInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads of attachments from signed links ({@link SignedAttachmentLinks}) at {@code
 * <path>/files/<sha256>}, {@code GET} and {@code HEAD}, on the server's HTTP side.
 *
 * <p>Each request is checked before the blob store is asked anything: a link whose signature does
 * not match is refused with 403 {@code FORBIDDEN}, an expired one with 403 {@code LINK_EXPIRED}. A
 * matching {@code If-None-Match} is answered 304 at once (a blob's bytes never change: its ETag is
 * its hash). Then the blob is looked up and its bytes streamed from the store, never whole in
 * memory: 404 {@code NOT_FOUND} when it is gone, 503 {@code ATTACHMENTS_UNAVAILABLE} (retryable,
 * with {@code Retry-After}) while the {@code blobs} breaker is open or the store fails. One {@code
 * Range} of bytes is answered 206 (or 416 when it lies outside the file); several ranges, or an
 * {@code If-Range} that does not match, get the whole file.
 *
 * <p>A successful answer may be kept by any cache until the link expires: {@code Cache-Control:
 * public, max-age=<seconds left, at most a year>, immutable}. Its type is the signed one (a
 * thumbnail's, signed empty, is told from its first bytes), shown inline for images and as a
 * download otherwise, with the signed name (RFC 6266), and always under {@code
 * Content-Security-Policy: sandbox}, so that a file opened in a browser cannot run anything. Errors
 * are JSON, {@code {"error":"CODE","message":"...","retryable":bool}} with header {@code
 * Parley-Error: CODE}, and never cached.
 *
 * <p>Threads: the HTTP server's threads only hand each request to a bounded pool (a full queue
 * answers 503 at once), whose threads wait for the blob threads ({@link BlobAccess}) and write the
 * bytes. A download whose client stops reading holds a thread for two stall periods at most: a
 * sweep interrupts a transfer that wrote nothing since the previous sweep. Thread-safe.
 */
final class DownloadEndpoint implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(DownloadEndpoint.class);

  /** Threads that serve downloads. */
  static final int THREADS = 8;

  /** Downloads waiting for a thread before more are refused with 503. */
  static final int QUEUE = 64;

  /** How often stalled downloads are looked for; a stalled one is cut within two of these. */
  static final Duration STALL_PERIOD = Duration.ofSeconds(30);

  /** The longest {@code max-age} given, whatever the link's expiry. */
  static final long MAX_AGE_SECONDS = 365L * 24 * 60 * 60;

  static final String SANDBOX = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'";

  private static final int BUFFER = 64 * 1024;
  private static final int SNIFF_BYTES = 8;
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
  private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};

  /** Types shown in the browser rather than downloaded: raster images (not SVG, which is code). */
  private static final Set<String> INLINE_TYPES =
      Set.of(
          "image/png",
          "image/jpeg",
          "image/gif",
          "image/webp",
          "image/avif",
          "image/bmp",
          "image/heic",
          "image/heif");

  private final String basePath;
  private final SecretKeySpec key;
  private final BlobAccess blobs;
  private final Clock clock;
  private final boolean secure;
  private final ThreadPoolExecutor pool;
  private final Map<Transfer, Boolean> transfers = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> stallSweep;

  /**
   * @param basePath the endpoint's path, {@link SignedAttachmentLinks#filesPath}
   * @param masterKey the attachment signing key; links are checked with the key derived from it
   * @param blobs the blob store behind its breaker
   * @param clock the time expiries are checked against
   * @param scheduler runs the stall sweep
   * @param stallPeriod how often the stall sweep runs ({@link #STALL_PERIOD})
   * @param secure whether the HTTP side is HTTPS (answers then carry HSTS)
   */
  DownloadEndpoint(
      String basePath,
      byte[] masterKey,
      BlobAccess blobs,
      Clock clock,
      ScheduledExecutorService scheduler,
      Duration stallPeriod,
      boolean secure) {
    this(basePath, masterKey, blobs, clock, scheduler, stallPeriod, secure, THREADS, QUEUE);
  }

  /** As above, with {@code threads} serving downloads and {@code queue} waiting (for tests). */
  DownloadEndpoint(
      String basePath,
      byte[] masterKey,
      BlobAccess blobs,
      Clock clock,
      ScheduledExecutorService scheduler,
      Duration stallPeriod,
      boolean secure,
      int threads,
      int queue) {
    this.basePath = basePath;
    this.key = SignedAttachmentLinks.signingKey(masterKey);
    this.blobs = blobs;
    this.clock = clock;
    this.secure = secure;
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(queue),
            HttpSide.threads("parley-download-"));
    long period = stallPeriod.toMillis();
    this.stallSweep =
        scheduler.scheduleWithFixedDelay(this::cutStalled, period, period, TimeUnit.MILLISECONDS);
  }

  /** The path the endpoint serves, e.g. {@code /chat/files/}. */
  String basePath() {
    return basePath;
  }

  /** Downloads waiting for a thread now. */
  int queued() {
    return pool.getQueue().size();
  }

  /** Downloads being written now. */
  int activeTransfers() {
    return transfers.size();
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      pool.execute(() -> serve(exchange));
    } catch (RejectedExecutionException e) {
      error(
          exchange,
          503,
          "ATTACHMENTS_UNAVAILABLE",
          "too many downloads in progress; try again",
          true,
          Duration.ofSeconds(1));
    }
  }

  /** Stops serving: running downloads are interrupted. */
  void stop() {
    stallSweep.cancel(false);
    pool.shutdownNow();
    try {
      pool.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void serve(HttpExchange exchange) {
    try {
      route(exchange);
    } catch (IOException e) {
      log.debug("download of {} cut: {}", exchange.getRequestURI().getRawPath(), e.toString());
      exchange.close();
    } catch (RuntimeException e) {
      log.warn("download of {} failed", exchange.getRequestURI().getRawPath(), e);
      error(exchange, 500, "INTERNAL", "the download failed", false, null);
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      error(exchange, 405, "METHOD_NOT_ALLOWED", "downloads are GET or HEAD", false, null);
      return;
    }
    String path = exchange.getRequestURI().getRawPath();
    BlobId id = blobId(path);
    if (id == null) {
      error(exchange, 404, "NOT_FOUND", "no such file", false, null);
      return;
    }
    Link link = Link.parse(exchange.getRequestURI().getRawQuery());
    if (link == null
        || !SignedAttachmentLinks.verify(
            key, id.sha256(), link.name, link.type, link.exp, link.sig)) {
      error(exchange, 403, "FORBIDDEN", "the link is not one this server signed", false, null);
      return;
    }
    long now = Math.floorDiv(clock.millis(), 1000);
    if (now >= link.exp) {
      error(
          exchange,
          403,
          "LINK_EXPIRED",
          "the link has expired; read the message again for a fresh one",
          false,
          null);
      return;
    }
    String etag = "\"" + id.sha256() + "\"";
    Headers out = exchange.getResponseHeaders();
    out.set("ETag", etag);
    out.set(
        "Cache-Control",
        "public, max-age=" + Math.min(link.exp - now, MAX_AGE_SECONDS) + ", immutable");
    if (matches(exchange.getRequestHeaders().getFirst("If-None-Match"), id.sha256())) {
      commonHeaders(out);
      exchange.sendResponseHeaders(304, -1);
      exchange.close();
      return;
    }
    if (!blobs.available()) {
      unavailable(exchange, null);
      return;
    }
    Optional<BlobInfo> info;
    try {
      info = await(blobs.stat(id));
    } catch (StoreFailure e) {
      unavailable(exchange, e);
      return;
    }
    if (info.isEmpty()) {
      error(exchange, 404, "NOT_FOUND", "the file is no longer stored", false, null);
      return;
    }
    long size = info.get().size();
    String type = link.type;
    try {
      if (type.isEmpty()) {
        type = sniffedImageType(id, size);
      }
      send(exchange, id, size, type, link.name);
    } catch (StoreFailure e) {
      if (e.getCause() instanceof NoSuchFileException) {
        error(exchange, 404, "NOT_FOUND", "the file is no longer stored", false, null);
      } else {
        unavailable(exchange, e);
      }
    }
  }

  /** Writes the whole file or the one range asked for. */
  private void send(HttpExchange exchange, BlobId id, long size, String type, String name)
      throws IOException, StoreFailure {
    Headers in = exchange.getRequestHeaders();
    Headers out = exchange.getResponseHeaders();
    ByteRange range = null;
    String rangeHeader = in.getFirst("Range");
    String ifRange = in.getFirst("If-Range");
    if (rangeHeader != null && (ifRange == null || ifRange.trim().equals(out.getFirst("ETag")))) {
      range = ByteRange.parse(rangeHeader, size);
      if (range == ByteRange.UNSATISFIABLE) {
        out.set("Content-Range", "bytes */" + size);
        error(
            exchange,
            416,
            "RANGE_NOT_SATISFIABLE",
            "the range is outside the file of " + size + " bytes",
            false,
            null);
        return;
      }
    }
    long offset = range == null ? 0 : range.first;
    long length = range == null ? size : range.length();
    commonHeaders(out);
    out.set("Accept-Ranges", "bytes");
    out.set("Content-Type", safeType(type));
    out.set("Content-Disposition", disposition(type, name));
    if (range != null) {
      out.set("Content-Range", "bytes " + range.first + "-" + range.last + "/" + size);
    }
    int status = range == null ? 200 : 206;
    if (exchange.getRequestMethod().equals("HEAD")) {
      out.set("Content-Length", Long.toString(length));
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
      return;
    }
    if (length == 0) {
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
      return;
    }
    try (InputStream bytes = await(blobs.open(id, offset, length))) {
      exchange.sendResponseHeaders(status, length);
      copy(bytes, exchange.getResponseBody(), length);
    }
    exchange.close();
  }

  /** Copies {@code length} bytes, noting progress for the stall sweep. */
  private void copy(InputStream from, OutputStream to, long length) throws IOException {
    Transfer transfer = new Transfer(Thread.currentThread());
    transfers.put(transfer, Boolean.TRUE);
    try (to) {
      byte[] buffer = new byte[BUFFER];
      long left = length;
      while (left > 0) {
        int n = from.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new IOException("the blob store gave " + (length - left) + " of " + length);
        }
        to.write(buffer, 0, n);
        left -= n;
        transfer.written += n;
      }
    } finally {
      transfers.remove(transfer);
      transfer.finish();
    }
  }

  /** Interrupts each transfer that has written nothing since the previous sweep. */
  private void cutStalled() {
    for (Transfer transfer : transfers.keySet()) {
      long written = transfer.written;
      if (written == transfer.writtenAtLastSweep) {
        log.debug("cutting a download that wrote nothing for a stall period");
        transfer.cut();
      }
      transfer.writtenAtLastSweep = written;
    }
  }

  /** A thumbnail's type, told from its first bytes: PNG or JPEG, or plain bytes otherwise. */
  private String sniffedImageType(BlobId id, long size) throws IOException, StoreFailure {
    byte[] first;
    try (InputStream head = await(blobs.open(id, 0, Math.min(SNIFF_BYTES, size)))) {
      first = head.readAllBytes();
    }
    if (startsWith(first, PNG)) {
      return "image/png";
    }
    if (startsWith(first, JPEG)) {
      return "image/jpeg";
    }
    return "application/octet-stream";
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** The blob id the path names, or null if it names none. */
  private BlobId blobId(String path) {
    if (path == null || !path.startsWith(basePath)) {
      return null;
    }
    try {
      return new BlobId(path.substring(basePath.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Whether an {@code If-None-Match} list names this blob's tag (weakly compared) or is *. */
  static boolean matches(String ifNoneMatch, String sha256) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.equals("*")) {
        return true;
      }
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals("\"" + sha256 + "\"")) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code inline} for raster images, {@code attachment} otherwise, with the name as an ASCII
   * fallback and in full as UTF-8 (RFC 6266, RFC 8187).
   */
  static String disposition(String type, String name) {
    String kind = INLINE_TYPES.contains(type) ? "inline" : "attachment";
    StringBuilder ascii = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      ascii.append(c < 0x20 || c > 0x7e || c == '"' || c == '\\' ? '_' : c);
    }
    StringBuilder encoded = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "!#$&+-.^_`|~".indexOf(c) >= 0) {
        encoded.append((char) c);
      } else {
        encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        encoded.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return kind + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }

  /** The signed type, unless it could not be a header value (then plain bytes). */
  private static String safeType(String type) {
    for (int i = 0; i < type.length(); i++) {
      char c = type.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return "application/octet-stream";
      }
    }
    return type.isEmpty() ? "application/octet-stream" : type;
  }

  private void commonHeaders(Headers out) {
    HttpSide.SECURITY_HEADERS.forEach(out::set);
    out.set("Content-Security-Policy", SANDBOX);
    if (secure) {
      out.set("Strict-Transport-Security", HttpSide.HSTS_VALUE);
    }
  }

  private void unavailable(HttpExchange exchange, StoreFailure failure) {
    Duration retryAfter =
        failure != null && failure.getCause() instanceof ChatException chat
            ? chat.retryAfter().orElse(null)
            : null;
    if (retryAfter == null) {
      retryAfter = blobs.breaker().retryAfterUnlessClosed().orElse(Duration.ofSeconds(1));
    }
    if (failure != null) {
      log.debug("download refused, the blob store failed: {}", failure.getCause().toString());
    }
    error(
        exchange,
        503,
        "ATTACHMENTS_UNAVAILABLE",
        "attachments are unavailable for a while; try again",
        true,
        retryAfter);
  }

  /** Answers with a JSON error, never to be cached. */
  private void error(
      HttpExchange exchange,
      int status,
      String code,
      String message,
      boolean retryable,
      Duration retryAfter) {
    byte[] body =
        UploadError.json(code, message, retryable).toString().getBytes(StandardCharsets.UTF_8);
    try (exchange) {
      Headers out = exchange.getResponseHeaders();
      out.remove("ETag");
      HttpSide.SECURITY_HEADERS.forEach(out::set);
      HttpSide.OWN_ANSWER_HEADERS.forEach(out::set);
      if (secure) {
        out.set("Strict-Transport-Security", HttpSide.HSTS_VALUE);
      }
      out.set("Content-Type", "application/json");
      UploadError.setHeaders(out, code, retryAfter);
      if (exchange.getRequestMethod().equals("HEAD")) {
        out.set("Content-Length", Integer.toString(body.length));
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream stream = exchange.getResponseBody()) {
        stream.write(body);
      }
    } catch (IOException e) {
      log.debug("download answer {} not delivered: {}", status, e.toString());
    }
  }

  /** Waits for a blob call on this download thread. */
  private static <T> T await(CompletableFuture<T> call) throws StoreFailure {
    try {
      return call.get();
    } catch (ExecutionException e) {
      throw new StoreFailure(Replies.unwrap(e.getCause() == null ? e : e.getCause()));
    } catch (CompletionException e) {
      throw new StoreFailure(Replies.unwrap(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreFailure(e);
    }
  }

  /** A blob call that failed; the cause is the store's (or the breaker's) failure. */
  private static final class StoreFailure extends Exception {
    private static final long serialVersionUID = 1L;

    StoreFailure(Throwable cause) {
      super(cause.toString(), unwrapped(cause), false, false);
    }

    private static Throwable unwrapped(Throwable cause) {
      return cause instanceof java.io.UncheckedIOException unchecked ? unchecked.getCause() : cause;
    }
  }

  /** One download being written, for the stall sweep. */
  private static final class Transfer {
    private final Thread thread;
    private boolean finished; // guarded by this
    volatile long written;
    long writtenAtLastSweep = -1; // only the sweep reads and writes it; -1: not swept yet

    Transfer(Thread thread) {
      this.thread = thread;
    }

    /** Interrupts the writing thread, unless the transfer has finished. */
    synchronized void cut() {
      if (!finished) {
        thread.interrupt();
      }
    }

    /** Called by the writing thread at the end: no cut reaches it any more. */
    synchronized void finish() {
      finished = true;
      Thread.interrupted(); // a cut that came after the last write must not outlive the transfer
    }
  }

  /** The signed parts of a link's query. */
  private record Link(String name, String type, long exp, String sig) {
    /** The link's parts, or null if one is missing or malformed. */
    static Link parse(String rawQuery) {
      Map<String, String> query;
      try {
        query = SignedAttachmentLinks.query(rawQuery);
      } catch (IllegalArgumentException e) {
        return null;
      }
      String name = query.get("name");
      String type = query.get("type");
      String exp = query.get("exp");
      String sig = query.get("sig");
      if (name == null || type == null || exp == null || sig == null) {
        return null;
      }
      try {
        return new Link(name, type, Long.parseLong(exp), sig);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  /** One range of bytes, first to last inclusive. */
  record ByteRange(long first, long last) {
    /** A range that lies outside the file. */
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    long length() {
      return last - first + 1;
    }

    /**
     * The one range a {@code Range} header asks for in a file of {@code size} bytes: null when the
     * header is to be ignored (not bytes, malformed, or several ranges: the whole file is sent),
     * {@link #UNSATISFIABLE} when it lies outside the file.
     */
    static ByteRange parse(String header, long size) {
      String h = header.trim();
      if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
        return null;
      }
      String spec = h.substring(6).trim();
      if (spec.isEmpty() || spec.indexOf(',') >= 0) {
        return null;
      }
      int dash = spec.indexOf('-');
      if (dash < 0) {
        return null;
      }
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      try {
        if (a.isEmpty()) {
          if (b.isEmpty() || !digits(b)) {
            return null;
          }
          long suffix = Long.parseLong(b);
          if (suffix == 0 || size == 0) {
            return UNSATISFIABLE;
          }
          return new ByteRange(Math.max(0, size - suffix), size - 1);
        }
        if (!digits(a) || (!b.isEmpty() && !digits(b))) {
          return null;
        }
        long first = Long.parseLong(a);
        long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
        if (last < first) {
          return null; // invalid: ignored
        }
        if (first >= size) {
          return UNSATISFIABLE;
        }
        return new ByteRange(first, Math.min(last, size - 1));
      } catch (NumberFormatException e) {
        return null; // more digits than a long holds
      }
    }

    private static boolean digits(String s) {
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) < '0' || s.charAt(i) > '9') {
          return false;
        }
      }
      return !s.isEmpty();
    }
  }
}
