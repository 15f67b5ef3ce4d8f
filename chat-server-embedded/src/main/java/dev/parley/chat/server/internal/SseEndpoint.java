package dev.parley.chat.server.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.spi.OriginPolicy;
import dev.parley.chat.spi.ServerTransportHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol over plain HTTP on the server's HTTP side: Server-Sent Events down, POSTs up (the
 * protocol's "Server-Sent Events" section). Each session is an {@link SseSession}, a connection the
 * server core treats like a WebSocket of the JSON subprotocol. Thread-safe.
 *
 * <p>Threads: the HTTP server's own threads only hand each request to a bounded intake pool (a full
 * queue answers 503 at once), so neither streams nor slow POSTs can hold the threads that answer
 * {@code /healthz}. Streams are written by a separate writer pool, one drain task per session at a
 * time; a write still unfinished after two ping intervals is interrupted by the session's timer.
 */
final class SseEndpoint implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(SseEndpoint.class);

  /** Largest POST body. */
  static final int MAX_BODY_BYTES = 256 * 1024;

  /** Most frames in one POST. */
  static final int MAX_FRAMES_PER_POST = 64;

  /** How long a stream ticket may be used after it was issued. */
  static final long TICKET_LIFETIME_MILLIS = 30_000;

  /** Sent frames kept for a stream's resume, per session. */
  static final long MAX_KEPT_BYTES = 1024 * 1024;

  static final String KEY_HEADER = "Parley-Session-Key";
  static final String POST_SEQ_HEADER = "Parley-Post-Seq";
  static final String CONFIRMED_HEADER = "Parley-Last-Event-ID";

  private static final int INTAKE_THREADS = 4;
  private static final int INTAKE_QUEUE = 256;
  private static final int WRITER_THREADS = 8;
  private static final long CLOSE_DEADLINE_MILLIS = 1_000;

  private final String basePath;
  private final ServerTransportHandler handler;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final long pingIntervalMillis;
  private final int maxMessageBytes;
  private final int maxSessions;
  private final int maxSessionsPerAddress;
  private final OriginPolicy originPolicy;
  private final BooleanSupplier accepting;
  private final boolean secure;
  private final boolean gzipStreams;
  private final SecureRandom random = new SecureRandom();
  private final ThreadPoolExecutor intake;
  private final ExecutorService writers;
  private final ConcurrentHashMap<String, SseSession> sessions = new ConcurrentHashMap<>();
  private final Map<InetAddress, Integer> perAddress = new HashMap<>(); // guarded by this

  /**
   * @param webSocketPath the WebSocket endpoint's path; the SSE endpoint is it with {@code /sse}
   * @param gzipStreams whether streams are gzipped (with a flush per write) for clients that accept
   *     it: on when the server compresses its WebSocket messages, the same trade of CPU and memory
   *     for bytes
   */
  SseEndpoint(
      String webSocketPath,
      ServerTransportHandler handler,
      ScheduledExecutorService scheduler,
      Clock clock,
      long pingIntervalMillis,
      int maxMessageBytes,
      int maxSessions,
      int maxSessionsPerAddress,
      OriginPolicy originPolicy,
      BooleanSupplier accepting,
      boolean secure,
      boolean gzipStreams) {
    this.basePath = basePath(webSocketPath);
    this.handler = handler;
    this.scheduler = scheduler;
    this.clock = clock;
    this.pingIntervalMillis = pingIntervalMillis;
    this.maxMessageBytes = maxMessageBytes;
    this.maxSessions = maxSessions;
    this.maxSessionsPerAddress = maxSessionsPerAddress;
    this.originPolicy = originPolicy;
    this.accepting = accepting;
    this.secure = secure;
    this.gzipStreams = gzipStreams;
    this.intake =
        new ThreadPoolExecutor(
            INTAKE_THREADS,
            INTAKE_THREADS,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(INTAKE_QUEUE),
            HttpSide.threads("parley-sse-intake-"));
    this.writers = Executors.newFixedThreadPool(WRITER_THREADS, HttpSide.threads("parley-sse-"));
  }

  /** The SSE endpoint's path for a WebSocket path: {@code /chat} gives {@code /chat/sse}. */
  static String basePath(String webSocketPath) {
    return (webSocketPath.endsWith("/") ? webSocketPath : webSocketPath + "/") + "sse";
  }

  String basePath() {
    return basePath;
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      intake.execute(() -> serve(exchange));
    } catch (RejectedExecutionException e) {
      reply(exchange, 503, "too many requests in progress; try again\n", "Retry-After", "1");
    }
  }

  private void serve(HttpExchange exchange) {
    try {
      route(exchange);
    } catch (IOException e) {
      log.debug("SSE request failed: {}", e.toString());
      exchange.close();
    } catch (RuntimeException e) {
      log.warn(
          "SSE request {} {} failed",
          exchange.getRequestMethod(),
          exchange.getRequestURI().getRawPath(),
          e);
      reply(exchange, 500, "internal error\n");
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (!originPolicy.allows(origin, host)) {
      reply(exchange, 403, "this origin may not use the chat\n");
      return;
    }
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    if (path.equals(basePath)) {
      if (method.equals("POST")) {
        open(exchange);
      } else {
        reply(exchange, 405, "open a session with POST\n", "Allow", "POST");
      }
      return;
    }
    if (!path.startsWith(basePath + "/")) {
      reply(exchange, 404, "not found\n");
      return;
    }
    String[] parts = path.substring(basePath.length() + 1).split("/", -1);
    SseSession session = parts[0].isEmpty() ? null : sessions.get(parts[0]);
    if (parts.length > 2 || (parts.length == 2 && !parts[1].equals("ticket"))) {
      reply(exchange, 404, "not found\n");
    } else if (session == null) {
      reply(exchange, 404, "no such session (never opened, or closed)\n");
    } else if (parts.length == 2) {
      if (!method.equals("POST")) {
        reply(exchange, 405, "get a ticket with POST\n", "Allow", "POST");
      } else if (authorised(exchange, session)) {
        String ticket = session.issueTicket(secret(32));
        replyJson(exchange, 200, "{\"ticket\":\"" + ticket + "\"}");
      }
    } else {
      switch (method) {
        case "GET" -> stream(exchange, session);
        case "POST" -> frames(exchange, session);
        case "DELETE" -> {
          if (authorised(exchange, session)) {
            session.closeByClient();
            reply(exchange, 204, "");
          }
        }
        default -> reply(exchange, 405, "use GET, POST or DELETE\n", "Allow", "GET, POST, DELETE");
      }
    }
  }

  /** {@code POST /chat/sse}: a new session, with its first frame if the body holds one. */
  private void open(HttpExchange exchange) throws IOException {
    if (!accepting.getAsBoolean()) {
      reply(exchange, 503, "the server is not taking sessions now\n", "Retry-After", "1");
      return;
    }
    byte[] body = readBody(exchange);
    if (body == null) {
      reply(exchange, 413, "the body is over " + MAX_BODY_BYTES + " bytes\n");
      return;
    }
    String first = null;
    if (body.length > 0) {
      if (!isJson(exchange)) {
        reply(exchange, 415, "the body must be application/json\n");
        return;
      }
      List<String> frames = parseFrames(body, false);
      if (frames == null) {
        reply(exchange, 400, "the body must be empty or one JSON envelope\n");
        return;
      }
      first = frames.get(0);
      if (utf8Length(first) > maxMessageBytes) {
        reply(exchange, 413, "the frame is over " + maxMessageBytes + " bytes\n");
        return;
      }
    }
    InetAddress address = exchange.getRemoteAddress().getAddress();
    SseSession session;
    String key;
    synchronized (this) {
      if (sessions.size() >= maxSessions) {
        reply(exchange, 503, "the server is full\n", "Retry-After", "5");
        return;
      }
      int open = perAddress.getOrDefault(address, 0);
      if (open >= maxSessionsPerAddress) {
        reply(exchange, 429, "this address has as many connections as one may have\n");
        return;
      }
      perAddress.put(address, open + 1);
      String id = secret(16);
      key = secret(32);
      session = new SseSession(id, key, exchange.getRemoteAddress(), this);
      sessions.put(id, session);
    }
    String ticket = session.issueTicket(secret(32));
    session.open(first);
    exchange.getResponseHeaders().set("Location", basePath + "/" + session.sessionId());
    replyJson(
        exchange,
        201,
        "{\"session\":\""
            + session.sessionId()
            + "\",\"key\":\""
            + key
            + "\",\"ticket\":\""
            + ticket
            + "\"}");
  }

  /** {@code GET /chat/sse/{id}}: attaches the response as the session's stream. */
  private void stream(HttpExchange exchange, SseSession session) throws IOException {
    if (!acceptsEventStream(exchange.getRequestHeaders().getFirst("Accept"))) {
      reply(exchange, 406, "a stream is text/event-stream; send Accept: text/event-stream\n");
      return;
    }
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    String key = exchange.getRequestHeaders().getFirst(KEY_HEADER);
    boolean allowed =
        key != null ? session.keyMatches(key) : session.redeemTicket(query.get("ticket"));
    if (!allowed) {
      reply(
          exchange,
          401,
          key != null
              ? "wrong " + KEY_HEADER + "\n"
              : "a ticket unknown, used already, expired, or of another session\n");
      return;
    }
    String lastHeader = exchange.getRequestHeaders().getFirst("Last-Event-ID");
    String last = lastHeader != null ? lastHeader : query.get("lastEventId");
    long lastEventId = last == null || last.isEmpty() ? -1 : parseNonNegative(last);
    if (last != null && !last.isEmpty() && lastEventId < 0) {
      reply(exchange, 400, "Last-Event-ID must be a number\n");
      return;
    }
    var headers = exchange.getResponseHeaders();
    HttpSide.SECURITY_HEADERS.forEach(headers::set);
    headers.set("Content-Type", "text/event-stream; charset=utf-8");
    headers.set("Cache-Control", "no-store");
    headers.set("X-Accel-Buffering", "no");
    if (secure) {
      headers.set("Strict-Transport-Security", HttpSide.HSTS_VALUE);
    }
    HttpCompression.Coding coding =
        gzipStreams
            ? HttpCompression.negotiateStreaming(exchange.getRequestHeaders(), headers)
            : HttpCompression.Coding.IDENTITY;
    switch (session.attach(exchange, lastEventId, coding)) {
      case ATTACHED -> {}
      case GONE -> reply(exchange, 404, "no such session (never opened, or closed)\n");
      case BAD_EVENT_ID ->
          reply(exchange, 400, "Last-Event-ID is beyond the last event of the session\n");
    }
  }

  /** {@code POST /chat/sse/{id}}: the client's frames. */
  private void frames(HttpExchange exchange, SseSession session) throws IOException {
    if (!authorised(exchange, session)) {
      return;
    }
    if (!isJson(exchange)) {
      reply(exchange, 415, "the body must be application/json\n");
      return;
    }
    long seq = parseNonNegative(exchange.getRequestHeaders().getFirst(POST_SEQ_HEADER));
    if (seq <= 0) {
      reply(exchange, 400, POST_SEQ_HEADER + " must be a positive number\n");
      return;
    }
    String confirmedHeader = exchange.getRequestHeaders().getFirst(CONFIRMED_HEADER);
    long confirmed = confirmedHeader == null ? -1 : parseNonNegative(confirmedHeader);
    if (confirmedHeader != null && confirmed < 0) {
      reply(exchange, 400, CONFIRMED_HEADER + " must be a number\n");
      return;
    }
    byte[] body = readBody(exchange);
    if (body == null) {
      reply(exchange, 413, "the body is over " + MAX_BODY_BYTES + " bytes\n");
      session.close(CloseCodes.MESSAGE_TOO_BIG, "a POST body over " + MAX_BODY_BYTES + " bytes");
      return;
    }
    List<String> frames = parseFrames(body, true);
    if (frames == null) {
      reply(
          exchange,
          400,
          "the body must be one JSON envelope or an array of 1 to " + MAX_FRAMES_PER_POST + "\n");
      return;
    }
    for (String frame : frames) {
      if (utf8Length(frame) > maxMessageBytes) {
        reply(exchange, 413, "a frame is over " + maxMessageBytes + " bytes\n");
        session.close(
            CloseCodes.MESSAGE_TOO_BIG, "a frame over " + maxMessageBytes + " bytes in a POST");
        return;
      }
    }
    switch (session.post(seq, frames, confirmed)) {
      case PROCESSED, REPEATED -> reply(exchange, 204, "");
      case OUT_OF_ORDER ->
          reply(
              exchange,
              409,
              POST_SEQ_HEADER
                  + " "
                  + seq
                  + " skips a number; expected "
                  + session.expectedPostSeq()
                  + "\n");
      case GONE -> reply(exchange, 404, "no such session (never opened, or closed)\n");
    }
  }

  private boolean authorised(HttpExchange exchange, SseSession session) {
    if (session.keyMatches(exchange.getRequestHeaders().getFirst(KEY_HEADER))) {
      return true;
    }
    reply(exchange, 401, "missing or wrong " + KEY_HEADER + "\n");
    return false;
  }

  /**
   * The frames of a body: one JSON object, or (when {@code arrays}) an array of 1 to {@value
   * #MAX_FRAMES_PER_POST} objects; null when it is anything else.
   */
  static List<String> parseFrames(byte[] body, boolean arrays) {
    JsonElement root;
    try {
      root = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
    } catch (RuntimeException | StackOverflowError e) {
      return null;
    }
    if (root.isJsonObject()) {
      return List.of(root.toString());
    }
    if (!arrays || !root.isJsonArray()) {
      return null;
    }
    var array = root.getAsJsonArray();
    if (array.isEmpty() || array.size() > MAX_FRAMES_PER_POST) {
      return null;
    }
    List<String> frames = new ArrayList<>(array.size());
    for (JsonElement element : array) {
      if (!element.isJsonObject()) {
        return null;
      }
      frames.add(element.toString());
    }
    return frames;
  }

  /** The body, or null when it is over {@value #MAX_BODY_BYTES} bytes. */
  private static byte[] readBody(HttpExchange exchange) throws IOException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null && parseNonNegative(declared) > MAX_BODY_BYTES) {
      return null;
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      return body.length > MAX_BODY_BYTES ? null : body;
    }
  }

  private static boolean isJson(HttpExchange exchange) {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null) {
      return false;
    }
    int semicolon = type.indexOf(';');
    String media = (semicolon < 0 ? type : type.substring(0, semicolon)).trim();
    return media.equalsIgnoreCase("application/json");
  }

  static boolean acceptsEventStream(String accept) {
    if (accept == null) {
      return true;
    }
    for (String range : accept.split(",")) {
      String media = range.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
      if (media.equals("text/event-stream") || media.equals("text/*") || media.equals("*/*")) {
        return true;
      }
    }
    return false;
  }

  /** A non-negative decimal number, or -1 when {@code text} is not one. */
  static long parseNonNegative(String text) {
    if (text == null || text.isEmpty() || text.length() > 18) {
      return -1;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(text);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        try {
          values.putIfAbsent(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          // a broken escape: the value is not there
        }
      }
    }
    return values;
  }

  private static int utf8Length(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private String secret(int bytes) {
    byte[] value = new byte[bytes];
    random.nextBytes(value);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
  }

  private void reply(HttpExchange exchange, int status, String text, String... headerPairs) {
    send(
        exchange,
        status,
        "text/plain; charset=utf-8",
        text.getBytes(StandardCharsets.UTF_8),
        headerPairs);
  }

  private void replyJson(HttpExchange exchange, int status, String json) {
    send(exchange, status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  private void send(
      HttpExchange exchange, int status, String type, byte[] body, String... headerPairs) {
    try (exchange) {
      var headers = exchange.getResponseHeaders();
      HttpSide.SECURITY_HEADERS.forEach(headers::set);
      HttpSide.OWN_ANSWER_HEADERS.forEach(headers::set);
      headers.remove("X-Accel-Buffering");
      headers.remove("Content-Encoding");
      if (secure) {
        headers.set("Strict-Transport-Security", HttpSide.HSTS_VALUE);
      }
      for (int i = 0; i + 1 < headerPairs.length; i += 2) {
        headers.set(headerPairs[i], headerPairs[i + 1]);
      }
      if (body.length == 0) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      headers.set("Content-Type", type);
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException e) {
      log.debug("SSE answer {} not delivered: {}", status, e.toString());
    }
  }

  // --- for sessions

  ServerTransportHandler handler() {
    return handler;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  ExecutorService writers() {
    return writers;
  }

  long nowMillis() {
    return clock.millis();
  }

  long pingIntervalMillis() {
    return pingIntervalMillis;
  }

  long ticketLifetimeMillis() {
    return TICKET_LIFETIME_MILLIS;
  }

  long maxKeptBytes() {
    return MAX_KEPT_BYTES;
  }

  long closeDeadlineMillis() {
    return CLOSE_DEADLINE_MILLIS;
  }

  /** A session finished: it no longer counts. */
  void removed(SseSession session) {
    synchronized (this) {
      if (sessions.remove(session.sessionId(), session)) {
        InetAddress address = session.remoteAddress().getAddress();
        perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
      }
    }
  }

  /**
   * Closes every session still open with {@link CloseCodes#GOING_AWAY}, waits a moment for their
   * closing events, then stops the pools.
   */
  void stop() {
    sessions.values().forEach(s -> s.close(CloseCodes.GOING_AWAY, "server is stopping"));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_DEADLINE_MILLIS + 500);
    while (!sessions.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    intake.shutdownNow();
    writers.shutdownNow();
    try {
      writers.awaitTermination(2, TimeUnit.SECONDS);
      intake.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
