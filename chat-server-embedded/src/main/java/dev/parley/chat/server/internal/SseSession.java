package dev.parley.chat.server.internal;

import com.sun.net.httpserver.HttpExchange;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.spi.TransportConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Server-Sent Events session: to the server core a {@link TransportConnection} like a
 * WebSocket, whose frames go down an SSE stream and arrive in POSTs (the protocol's "Server-Sent
 * Events" section). Thread-safe.
 *
 * <p>Outbound, {@link #sendText(String)} numbers each frame (its event id) and queues it; one drain
 * task at a time, on the endpoint's writer pool, writes what is queued to the attached stream.
 * Written frames are kept until the client confirms them ({@code Last-Event-ID} on a new stream,
 * {@code Parley-Last-Event-ID} on a POST), so that a stream that drops is resumed by the next one
 * with nothing lost or repeated; what is kept is bounded, and a resume from a point no longer kept
 * closes the session with {@link CloseCodes#SLOW_CONSUMER} (the client then resumes by protocol, as
 * after any dropped connection). {@link #bufferedBytes()} counts frames queued or being written,
 * never those kept, so the server's slow-consumer limit works as on a WebSocket.
 *
 * <p>Inbound, {@link #post(long, List, long)} hands frames to the core one POST at a time, in
 * {@code Parley-Post-Seq} order; the core's callbacks for this connection are all made under one
 * lock, so they never overlap ({@code onOpen}, frames, then one {@code onClose}, always on a thread
 * of the endpoint's pools, never nested in another callback).
 *
 * <p>A timer tick (every half ping interval) writes a comment when the stream was quiet for a ping
 * interval, interrupts a write still unfinished after two (the stream is then dropped, the session
 * stays), closes a session without a stream for two heartbeat intervals as dropped (1006), and one
 * that received no POST for three with {@link CloseCodes#HEARTBEAT_TIMEOUT}.
 */
final class SseSession implements TransportConnection {
  private static final Logger log = LoggerFactory.getLogger(SseSession.class);

  private static final byte[] PING_BYTES = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PREAMBLE = "retry: 1000\n\n".getBytes(StandardCharsets.US_ASCII);

  /** The close code of a connection that dropped without a close (never sent, only reported). */
  static final int DROPPED = 1006;

  /** Most tickets outstanding per session; issuing another forgets the oldest. */
  static final int MAX_TICKETS = 8;

  private enum State {
    OPEN,
    CLOSING,
    CLOSED
  }

  /** What attaching a stream came to. */
  enum Attach {
    ATTACHED,
    GONE,
    BAD_EVENT_ID
  }

  /** What a POST came to. */
  enum Post {
    PROCESSED,
    REPEATED,
    OUT_OF_ORDER,
    GONE
  }

  /** A frame (id above 0), a ping or the closing event (id 0). */
  private record Event(long id, byte[] bytes, boolean closing) {}

  /** One attached response stream. */
  private static final class Stream {
    final HttpExchange exchange;
    final OutputStream out;

    Stream(HttpExchange exchange, OutputStream out) {
      this.exchange = exchange;
      this.out = out;
    }

    void end() {
      try {
        out.close();
      } catch (IOException | RuntimeException e) {
        // the client is gone already
      }
      exchange.close();
    }
  }

  private final String id;
  private final byte[] key;
  private final InetSocketAddress remote;
  private final SseEndpoint endpoint;
  private final Object intakeLock = new Object();
  private volatile Object attachment;
  private volatile long buffered;

  // guarded by this
  private State state = State.OPEN;
  private final ArrayDeque<Event> pending = new ArrayDeque<>();
  private long pendingBytes;
  private long inFlightBytes;
  private final ArrayDeque<Event> kept = new ArrayDeque<>();
  private long keptBytes;
  private long nextEventId = 1;
  private long droppedThrough; // the highest frame id forgotten before the client confirmed it
  private Stream stream;
  private final List<Stream> toEnd = new ArrayList<>();
  private boolean draining;
  private Thread writer;
  private long writeStartedMillis;
  private long lastWriteMillis;
  private long detachedAtMillis;
  private long lastPostMillis;
  private boolean finished;
  private boolean coreNotified;
  private int closeCode;
  private String closeReason = "";
  private boolean closeRemote;
  private ScheduledFuture<?> ticker;
  private final Map<String, Long> tickets = new LinkedHashMap<>();

  // guarded by intakeLock
  private long lastPostSeq;

  SseSession(String id, String key, InetSocketAddress remote, SseEndpoint endpoint) {
    this.id = id;
    this.key = key.getBytes(StandardCharsets.US_ASCII);
    this.remote = remote;
    this.endpoint = endpoint;
    long now = endpoint.nowMillis();
    this.detachedAtMillis = now;
    this.lastPostMillis = now;
    this.lastWriteMillis = now;
  }

  /** Starts the session: the core's {@code onOpen}, then the first frame if the client sent one. */
  void open(String firstFrame) {
    synchronized (intakeLock) {
      endpoint.handler().onOpen(this);
      if (firstFrame != null) {
        endpoint.handler().onText(this, firstFrame);
      }
    }
    long tick = Math.max(1, endpoint.pingIntervalMillis() / 2);
    ScheduledFuture<?> task =
        endpoint.scheduler().scheduleAtFixedRate(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    synchronized (this) {
      if (finished) {
        task.cancel(false);
      } else {
        ticker = task;
      }
    }
  }

  /**
   * Whether {@code candidate} is this session's key (in constant time). A match counts as a sign of
   * life from the client, whatever the request turns out to be.
   */
  boolean keyMatches(String candidate) {
    boolean matches =
        candidate != null
            && MessageDigest.isEqual(key, candidate.getBytes(StandardCharsets.US_ASCII));
    if (matches) {
      synchronized (this) {
        lastPostMillis = endpoint.nowMillis();
      }
    }
    return matches;
  }

  /** A new single-use ticket for opening one stream. */
  synchronized String issueTicket(String ticket) {
    tickets.put(ticket, endpoint.nowMillis() + endpoint.ticketLifetimeMillis());
    if (tickets.size() > MAX_TICKETS) {
      Iterator<String> oldest = tickets.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    return ticket;
  }

  /** Uses up {@code ticket}: true if it was issued by this session, unused and not expired. */
  synchronized boolean redeemTicket(String ticket) {
    Long expiry = ticket == null ? null : tickets.remove(ticket);
    return expiry != null && endpoint.nowMillis() <= expiry;
  }

  /**
   * Makes {@code exchange} the session's stream, ending the one before, and queues the frames after
   * {@code lastEventId} (-1: none given) that the client has not confirmed. The response headers
   * and preamble are written first, in {@code coding} (gzip with a flush per write, or none).
   */
  Attach attach(HttpExchange exchange, long lastEventId, HttpCompression.Coding coding)
      throws IOException {
    synchronized (this) {
      if (!attachable()) {
        return Attach.GONE;
      }
      if (lastEventId >= nextEventId) {
        return Attach.BAD_EVENT_ID;
      }
    }
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = HttpCompression.streamingBody(exchange.getResponseBody(), coding);
    out.write(PREAMBLE);
    out.flush();
    Stream fresh = new Stream(exchange, out);
    boolean lost;
    boolean drain;
    synchronized (this) {
      if (!attachable()) {
        fresh.end();
        return Attach.GONE;
      }
      long from = lastEventId < 0 ? 0 : lastEventId;
      confirm(from);
      lost = from < droppedThrough;
      // frames written to an earlier stream and not confirmed go out again, before anything newer
      Iterator<Event> back = kept.descendingIterator();
      while (back.hasNext()) {
        Event event = back.next();
        pending.addFirst(event);
        pendingBytes += event.bytes().length;
      }
      kept.clear();
      keptBytes = 0;
      if (stream != null) {
        toEnd.add(stream);
      }
      stream = fresh;
      lastWriteMillis = endpoint.nowMillis();
      drain = startDrain();
      updateBuffered();
    }
    if (lost) {
      close(
          CloseCodes.SLOW_CONSUMER,
          "the events after " + Math.max(0, lastEventId) + " are no longer kept; resume");
    } else if (drain) {
      endpoint.writers().execute(this::drain);
    }
    return Attach.ATTACHED;
  }

  /**
   * Hands one POST's frames to the core, in order, once per {@code seq}.
   *
   * @param confirmedEventId the client's {@code Parley-Last-Event-ID}, or -1
   */
  Post post(long seq, List<String> frames, long confirmedEventId) {
    synchronized (intakeLock) {
      if (!isOpen()) {
        return Post.GONE;
      }
      synchronized (this) {
        lastPostMillis = endpoint.nowMillis();
        if (confirmedEventId >= 0 && confirmedEventId < nextEventId) {
          confirm(confirmedEventId);
        }
      }
      if (seq == lastPostSeq) {
        return Post.REPEATED;
      }
      if (seq != lastPostSeq + 1) {
        return Post.OUT_OF_ORDER;
      }
      lastPostSeq = seq;
      for (String frame : frames) {
        endpoint.handler().onText(this, frame);
      }
      return Post.PROCESSED;
    }
  }

  /** The POST sequence number the session expects next. */
  long expectedPostSeq() {
    synchronized (intakeLock) {
      return lastPostSeq + 1;
    }
  }

  /** The client ended the session ({@code DELETE}): closed with 1000 as from the client's side. */
  void closeByClient() {
    endRemotely(CloseCodes.NORMAL, "closed by the client");
  }

  @Override
  public String id() {
    return "sse-" + id.substring(0, Math.min(8, id.length()));
  }

  /** The session id, as in its URLs. */
  String sessionId() {
    return id;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remote;
  }

  @Override
  public String subprotocol() {
    return dev.parley.chat.protocol.Protocol.SUBPROTOCOL_JSON;
  }

  /** Never used: an SSE session speaks the JSON subprotocol only. */
  @Override
  public boolean sendBinary(ByteBuffer message) {
    log.warn("binary frame for SSE session {} dropped: SSE carries JSON frames only", id());
    return false;
  }

  @Override
  public boolean sendText(String message) {
    byte[] bytes;
    boolean drain;
    synchronized (this) {
      if (state != State.OPEN) {
        return false;
      }
      long eventId = nextEventId++;
      bytes = ("id: " + eventId + "\ndata: " + message + "\n\n").getBytes(StandardCharsets.UTF_8);
      pending.add(new Event(eventId, bytes, false));
      pendingBytes += bytes.length;
      updateBuffered();
      drain = startDrain();
    }
    if (drain) {
      endpoint.writers().execute(this::drain);
    }
    return true;
  }

  @Override
  public long bufferedBytes() {
    return buffered;
  }

  @Override
  public void close(int code, String reason) {
    boolean drain;
    boolean attached;
    synchronized (this) {
      if (state != State.OPEN) {
        return;
      }
      state = State.CLOSING;
      closeCode = code;
      closeReason = reason == null ? "" : reason;
      attached = stream != null;
      byte[] bytes =
          ("event: close\ndata: " + closeJson(code, closeReason) + "\n\n")
              .getBytes(StandardCharsets.UTF_8);
      pending.add(new Event(0, bytes, true));
      detachedAtMillis = endpoint.nowMillis();
      drain = startDrain();
    }
    if (!attached) {
      // the core is done with it now; the closing event waits for a stream (the client may not
      // have opened one yet, or be reopening it) as long as a session waits for one
      endpoint.writers().execute(this::notifyCore);
      return;
    }
    if (drain) {
      endpoint.writers().execute(this::drain);
    }
    // a reader that does not take the closing event is not waited for long
    endpoint
        .scheduler()
        .schedule(
            () -> endpoint.writers().execute(this::finish),
            endpoint.closeDeadlineMillis(),
            TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized boolean isOpen() {
    return state == State.OPEN;
  }

  @Override
  public void attach(Object attachment) {
    this.attachment = attachment;
  }

  @Override
  public Object attachment() {
    return attachment;
  }

  /** Writes what is queued to the attached stream until nothing is; one at a time per session. */
  private void drain() {
    while (true) {
      List<Stream> ending;
      Stream target;
      List<Event> batch;
      synchronized (this) {
        ending = toEnd.isEmpty() ? List.of() : new ArrayList<>(toEnd);
        toEnd.clear();
        target = stream;
        batch = List.of();
        if (target != null && !pending.isEmpty()) {
          batch = new ArrayList<>(pending);
          pending.clear();
          inFlightBytes = pendingBytes;
          pendingBytes = 0;
          for (Event event : batch) {
            if (event.id() > 0) {
              kept.add(event);
              keptBytes += event.bytes().length;
            }
          }
          trimKept();
        }
        if (ending.isEmpty() && batch.isEmpty()) {
          draining = false;
          return;
        }
        writer = Thread.currentThread();
        writeStartedMillis = endpoint.nowMillis();
      }
      ending.forEach(Stream::end);
      boolean failed = false;
      boolean closing = false;
      try {
        for (Event event : batch) {
          target.out.write(event.bytes());
          closing |= event.closing();
        }
        if (!batch.isEmpty()) {
          target.out.flush();
        }
      } catch (IOException | RuntimeException e) {
        failed = true;
        log.debug("SSE stream of session {} dropped: {}", id(), e.toString());
      }
      synchronized (this) {
        writer = null;
        Thread.interrupted(); // a stall interrupt that came too late must not leak into the pool
        inFlightBytes = 0;
        lastWriteMillis = endpoint.nowMillis();
        updateBuffered();
        if (failed && stream == target) {
          stream = null;
          detachedAtMillis = endpoint.nowMillis();
        }
      }
      if (failed) {
        target.end();
      }
      if (closing && !failed) {
        finish();
        synchronized (this) {
          draining = false;
        }
        return;
      }
    }
  }

  /**
   * Whether a stream may attach: the session is open, or closed while no stream was attached and
   * its closing event still waits for one. Guarded by this.
   */
  private boolean attachable() {
    return !finished && (state == State.OPEN || (state == State.CLOSING && stream == null));
  }

  /** Whether a drain task must be started; the caller submits it. Guarded by this. */
  private boolean startDrain() {
    if (draining || stream == null) {
      return false;
    }
    draining = true;
    return true;
  }

  /** Forgets kept frames up to {@code eventId}, which the client has. Guarded by this. */
  private void confirm(long eventId) {
    while (!kept.isEmpty() && kept.peekFirst().id() <= eventId) {
      keptBytes -= kept.removeFirst().bytes().length;
    }
  }

  /** Forgets the oldest kept frames past the limit. Guarded by this. */
  private void trimKept() {
    while (keptBytes > endpoint.maxKeptBytes() && !kept.isEmpty()) {
      Event oldest = kept.removeFirst();
      keptBytes -= oldest.bytes().length;
      droppedThrough = oldest.id();
    }
  }

  private void updateBuffered() {
    buffered = pendingBytes + inFlightBytes;
  }

  /** The timer's check; see the class comment. */
  private void tick() {
    long now = endpoint.nowMillis();
    long ping = endpoint.pingIntervalMillis();
    boolean drain = false;
    boolean dropped = false;
    boolean silent = false;
    synchronized (this) {
      if (finished) {
        return;
      }
      if (writer != null && now - writeStartedMillis >= 2 * ping) {
        writer.interrupt(); // unfinished after two intervals: drop the stream, keep the session
      }
      if (state == State.CLOSING && stream == null && now - detachedAtMillis >= 2 * ping) {
        dropped = true;
      } else if (state == State.OPEN) {
        if (stream == null) {
          dropped = now - detachedAtMillis >= 2 * ping;
        } else if (now - lastWriteMillis >= ping && pending.isEmpty() && writer == null) {
          pending.add(new Event(0, PING_BYTES, false));
          drain = startDrain();
        }
        silent = !dropped && now - lastPostMillis >= 3 * ping;
      }
    }
    if (drain) {
      endpoint.writers().execute(this::drain);
    }
    if (dropped) {
      endRemotely(DROPPED, "no stream for two heartbeat intervals");
    } else if (silent) {
      close(CloseCodes.HEARTBEAT_TIMEOUT, "nothing arrived within three heartbeat intervals");
    }
  }

  /** Ends the session as the client's side did (no closing event is sent). */
  private void endRemotely(int code, String reason) {
    synchronized (this) {
      if (state == State.CLOSED || finished) {
        return;
      }
      if (state == State.OPEN) {
        closeCode = code;
        closeReason = reason;
        closeRemote = true;
      }
      state = State.CLOSING;
    }
    endpoint.writers().execute(this::finish);
  }

  /** Closes for good: once; ends the stream, forgets the session, tells the core. */
  private void finish() {
    Stream last;
    List<Stream> ending;
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
      state = State.CLOSED;
      last = stream;
      stream = null;
      ending = new ArrayList<>(toEnd);
      toEnd.clear();
      pending.clear();
      kept.clear();
      pendingBytes = 0;
      inFlightBytes = 0;
      updateBuffered();
      if (writer != null && writer != Thread.currentThread()) {
        writer.interrupt();
      }
      if (ticker != null) {
        ticker.cancel(false);
      }
    }
    ending.forEach(Stream::end);
    if (last != null) {
      last.end();
    }
    endpoint.removed(this);
    notifyCore();
  }

  /** Tells the core the connection is closed, once. */
  private void notifyCore() {
    synchronized (intakeLock) {
      synchronized (this) {
        if (coreNotified) {
          return;
        }
        coreNotified = true;
      }
      endpoint.handler().onClose(this, closeCode, closeReason, closeRemote);
    }
  }

  private static String closeJson(int code, String reason) {
    StringBuilder json = new StringBuilder("{\"code\":").append(code).append(",\"reason\":\"");
    for (int i = 0; i < reason.length(); i++) {
      char c = reason.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append("\"}").toString();
  }
}
