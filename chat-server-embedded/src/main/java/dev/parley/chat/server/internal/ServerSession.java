package dev.parley.chat.server.internal;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.spi.TransportConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
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
 * a bounded buffer so the client sees Welcome first.
 */
final class ServerSession {
  private static final Logger log = LoggerFactory.getLogger(ServerSession.class);

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
  private final Map<RoomId, Room> rooms = new ConcurrentHashMap<>();
  private final SendOrder sendOrder = new SendOrder();
  private volatile State state = State.AWAITING_CONNECT;
  private volatile UserId user;
  private volatile boolean welcomed;
  private volatile boolean closing;
  private List<OutboundFrame> held = new ArrayList<>();
  private long heldBytes;
  private int malformedInRow;
  private ScheduledFuture<?> connectDeadline;
  private volatile Runnable onClosing = () -> {};

  ServerSession(
      String id,
      TransportConnection connection,
      long maxOutboundBytes,
      RequestRateLimiter limiter,
      Executor closer) {
    this.id = id;
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
  boolean beginAuthentication() {
    if (state != State.AWAITING_CONNECT) {
      return false;
    }
    state = State.AUTHENTICATING;
    return true;
  }

  void authenticated(UserId user) {
    this.user = user;
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
      write(welcome);
      flush = held;
      held = null;
      heldBytes = 0;
      for (OutboundFrame frame : flush) {
        write(frame);
      }
      welcomed = true;
    }
  }

  /**
   * Queues a frame for this client without blocking. Closes the connection as a slow consumer when
   * its unwritten bytes are already over the limit (or, before Welcome, when the frames held for it
   * pass the limit).
   */
  void deliver(OutboundFrame frame) {
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
    write(frame);
  }

  /** Sends a frame that answers a request, even before Welcome (errors, Welcome itself). */
  void reply(OutboundFrame frame) {
    write(frame);
  }

  private void write(OutboundFrame frame) {
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
      connection.sendText(frame.json());
    } else {
      connection.sendBinary(frame.binary().duplicate());
    }
  }

  private void slowConsumer() {
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
    List<Room> left = new ArrayList<>(rooms.values());
    rooms.clear();
    return left;
  }

  @Override
  public String toString() {
    return "session " + id + (user == null ? "" : " (" + user + ")");
  }
}
