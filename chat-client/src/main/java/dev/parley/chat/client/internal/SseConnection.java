package dev.parley.chat.client.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import dev.parley.chat.protocol.internal.JsonFrameCodec;
import dev.parley.chat.spi.ClientTransportConfig;
import dev.parley.chat.spi.ClientTransportConnection;
import dev.parley.chat.spi.ClientTransportListener;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Parley session over Server-Sent Events (docs/protocol.md, "Server-Sent Events"), seen by the
 * client core as one {@link ClientTransportConnection} that carries binary envelopes.
 *
 * <p><b>Opening</b> ({@link #open()}): {@code POST} to the endpoint with an empty body gives the
 * session id and key; then {@code GET <endpoint>/<session>} with the key in {@code
 * Parley-Session-Key} opens the stream. The future completes when the stream's 200 arrived, and
 * fails with the status and reason of a refusal, or once the connect timeout passed. Events are
 * read only after the future completed.
 *
 * <p><b>Inbound</b>: each {@code data} event's JSON envelope becomes the binary envelope the core
 * reads; one the client cannot read is handed over empty, so the core counts it as malformed, as it
 * would over a WebSocket. Event ids are checked: a repeat is skipped, a gap drops the connection
 * (1006). {@code event: close} ends the connection with the server's code and reason. A stream that
 * ends otherwise is opened again with {@code Last-Event-ID}, up to {@value #STREAM_TRIES} tries
 * with growing delays (well within the server's 30 s), invisibly to the core; if that fails the
 * connection ends with 1006.
 *
 * <p><b>Outbound</b>: frames wait in an {@link SsePostQueue} (bounded by {@value
 * #MAX_QUEUED_FRAMES} frames and {@value #MAX_QUEUED_BYTES} bytes; past that the send is refused
 * and the connection aborted, as the WebSocket transport does). One {@code POST} is in flight at a
 * time, carrying what is queued (up to 64 frames), with {@code Parley-Post-Seq} and {@code
 * Parley-Last-Event-ID}. A POST that got no answer, or 503 (busy), is sent again, same body and
 * number, up to {@value #POST_TRIES} tries; one refused ends the connection, with the close the
 * server sends on the stream if it comes within {@link #REFUSAL_GRACE}, else 1009 (for 413) or
 * 1006.
 *
 * <p><b>Liveness</b>: once Welcome gave the heartbeat interval, a {@code Ping} (request id 0, whose
 * {@code Pong} the core ignores) is posted whenever half an interval passed without a POST, since
 * the server closes a session that posts nothing for three intervals; and a stream silent for one
 * and a half intervals (the server pings it, and answers those pings on it) is taken for dead and
 * reopened as above, before the core's heartbeat (two intervals) gives up on the connection. The
 * stream request has no JDK timeout (on the JDK it would also end the stream); its answer's headers
 * are awaited with a timer of the connect timeout instead.
 *
 * <p><b>Closing</b>: {@link #close} lets the queue drain, then sends {@code DELETE}; {@link
 * #abort()} drops everything at once (and still tells the server with a {@code DELETE} it does not
 * wait for). The listener gets exactly one {@code onClosed}, never from inside {@code close} or
 * {@code abort}. Listener calls are made one at a time, on the HTTP client's executor threads.
 *
 * <p>Thread-safe.
 */
final class SseConnection implements ClientTransportConnection {
  private static final Logger log = LoggerFactory.getLogger(SseConnection.class);
  static final int MAX_QUEUED_FRAMES = 65_536;
  static final long MAX_QUEUED_BYTES = 64L * 1024 * 1024;
  static final int STREAM_TRIES = 6;
  static final int POST_TRIES = 6;
  static final Duration REFUSAL_GRACE = Duration.ofSeconds(2);
  private static final long FIRST_RETRY_MILLIS = 250;
  private static final int MAX_ANSWER_BYTES = 4096;
  private static final String KEY_HEADER = "Parley-Session-Key";
  private static final int ABNORMAL = 1006;
  private static final long DEFAULT_HEARTBEAT_MILLIS = 15_000;

  private final HttpClient http;
  private final Executor executor;
  private final ScheduledExecutorService timer;
  private final URI endpoint;
  private final ClientTransportConfig config;
  private final ClientTransportListener listener;
  private final Consumer<SseConnection> onFinished;
  private final int maxEventBytes;
  private final CompletableFuture<ClientTransportConnection> opening = new CompletableFuture<>();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final Object listenerLock = new Object();

  private volatile String key;
  private volatile URI session;
  private volatile boolean opened;

  /** When the last POST left, for the keep-alive. */
  private volatile long lastPostNanos = System.nanoTime();

  /** The server's heartbeat interval once Welcome told it; 0 before. */
  private volatile long heartbeatMillis;

  /** The id of the last event handed to the listener; written under the listener lock. */
  private volatile long lastEventId;

  // Guarded by this.
  private final SsePostQueue posts = new SsePostQueue(MAX_QUEUED_FRAMES, MAX_QUEUED_BYTES);
  private boolean posting;
  private boolean closeRequested;
  private int closeCode = CloseCodes.NORMAL;
  private String closeReason = "";
  private Stream stream;
  private int streamGeneration;
  private CompletableFuture<?> inFlight;

  SseConnection(
      HttpClient http,
      Executor executor,
      ScheduledExecutorService timer,
      URI endpoint,
      ClientTransportConfig config,
      ClientTransportListener listener,
      Consumer<SseConnection> onFinished) {
    this.http = http;
    this.executor = executor;
    this.timer = timer;
    this.endpoint = endpoint;
    this.config = config;
    this.listener = listener;
    this.onFinished = onFinished;
    // JSON is larger than the binary form (base64 bytes, escapes, field names); the binary size is
    // checked against maxMessageBytes once decoded.
    this.maxEventBytes =
        (int) Math.min(Integer.MAX_VALUE - 8, config.maxMessageBytes() * 6L + 4096);
  }

  // --- opening ---

  /** Opens the session and its stream; see the class comment. */
  CompletableFuture<ClientTransportConnection> open() {
    Duration timeout = config.connectTimeout();
    ScheduledFuture<?> deadline =
        timer.schedule(
            () ->
                failOpen(
                    new HttpTimeoutException(
                        "no SSE session from " + endpoint + " within " + timeout)),
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    CompletableFuture<Void> streamOpen;
    try {
      streamOpen =
          http.sendAsync(request, info -> BoundedBody.of(MAX_ANSWER_BYTES))
              .thenCompose(this::sessionOpened);
    } catch (RuntimeException e) {
      streamOpen = CompletableFuture.failedFuture(e);
    }
    streamOpen.whenComplete(
        (ignored, failure) -> {
          deadline.cancel(false);
          if (failure != null) {
            failOpen(unwrap(failure));
            return;
          }
          opened = true;
          if (!opening.complete(this)) {
            cleanUp(); // timed out meanwhile: failOpen told the server
            return;
          }
          Stream first;
          synchronized (this) {
            first = stream;
          }
          if (first != null) {
            first.start();
          }
        });
    return opening;
  }

  private CompletableFuture<Void> sessionOpened(HttpResponse<String> response) {
    if (response.statusCode() != 201) {
      throw new CompletionException(refused("opening an SSE session at " + endpoint, response));
    }
    String id;
    String sessionKey;
    try {
      JsonObject answer = JsonParser.parseString(response.body()).getAsJsonObject();
      id = answer.get("session").getAsString();
      sessionKey = answer.get("key").getAsString();
    } catch (RuntimeException e) {
      throw new CompletionException(
          new IOException(
              endpoint + " answered 201 without a readable session: " + response.body(), e));
    }
    if (!id.matches("[A-Za-z0-9._~-]{1,200}")) {
      throw new CompletionException(
          new IOException(endpoint + " answered a session id that is not a path segment: " + id));
    }
    key = sessionKey;
    String base = endpoint.toString();
    int query = base.indexOf('?');
    if (query >= 0) {
      base = base.substring(0, query);
    }
    session = URI.create((base.endsWith("/") ? base : base + "/") + id);
    if (finished.get()) {
      throw new CompletionException(new IOException("the connection was abandoned"));
    }
    return openStream();
  }

  /** The connect future failed: clean up, and tell the server if the session was opened. */
  private void failOpen(Throwable failure) {
    if (!opening.completeExceptionally(failure)) {
      return;
    }
    if (finished.compareAndSet(false, true)) {
      cleanUp();
      deleteQuietly();
    }
  }

  // --- the stream ---

  /**
   * Opens a stream (resuming after {@link #lastEventId}); completes when its 200 arrived, fails
   * with the refusal or the I/O error.
   */
  private CompletableFuture<Void> openStream() {
    long resumeFrom = lastEventId;
    Stream next;
    synchronized (this) {
      if (finished.get()) {
        return CompletableFuture.failedFuture(new IOException("the connection is closed"));
      }
      next = new Stream(++streamGeneration);
      stream = next;
    }
    // No request timeout: the JDK's would also end the stream's body. The answer's headers are
    // awaited with a timer of our own instead.
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(session)
            .header("Accept", "text/event-stream")
            .header("Cache-Control", "no-cache")
            .header(KEY_HEADER, key)
            .GET();
    if (resumeFrom > 0) {
      builder.header("Last-Event-ID", Long.toString(resumeFrom));
    }
    CompletableFuture<Void> headers = new CompletableFuture<>();
    HttpResponse.BodyHandler<String> handler =
        info -> {
          if (info.statusCode() == 200) {
            headers.complete(null);
            return BodySubscribers.fromSubscriber(next, s -> "");
          }
          return BoundedBody.of(MAX_ANSWER_BYTES);
        };
    CompletableFuture<HttpResponse<String>> exchange;
    try {
      exchange = http.sendAsync(builder.build(), handler);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    next.exchange = exchange;
    Duration timeout = config.connectTimeout();
    try {
      ScheduledFuture<?> deadline =
          timer.schedule(
              () -> {
                if (headers.completeExceptionally(
                    new HttpTimeoutException(
                        "no answer to the SSE stream request within " + timeout))) {
                  next.cancel();
                }
              },
              timeout.toMillis(),
              TimeUnit.MILLISECONDS);
      headers.whenComplete((ignored, failure) -> deadline.cancel(false));
    } catch (RejectedExecutionException e) {
      next.cancel();
      return CompletableFuture.failedFuture(new IOException("the transport is closed", e));
    }
    exchange.whenComplete(
        (response, failure) -> {
          if (failure != null) {
            if (!headers.completeExceptionally(unwrap(failure))) {
              next.ended(failure); // the stream was up: it broke
            }
          } else if (!headers.isDone()) {
            headers.completeExceptionally(
                refused("opening the SSE stream of " + session, response));
          }
        });
    return headers;
  }

  /** A stream ended without {@code event: close}: open another, unless the connection is done. */
  private void streamEnded(Stream ended, Throwable failure) {
    synchronized (this) {
      if (finished.get() || closeRequested || ended != stream) {
        return;
      }
      stream = null;
    }
    log.debug(
        "SSE stream of {} ended ({}); resuming after event {}", session, failure, lastEventId);
    resumeStream(0, failure);
  }

  private void resumeStream(int tries, Throwable last) {
    if (finished.get()) {
      return;
    }
    if (tries >= STREAM_TRIES) {
      finish(
          ABNORMAL,
          "the SSE stream could not be resumed after " + tries + " tries: " + describe(last));
      return;
    }
    long delay = tries == 0 ? 0 : FIRST_RETRY_MILLIS << (tries - 1);
    Runnable attempt =
        () ->
            openStream()
                .whenComplete(
                    (ignored, failure) -> {
                      if (failure == null) {
                        Stream resumed;
                        synchronized (this) {
                          resumed = stream;
                        }
                        if (resumed != null && opened) {
                          resumed.start();
                        }
                        return;
                      }
                      Throwable cause = unwrap(failure);
                      if (cause instanceof SseRefusedException refusal
                          && refusal.status() >= 400
                          && refusal.status() < 500
                          && refusal.status() != 408
                          && refusal.status() != 429) {
                        // the session is gone (404) or no longer ours (401): nothing to resume
                        finish(ABNORMAL, "the SSE session ended: " + describe(cause));
                      } else {
                        resumeStream(tries + 1, cause);
                      }
                    });
    schedule(delay, attempt);
  }

  /** An event from the current stream; false stops reading it. */
  private boolean onEvent(String type, String id, String data) {
    if (finished.get()) {
      return false;
    }
    if ("close".equals(type)) {
      int code = ABNORMAL;
      String reason = "";
      try {
        JsonObject close = JsonParser.parseString(data).getAsJsonObject();
        JsonElement c = close.get("code");
        JsonElement r = close.get("reason");
        code = c == null ? CloseCodes.NORMAL : c.getAsInt();
        reason = r == null || r.isJsonNull() ? "" : r.getAsString();
      } catch (RuntimeException e) {
        reason = "the server closed the SSE session with an unreadable close event: " + data;
      }
      finish(code, reason, false);
      return false;
    }
    if (!"message".equals(type)) {
      log.debug("ignoring an SSE event of type {}", type);
      return true;
    }
    long eventId;
    try {
      eventId = Long.parseLong(id);
    } catch (NumberFormatException e) {
      finish(ABNORMAL, "an SSE event without a numeric id: '" + id + "'");
      return false;
    }
    long last = lastEventId;
    if (eventId <= last) {
      log.debug("skipping SSE event {}, already delivered up to {}", eventId, last);
      return true;
    }
    if (eventId != last + 1) {
      finish(ABNORMAL, "the SSE stream skipped from event " + last + " to " + eventId);
      return false;
    }
    ByteBuffer frame;
    try {
      Envelope envelope = JsonFrameCodec.decode(data);
      if (envelope.hasWelcome()) {
        startKeepAlive(envelope.getWelcome().getHeartbeatIntervalMs());
      }
      frame = BinaryFrames.encode(envelope);
    } catch (FrameDecodeException e) {
      log.warn(
          "an SSE event this client cannot read ({}); passing it on as malformed", e.getMessage());
      frame = ByteBuffer.allocate(0);
    }
    if (frame.remaining() > config.maxMessageBytes()) {
      finish(CloseCodes.MESSAGE_TOO_BIG, "an inbound message exceeded maxMessageBytes");
      return false;
    }
    synchronized (listenerLock) {
      if (finished.get()) {
        return false;
      }
      lastEventId = eventId;
      try {
        listener.onBinary(frame);
      } catch (RuntimeException e) {
        log.error("transport listener failed on a message; ignored", e);
      }
    }
    return true;
  }

  // --- keep-alive ---

  /**
   * The server closes a session that has not posted for three heartbeat intervals, whatever it
   * receives: post a {@code Ping} (request id 0; the core ignores its {@code Pong}) whenever half
   * an interval passed without a POST.
   */
  private void startKeepAlive(int intervalMillis) {
    if (heartbeatMillis != 0) {
      return;
    }
    heartbeatMillis = intervalMillis > 0 ? intervalMillis : DEFAULT_HEARTBEAT_MILLIS;
    schedule(heartbeatMillis / 4, this::keepAlive);
  }

  private void keepAlive() {
    long quiet = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastPostNanos);
    boolean busy;
    synchronized (this) {
      busy = posting || closeRequested;
    }
    if (!busy && quiet >= heartbeatMillis / 2) {
      sendBinary(BinaryFrames.encode(EnvelopeCodec.ping(0, System.currentTimeMillis())));
    }
    Stream current;
    synchronized (this) {
      current = stream;
    }
    if (current != null && current.started() && current.silentMillis() > heartbeatMillis * 3 / 2) {
      // the server pings the stream, and answers our pings on it: a silent stream is dead
      log.debug("SSE stream of {} silent for {} ms; reopening it", session, current.silentMillis());
      current.cancel();
      streamEnded(current, new HttpTimeoutException("the stream was silent"));
    }
    schedule(heartbeatMillis / 4, this::keepAlive);
  }

  // --- sending ---

  @Override
  public boolean sendBinary(ByteBuffer message) {
    int length = message.remaining();
    String json;
    try {
      json = JsonFrameCodec.encode(BinaryFrames.decode(message));
    } catch (FrameDecodeException e) {
      log.warn("refusing an outbound frame that is not an envelope: {}", e.getMessage());
      return false;
    }
    boolean overflow;
    synchronized (this) {
      if (finished.get() || closeRequested) {
        return false;
      }
      overflow = !posts.offer(json, length);
      if (!overflow) {
        if (posting) {
          return true;
        }
        posting = true;
      }
    }
    if (overflow) {
      log.warn(
          "outbound queue over {} frames or {} bytes; aborting",
          MAX_QUEUED_FRAMES,
          MAX_QUEUED_BYTES);
      abort();
      return false;
    }
    pump();
    return true;
  }

  /** Posts the next batch, or sends the DELETE once the queue drained after {@link #close}. */
  private void pump() {
    SsePostQueue.Batch batch;
    synchronized (this) {
      if (finished.get()) {
        posting = false;
        return;
      }
      batch = posts.next();
      if (batch == null) {
        if (!closeRequested) {
          posting = false;
          return;
        }
      }
    }
    if (batch == null) {
      delete(); // "posting" stays set: nothing is sent after the DELETE
    } else {
      post(batch, 1);
    }
  }

  private void post(SsePostQueue.Batch batch, int tries) {
    lastPostNanos = System.nanoTime();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(session)
            .timeout(config.connectTimeout().multipliedBy(2))
            .header("Content-Type", "application/json")
            .header(KEY_HEADER, key)
            .header("Parley-Post-Seq", Long.toString(batch.seq()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(batch.body()));
    long confirmed = lastEventId;
    if (confirmed > 0) {
      builder.header("Parley-Last-Event-ID", Long.toString(confirmed));
    }
    CompletableFuture<HttpResponse<String>> sent;
    try {
      sent = http.sendAsync(builder.build(), info -> answerBody(info.statusCode()));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    synchronized (this) {
      inFlight = sent;
    }
    sent.whenComplete((response, failure) -> posted(batch, tries, response, failure));
  }

  private void posted(
      SsePostQueue.Batch batch, int tries, HttpResponse<String> response, Throwable failure) {
    if (finished.get()) {
      return;
    }
    if (failure != null) {
      Throwable cause = unwrap(failure);
      if (tries >= POST_TRIES) {
        finish(
            ABNORMAL,
            "POST " + batch.seq() + " got no answer after " + tries + " tries: " + describe(cause));
        return;
      }
      log.debug("POST {} got no answer ({}); sending it again", batch.seq(), describe(cause));
      schedule(FIRST_RETRY_MILLIS << (tries - 1), () -> post(batch, tries + 1));
      return;
    }
    int status = response.statusCode();
    if (status == 503 && tries < POST_TRIES) {
      // busy: the server processed nothing (a refused request changes nothing); same seq again
      log.debug("POST {} answered 503 ({}); sending it again", batch.seq(), response.body());
      schedule(FIRST_RETRY_MILLIS << (tries - 1), () -> post(batch, tries + 1));
      return;
    }
    if (status / 100 == 2) {
      synchronized (this) {
        posts.acknowledged();
        inFlight = null;
      }
      pump();
      return;
    }
    SseRefusedException refusal = refused("POST " + batch.seq() + " to " + session, response);
    refusedByServer(status == 413 ? CloseCodes.MESSAGE_TOO_BIG : ABNORMAL, refusal);
  }

  /**
   * The server refused a request of a session it may be closing: wait a little for the close event
   * it sends on the stream, which names the real code, then give up with {@code code}.
   */
  private void refusedByServer(int code, SseRefusedException refusal) {
    log.debug("{}; waiting {} for the server's close", refusal.getMessage(), REFUSAL_GRACE);
    schedule(REFUSAL_GRACE.toMillis(), () -> finish(code, refusal.getMessage()));
  }

  // --- closing ---

  @Override
  public void close(int code, String reason) {
    synchronized (this) {
      if (finished.get() || closeRequested) {
        return;
      }
      closeRequested = true;
      closeCode = code;
      closeReason = reason == null ? "" : reason;
      if (posting) {
        return; // pump() sends the DELETE once the queue is empty
      }
      posting = true;
    }
    pump();
  }

  private void delete() {
    int code;
    String reason;
    synchronized (this) {
      code = closeCode;
      reason = closeReason;
    }
    HttpRequest request =
        HttpRequest.newBuilder(session)
            .timeout(config.connectTimeout())
            .header(KEY_HEADER, key)
            .DELETE()
            .build();
    CompletableFuture<HttpResponse<String>> sent;
    try {
      sent = http.sendAsync(request, info -> answerBody(info.statusCode()));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    synchronized (this) {
      inFlight = sent;
    }
    sent.whenComplete(
        (response, failure) -> {
          if (failure != null) {
            finish(ABNORMAL, "DELETE failed: " + describe(unwrap(failure)));
          } else if (response.statusCode() / 100 == 2 || response.statusCode() == 404) {
            finish(code, reason, false);
          } else {
            finish(ABNORMAL, refused("DELETE " + session, response).getMessage());
          }
        });
  }

  @Override
  public void abort() {
    synchronized (this) {
      closeRequested = true;
    }
    if (!finished.get()) {
      try {
        executor.execute(() -> finish(ABNORMAL, "aborted by the client"));
      } catch (RejectedExecutionException e) {
        finish(ABNORMAL, "aborted by the client");
      }
    }
  }

  @Override
  public synchronized long bufferedBytes() {
    return posts.bufferedBytes();
  }

  private void finish(int code, String reason) {
    finish(code, reason, true);
  }

  /**
   * Ends the connection: once; the listener hears of it if the connect future had completed.
   *
   * @param tellServer whether the server may still hold the session (then it gets a DELETE it is
   *     not waited for); false after the server's close event or the answer to our DELETE
   */
  private void finish(int code, String reason, boolean tellServer) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    cleanUp();
    if (tellServer) {
      deleteQuietly();
    }
    if (!opened || !opening.isDone() || opening.isCompletedExceptionally()) {
      return;
    }
    synchronized (listenerLock) {
      try {
        listener.onClosed(code, reason == null ? "" : reason);
      } catch (RuntimeException e) {
        log.error("transport listener failed on close; ignored", e);
      }
    }
  }

  /** Stops the stream and the request in flight; empties the queue. */
  private void cleanUp() {
    Stream current;
    CompletableFuture<?> request;
    synchronized (this) {
      current = stream;
      stream = null;
      request = inFlight;
      inFlight = null;
      posts.clear();
    }
    if (current != null) {
      current.cancel();
    }
    if (request != null) {
      request.cancel(true);
    }
    onFinished.accept(this);
  }

  /** Tells the server the session is over, without waiting for the answer. */
  private void deleteQuietly() {
    URI target = session;
    String sessionKey = key;
    if (target == null || sessionKey == null) {
      return;
    }
    try {
      http.sendAsync(
              HttpRequest.newBuilder(target)
                  .timeout(config.connectTimeout())
                  .header(KEY_HEADER, sessionKey)
                  .DELETE()
                  .build(),
              info -> BoundedBody.discarding())
          .whenComplete(
              (response, failure) ->
                  log.debug(
                      "DELETE {} after a drop: {}", target, failure == null ? response : failure));
    } catch (RuntimeException e) {
      log.debug("could not DELETE {} after a drop", target, e);
    }
  }

  // --- helpers ---

  private void schedule(long delayMillis, Runnable task) {
    Runnable guarded =
        () -> {
          if (!finished.get()) {
            task.run();
          }
        };
    try {
      if (delayMillis <= 0) {
        executor.execute(guarded);
      } else {
        timer.schedule(guarded, delayMillis, TimeUnit.MILLISECONDS);
      }
    } catch (RejectedExecutionException e) {
      finish(ABNORMAL, "the transport is closed");
    }
  }

  private static BodySubscriber<String> answerBody(int status) {
    return status / 100 == 2 ? BoundedBody.discarding() : BoundedBody.of(MAX_ANSWER_BYTES);
  }

  private static SseRefusedException refused(String what, HttpResponse<String> response) {
    return new SseRefusedException(
        what, response.statusCode(), BoundedBody.firstLine(response.body()));
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String describe(Throwable failure) {
    if (failure == null) {
      return "the stream ended";
    }
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  @Override
  public String toString() {
    return "sse(" + (session == null ? endpoint : session) + ")";
  }

  /**
   * One {@code text/event-stream} response: parses what arrives and hands events to the connection,
   * one chunk at a time. Reading starts with {@link #start()}, once the connection is ready to
   * deliver. Signals from the JDK come one at a time; start and cancel may come from any thread.
   */
  private final class Stream implements Flow.Subscriber<List<ByteBuffer>>, SseEventParser.Sink {
    private final int generation;
    private final SseEventParser parser = new SseEventParser(this, maxEventBytes);
    private final AtomicBoolean done = new AtomicBoolean();
    private Flow.Subscription subscription; // guarded by this
    private boolean started; // guarded by this
    private volatile CompletableFuture<?> exchange;
    private volatile long lastActivityNanos = System.nanoTime();

    Stream(int generation) {
      this.generation = generation;
    }

    synchronized boolean started() {
      return started;
    }

    void start() {
      Flow.Subscription s;
      synchronized (this) {
        if (started) {
          return;
        }
        started = true;
        lastActivityNanos = System.nanoTime();
        s = subscription;
      }
      if (s != null) {
        s.request(1);
      }
    }

    void cancel() {
      Flow.Subscription s;
      synchronized (this) {
        done.set(true);
        s = subscription;
      }
      if (s != null) {
        s.cancel();
      }
      CompletableFuture<?> request = exchange;
      if (request != null) {
        request.cancel(true); // before the answer's headers: stops the request
      }
    }

    /** How long the stream has been silent (no byte, not even a comment). */
    long silentMillis() {
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivityNanos);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      boolean go;
      synchronized (this) {
        subscription = s;
        go = started;
      }
      if (done.get()) {
        s.cancel();
      } else if (go) {
        s.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (done.get()) {
        return;
      }
      lastActivityNanos = System.nanoTime();
      try {
        for (ByteBuffer item : items) {
          if (!parser.feed(item)) {
            cancel();
            return;
          }
        }
      } catch (SseEventParser.TooLargeException e) {
        cancel();
        finish(CloseCodes.MESSAGE_TOO_BIG, e.getMessage());
        return;
      }
      Flow.Subscription s;
      synchronized (this) {
        s = subscription;
      }
      s.request(1);
    }

    @Override
    public void onError(Throwable failure) {
      ended(failure);
    }

    @Override
    public void onComplete() {
      ended(null);
    }

    void ended(Throwable failure) {
      if (done.compareAndSet(false, true)) {
        streamEnded(this, failure);
      }
    }

    @Override
    public boolean event(String type, String id, String data) {
      return onEvent(type, id, data);
    }

    @Override
    public String toString() {
      return "stream #" + generation;
    }
  }
}
