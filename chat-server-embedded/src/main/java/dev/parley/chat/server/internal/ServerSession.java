package dev.parley.chat.server.internal;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.spi.ConnectRequest;
import dev.parley.chat.spi.Identity;
import dev.parley.chat.spi.TransportConnection;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection and what the server knows about it. Thread-safe: frames arrive one at a
 * time on the transport's thread, but deliveries come from any room's publisher, and authentication
 * completes on a worker.
 *
 * <p>Lifecycle: {@link State#AWAITING_CONNECT} until the first frame, {@link State#AUTHENTICATING}
 * while the authenticator and rejoins run, {@link State#OPEN} once welcomed, {@link State#CLOSED}
 * after the transport reported the close. Until the Welcome frame is queued, deliveries are held in
 * a bounded buffer so the client sees Welcome first, and frames the client pipelined behind its
 * Connect wait in another bounded queue ({@link #MAX_FRAMES_BEFORE_WELCOME} frames, {@link
 * #MAX_BYTES_BEFORE_WELCOME} bytes); they are handled in arrival order once Welcome is queued, or
 * dropped if the authenticator refuses. Frames that arrive while those are being handled join the
 * same queue, so none overtakes another; that tail is bounded too ({@link
 * #MAX_QUEUED_AFTER_WELCOME} frames or 4 times the byte limit), though it only grows if handling
 * stalls.
 */
final class ServerSession {
  private static final Logger log = LoggerFactory.getLogger(ServerSession.class);

  /** Client frames that may wait for Welcome; one more closes the connection (4000). */
  static final int MAX_FRAMES_BEFORE_WELCOME = 64;

  /** Bytes of client frames that may wait for Welcome; more closes the connection (4000). */
  static final long MAX_BYTES_BEFORE_WELCOME = 256 * 1024;

  /**
   * Frames that may be queued at once while the frames that waited for Welcome are being handled
   * (they arrived after Welcome was queued); one more closes the connection (4000).
   */
  static final int MAX_QUEUED_AFTER_WELCOME = 4 * MAX_FRAMES_BEFORE_WELCOME;

  /** What {@link #deferUntilWelcome} decided about a frame. */
  enum Deferral {
    /** Handle the frame now. */
    HANDLE_NOW,
    /** The frame waits for Welcome (or was dropped because the session is closing). */
    DEFERRED,
    /** The queue for Welcome is full: the caller closes the connection. */
    OVERFLOW
  }

  enum State {
    AWAITING_CONNECT,
    AUTHENTICATING,
    OPEN,
    CLOSED
  }

  private final String id;
  private final TransportConnection connection;
  private final boolean json;
  private final long maxOutboundBytes;
  private final RequestRateLimiter limiter;
  private final Executor closer;
  private final ServerMetrics metrics;
  private final AtomicBoolean slowConsumerCounted = new AtomicBoolean();
  // sized for the one or two rooms most sessions are in; it grows as needed
  private final Map<RoomId, Room> rooms = new ConcurrentHashMap<>(2);
  private final SendOrder sendOrder = new SendOrder();
  private volatile State state = State.AWAITING_CONNECT;
  private volatile UserId user;
  private volatile Identity identity;
  private volatile boolean welcomed;
  private volatile boolean presenceBatches;
  private volatile boolean closing;
  private List<OutboundFrame> held = new ArrayList<>();
  private long heldBytes;
  private int malformedInRow;
  private ArrayDeque<Waiting> waiting;
  private boolean welcomeQueued;
  private int framesBeforeWelcome;
  private long bytesBeforeWelcome;
  private long waitingBytes;
  private ScheduledFuture<?> connectDeadline;
  private volatile ConnectRequest connectRequest;
  private ScheduledFuture<?> expiryWarning;
  private ScheduledFuture<?> expiryClose;
  private volatile Runnable onClosing = () -> {};

  ServerSession(
      String id,
      TransportConnection connection,
      long maxOutboundBytes,
      RequestRateLimiter limiter,
      Executor closer,
      ServerMetrics metrics) {
    this.id = id;
    this.metrics = metrics;
    this.closer = closer;
    this.connection = connection;
    this.json = Protocol.SUBPROTOCOL_JSON.equals(connection.subprotocol());
    this.maxOutboundBytes = maxOutboundBytes;
    this.limiter = limiter;
  }

  String id() {
    return id;
  }

  UserId user() {
    return user;
  }

  State state() {
    return state;
  }

  /** Whether the server has decided to close this session (or the transport reported it closed). */
  boolean isClosing() {
    return closing;
  }

  boolean isJson() {
    return json;
  }

  TransportConnection connection() {
    return connection;
  }

  RequestRateLimiter limiter() {
    return limiter;
  }

  Map<RoomId, Room> rooms() {
    return rooms;
  }

  /** This session's sends the store failed, waiting for their resends. */
  SendOrder sendOrder() {
    return sendOrder;
  }

  /** Called on the transport thread: moves from AWAITING_CONNECT to AUTHENTICATING. */
  synchronized boolean beginAuthentication() {
    if (state != State.AWAITING_CONNECT) {
      return false;
    }
    state = State.AUTHENTICATING;
    waiting = new ArrayDeque<>();
    return true;
  }

  /**
   * Called on the transport thread for each client frame, before it is handled. While the Connect
   * is being authenticated (and while frames queued meanwhile are being handled after Welcome), the
   * frame's work joins the queue so frames are handled in the order they arrived.
   *
   * @param bytes the frame's size on the wire, counted against {@link #MAX_BYTES_BEFORE_WELCOME}
   * @param work what handling the frame means
   */
  synchronized Deferral deferUntilWelcome(long bytes, Runnable work) {
    if (waiting == null) {
      return Deferral.HANDLE_NOW;
    }
    if (closing) {
      return Deferral.DEFERRED; // refused or closing: what was queued is dropped, and so is this
    }
    boolean over;
    if (!welcomeQueued) {
      // counted from Connect to Welcome: what a client may send without waiting
      over =
          framesBeforeWelcome >= MAX_FRAMES_BEFORE_WELCOME
              || bytesBeforeWelcome + bytes > MAX_BYTES_BEFORE_WELCOME;
      framesBeforeWelcome++;
      bytesBeforeWelcome += bytes;
    } else {
      // the client already has its Welcome; the queue drains as fast as frames are handled
      over =
          waiting.size() >= MAX_QUEUED_AFTER_WELCOME
              || waitingBytes + bytes > 4 * MAX_BYTES_BEFORE_WELCOME;
    }
    if (over) {
      waiting.clear();
      waitingBytes = 0;
      return Deferral.OVERFLOW;
    }
    waiting.add(new Waiting(work, bytes));
    waitingBytes += bytes;
    return Deferral.DEFERRED;
  }

  /** Drops the frames waiting for Welcome (the authenticator refused). */
  synchronized void dropWaiting() {
    if (waiting != null) {
      waiting.clear();
      waitingBytes = 0;
    }
  }

  /**
   * Handles the frames that waited for Welcome, in arrival order, on the calling thread. Frames
   * that arrive meanwhile join the end of the queue; the queue is retired only once it is empty, so
   * no frame overtakes another.
   */
  private void handleWaiting() {
    while (true) {
      Waiting next;
      synchronized (this) {
        if (waiting == null) {
          return;
        }
        next = waiting.poll();
        if (next == null || closing) {
          waiting = null;
          waitingBytes = 0;
          return;
        }
        waitingBytes -= next.bytes();
      }
      next.work().run();
    }
  }

  void authenticated(Identity identity) {
    this.identity = identity;
    this.user = identity.user();
  }

  /**
   * The session now runs on fresh credentials of the same user ({@code Reauthenticate}): their
   * roles and expiry replace the old ones.
   */
  void reauthenticated(Identity fresh) {
    if (!fresh.user().equals(user)) {
      throw new IllegalArgumentException(fresh.user() + " is not this session's user " + user);
    }
    this.identity = fresh;
  }

  /** What the client presented in its Connect (its token included); null before Connect. */
  ConnectRequest connectRequest() {
    return connectRequest;
  }

  void connectRequest(ConnectRequest request) {
    this.connectRequest = request;
  }

  /**
   * The timers of the current credentials' expiry (either may be null), replacing and cancelling
   * earlier ones; cancelled at once if the session has closed.
   */
  synchronized void expiryTimers(ScheduledFuture<?> warning, ScheduledFuture<?> close) {
    cancelExpiryTimers();
    if (state == State.CLOSED) {
      cancel(warning);
      cancel(close);
      return;
    }
    expiryWarning = warning;
    expiryClose = close;
  }

  private void cancelExpiryTimers() {
    cancel(expiryWarning);
    cancel(expiryClose);
    expiryWarning = null;
    expiryClose = null;
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  /** Who the authenticator found this session to be; null before authentication. */
  Identity identity() {
    return identity;
  }

  /**
   * What to run (on the closer executor) when the server decides to close this session: the session
   * leaves its rooms at once instead of when the transport finally reports the close, which for a
   * peer that stopped reading can take a while.
   */
  void onClosing(Runnable action) {
    this.onClosing = action;
  }

  void connectDeadline(ScheduledFuture<?> deadline) {
    this.connectDeadline = deadline;
  }

  /** Counts a malformed frame; returns how many came in a row. */
  int malformed() {
    return ++malformedInRow;
  }

  void wellFormed() {
    malformedInRow = 0;
  }

  /**
   * Queues the Welcome frame, then everything held back for it, and opens the session for direct
   * delivery.
   */
  void welcome(OutboundFrame welcome) {
    List<OutboundFrame> flush;
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.OPEN;
      if (connectDeadline != null) {
        connectDeadline.cancel(false);
      }
      write(welcome, null);
      flush = held;
      held = null;
      heldBytes = 0;
      for (OutboundFrame frame : flush) {
        write(frame, null);
      }
      welcomed = true;
      welcomeQueued = true;
    }
    handleWaiting();
  }

  /**
   * Queues a frame for this client without blocking. Closes the connection as a slow consumer when
   * its unwritten bytes are already over the limit (or, before Welcome, when the frames held for it
   * pass the limit).
   */
  void deliver(OutboundFrame frame) {
    deliver(frame, null);
  }

  /**
   * As {@link #deliver(OutboundFrame)}, for one recipient of a fan-out: a frame written is counted
   * in {@code tally}, which the fan-out records once, instead of in the metrics.
   */
  void deliver(OutboundFrame frame, FrameTally tally) {
    if (!welcomed) {
      synchronized (this) {
        if (!welcomed) {
          if (held == null) {
            return;
          }
          held.add(frame);
          heldBytes += frame.size(json);
          if (heldBytes > maxOutboundBytes) {
            slowConsumer();
          }
          return;
        }
      }
    }
    write(frame, tally);
  }

  /** Sends a frame that answers a request, even before Welcome (errors, Welcome itself). */
  void reply(OutboundFrame frame) {
    if (frame.envelope().hasError()) {
      metrics.errorSent(frame.errorCode());
    }
    write(frame, null);
  }

  private void write(OutboundFrame frame, FrameTally tally) {
    if (closing) {
      return;
    }
    // Over the limit already: the peer is not keeping up. A single frame larger than the limit
    // (a big history page) is still sent when the queue is below it, so memory stays bounded by
    // the limit plus one frame.
    if (connection.bufferedBytes() > maxOutboundBytes) {
      slowConsumer();
      return;
    }
    if (json) {
      String text = frame.json();
      count(tally, true, text.length());
      connection.sendText(text);
    } else {
      ByteBuffer bytes = frame.binary().duplicate();
      count(tally, false, bytes.remaining());
      connection.sendBinary(bytes);
    }
  }

  private void count(FrameTally tally, boolean json, int bytes) {
    if (tally == null) {
      metrics.framesOut(json, 1, bytes);
    } else {
      tally.add(json, bytes);
    }
  }

  private void slowConsumer() {
    if (slowConsumerCounted.compareAndSet(false, true)) {
      metrics.slowConsumerClosed(); // once, though several threads may find the queue full
    }
    log.debug("session {} ({}) is a slow consumer; closing", id, user);
    close(
        CloseCodes.SLOW_CONSUMER,
        "outbound queue passed " + maxOutboundBytes + " bytes; reconnect and resume");
  }

  /**
   * Starts closing the connection; the transport's onClose finishes the job. The transport call
   * runs on another thread, because a caller may hold a room's monitor and a transport may report
   * the close synchronously, which would re-enter rooms from inside a fan-out.
   */
  void close(int code, String reason) {
    closing = true;
    Runnable work =
        () -> {
          connection.close(code, reason);
          onClosing.run();
        };
    try {
      closer.execute(work);
    } catch (RejectedExecutionException stopping) {
      work.run();
    }
  }

  /** Called once, when the transport reported the close; returns the rooms to leave. */
  synchronized List<Room> closed() {
    state = State.CLOSED;
    closing = true;
    held = null;
    if (connectDeadline != null) {
      connectDeadline.cancel(false);
    }
    cancelExpiryTimers();
    List<Room> left = new ArrayList<>(rooms.values());
    rooms.clear();
    return left;
  }

  /** A client frame's handling, waiting its turn, and its size on the wire. */
  private record Waiting(Runnable work, long bytes) {}

  @Override
  public String toString() {
    return "session " + id + (user == null ? "" : " (" + user + ")");
  }

  /** Whether the client asked for {@code PresenceBatch} frames instead of {@code Presence}. */
  boolean presenceBatches() {
    return presenceBatches;
  }

  /** Set once, from Connect, before the session joins any room. */
  void presenceBatches(boolean asked) {
    this.presenceBatches = asked;
  }
}
