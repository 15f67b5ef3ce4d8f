package dev.parley.chat.transport.jws.internal;

import dev.parley.chat.spi.ServerTransportHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketListener;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Role;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;

/**
 * One accepted socket as Java-WebSocket drives it, plus what Parley tracks about it: when it was
 * accepted, when bytes last arrived, whether its upgrade raced its deadline, and when its close
 * started. Thread-safe: the library calls it from its selector and worker threads, the timer from
 * its own.
 *
 * <p>Every way a socket ends funnels into {@link #closeConnection(int, String, boolean)}; the first
 * call reports to the {@link CloseListener} once, outside the socket's monitor.
 *
 * <p>Closing handshake (RFC 6455 7.1.1): Java-WebSocket ends a server socket as soon as the close
 * frame it sent has been handed to the kernel, and stops decoding once a close started. The close
 * frame may then still wait in the kernel behind output the peer has not read; data the peer sends
 * meanwhile meets an ended socket, the kernel answers with a reset and throws that output away, and
 * the peer sees 1006 instead of the code. So when this side starts the close of an open socket it
 * keeps the socket after the close frame is written ({@link #isFlushAndClose()}), skips what the
 * peer still sends without delivering it, and ends the socket when the peer's close frame arrives
 * ({@link CloseFrameWatcher}), when the peer ends the stream, or at the close deadline that {@link
 * LivenessPolicy} applies from {@link #closeSentAt()}.
 */
final class JwsSocket extends WebSocketImpl {

  /** Told once when a socket is closed. Called on a transport thread, no lock held. */
  interface CloseListener {
    void socketClosed(JwsSocket socket, int code, String reason, boolean remote);
  }

  private static final Draft HANDSHAKE_STAND_IN = serverRoleDraft();

  private static final int AWAITING_UPGRADE = 0;
  private static final int UPGRADING = 1;
  private static final int EXPIRED = 2;

  private final String id;
  private final LongSupplier ticker;
  private final CloseListener closeListener;
  private final JwsConnection connection;
  private final long acceptedAt;
  private final AtomicInteger handshake = new AtomicInteger(AWAITING_UPGRADE);
  private final AtomicBoolean writeDemandQueued = new AtomicBoolean();
  private final Consumer<JwsSocket> onWriteQueueDrained;
  private volatile long pingedAt;
  private volatile boolean pinged;
  private volatile long closingSince;
  private volatile boolean closeStarted;
  private volatile int startedCloseCode;
  private volatile String startedCloseReason;
  private volatile boolean startedCloseRemote;
  private volatile boolean closeReported;
  private volatile boolean awaitingPeerClose;
  private volatile boolean closeFrameWritten;
  private volatile long closeFrameWrittenAt;
  private final CloseFrameWatcher peerClose = new CloseFrameWatcher(); // worker thread only
  private volatile CountingChannel channel;
  private volatile InetSocketAddress remoteAddress;
  private volatile LimitedDraft openDraft;
  private final Object input = new Object();
  private long buffersDecoded; // guarded by input
  private boolean endOfStreamPending; // guarded by input

  JwsSocket(
      WebSocketListener listener,
      List<Draft> drafts,
      String id,
      LongSupplier ticker,
      ServerTransportHandler handler,
      CloseListener closeListener,
      Consumer<JwsSocket> onWriteQueueDrained) {
    super(listener, drafts);
    this.onWriteQueueDrained = onWriteQueueDrained;
    this.id = id;
    this.ticker = ticker;
    this.closeListener = closeListener;
    this.acceptedAt = ticker.getAsLong();
    this.connection = new JwsConnection(this, handler);
  }

  private static Draft serverRoleDraft() {
    Draft draft = new Draft_6455();
    draft.setParseMode(Role.SERVER);
    return draft;
  }

  String id() {
    return id;
  }

  JwsConnection connection() {
    return connection;
  }

  InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  /**
   * Wraps the accepted channel ({@code wire} is the socket itself, or TLS over it); called once, on
   * the selector thread, before any I/O. If the socket was closed meanwhile (by shutdown), the
   * channel is closed here, since the close could not.
   */
  CountingChannel attach(SocketChannel socket, ByteChannel wire, InetSocketAddress remote) {
    CountingChannel counting = new CountingChannel(socket, wire, ticker, acceptedAt);
    this.remoteAddress = remote;
    this.channel = counting;
    if (closeReported) {
      closeQuietly(counting);
    }
    return counting;
  }

  private static void closeQuietly(CountingChannel counting) {
    try {
      counting.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /**
   * Java-WebSocket closes a server socket once the output queued after a close is flushed, but only
   * if the socket has a draft ({@code SocketChannelIOHelper.batch}). A socket refused during its
   * handshake (wrong path, unknown subprotocol, request too large) has none yet, so the library
   * would flush its 404 and leave the socket open (compare issue #530). Until the handshake picks a
   * draft this reports a stand-in whose role is SERVER, which lets that rule close it. The stand-in
   * is used for nothing else: the library reads its own field everywhere but in that check.
   */
  @Override
  public Draft getDraft() {
    Draft draft = super.getDraft();
    return draft != null ? draft : HANDSHAKE_STAND_IN;
  }

  /** Marks a write demand as queued with the relay; false if one already is. */
  boolean claimWriteDemand() {
    return writeDemandQueued.compareAndSet(false, true);
  }

  /** The relay is serving this socket's demand: a later frame must queue a new one. */
  void releaseWriteDemand() {
    writeDemandQueued.set(false);
  }

  /** Whether the accepted socket has TCP_NODELAY set. */
  boolean tcpNoDelay() throws IOException {
    return channel.socket().getOption(StandardSocketOptions.TCP_NODELAY);
  }

  /**
   * Decodes one buffer on the worker thread, then delivers an end of stream that waited for it.
   * While this side awaits the peer's close frame the buffer only goes to the {@link
   * CloseFrameWatcher}.
   */
  @Override
  public void decode(ByteBuffer socketBuffer) {
    try {
      if (awaitingPeerClose && isClosing()) {
        awaitPeerClose(socketBuffer);
      } else {
        super.decode(socketBuffer);
      }
    } finally {
      boolean endNow;
      synchronized (input) {
        buffersDecoded++;
        endNow = endOfStreamPending && buffersDecoded >= channel.buffersRead();
        if (endNow) {
          endOfStreamPending = false;
        }
      }
      if (endNow) {
        super.eot();
      }
    }
  }

  private void awaitPeerClose(ByteBuffer input) {
    boolean wasLost = peerClose.isLost();
    if (peerClose.closeArrivedIn(input)) {
      closeConnection(startedCloseCode, startedCloseReason, startedCloseRemote);
    } else if (peerClose.isLost() && !wasLost) {
      getWebSocketListener()
          .onWebsocketError(
              this,
              new IllegalStateException(
                  "input after the close does not parse as frames; waiting for the deadline"));
    }
  }

  /**
   * Starts a close. One this side starts on an open socket sends a close frame and then awaits the
   * peer's (see the class documentation); the rest behave as the library's.
   */
  @Override
  public synchronized void close(int code, String message, boolean remote) {
    if (!remote && code != CloseFrame.ABNORMAL_CLOSE && isOpen() && !closeStarted) {
      awaitingPeerClose = true;
    }
    super.close(code, message, remote);
  }

  /**
   * Whether the library may end the socket now that its output is written: it asks on the selector
   * thread once the queue is empty. Not while the peer's answer to the close frame is awaited; the
   * first such call records when the close frame was written.
   *
   * <p>The library asks right after a write pass found the output queue empty and before it drops
   * write interest: the moment a frame queued by another thread used to be stranded (see {@link
   * WriteDemandRelay}). {@code onWriteQueueDrained} lets the transport's tests act at exactly that
   * moment.
   */
  @Override
  public boolean isFlushAndClose() {
    onWriteQueueDrained.accept(this);
    if (!super.isFlushAndClose()) {
      return false;
    }
    CountingChannel counting = channel;
    if (counting != null && counting.isNeedWrite()) {
      return false; // TLS still holds encrypted output (the close frame, say) for the socket
    }
    if (!awaitingPeerClose) {
      return true;
    }
    if (!closeFrameWritten && outQueue.isEmpty()) {
      closeFrameWrittenAt = ticker.getAsLong();
      closeFrameWritten = true;
    }
    return false;
  }

  /** Whether messages may still reach the handler: no close started on either side. */
  boolean acceptsMessages() {
    return !closeStarted && !awaitingPeerClose;
  }

  /**
   * The peer closed its side. Java-WebSocket reports this on the selector thread at once, while
   * data read just before may still wait for the worker; it would close the socket first and drop
   * that data, typically the peer's last messages and its close frame (so a clean close looked like
   * 1006). Here the end waits until the worker has decoded every buffer read before it.
   */
  @Override
  public void eot() {
    CountingChannel counting = channel;
    synchronized (input) {
      if (counting != null && buffersDecoded < counting.buffersRead()) {
        endOfStreamPending = true;
        return;
      }
    }
    super.eot();
  }

  /**
   * Claims the upgrade for the worker thread, unless the handshake deadline claimed the socket
   * first.
   */
  boolean beginUpgrade() {
    return handshake.compareAndSet(AWAITING_UPGRADE, UPGRADING);
  }

  /** Claims the socket for the handshake deadline, unless its upgrade already began. */
  boolean expireHandshake() {
    return handshake.compareAndSet(AWAITING_UPGRADE, EXPIRED);
  }

  /** The upgrade completed; called on the worker thread before any message of this socket. */
  void opened() {
    LimitedDraft draft = (LimitedDraft) super.getDraft();
    openDraft = draft;
    connection.opened(draft.negotiatedSubprotocol());
  }

  /** Records the first close to start (the library ignores later ones), then starts it. */
  @Override
  public synchronized void flushAndClose(int code, String message, boolean remote) {
    if (!closeStarted) {
      closingSince = ticker.getAsLong();
      startedCloseCode = code;
      startedCloseReason = message;
      startedCloseRemote = remote;
      closeStarted = true;
    }
    super.flushAndClose(code, message, remote);
  }

  /**
   * Closes the socket now, reporting the close that started (or {@code fallbackCode} if none did):
   * for a close the peer keeps from finishing by not reading.
   */
  void finishClose(int fallbackCode, String fallbackReason) {
    if (closeStarted) {
      closeConnection(startedCloseCode, startedCloseReason, startedCloseRemote);
    } else {
      closeConnection(fallbackCode, fallbackReason, false);
    }
  }

  /**
   * Ends the socket and reports it once. While this side awaited the peer's close frame, the close
   * reported is the one this side started, whatever ended it.
   */
  @Override
  public void closeConnection(int code, String message, boolean remote) {
    if (awaitingPeerClose && closeStarted) {
      endSocket(startedCloseCode, startedCloseReason, startedCloseRemote);
    } else {
      endSocket(code, message, remote);
    }
  }

  private void endSocket(int code, String message, boolean remote) {
    boolean first;
    RuntimeException failure = null;
    synchronized (this) {
      first = !closeReported;
      closeReported = true;
      try {
        super.closeConnection(code, message, remote);
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    if (first && super.getDraft() instanceof LimitedDraft draft) {
      draft.release();
    }
    CountingChannel counting = channel;
    if (counting != null) {
      closeQuietly(counting); // in case the library had not taken the channel yet
    }
    if (first) {
      closeListener.socketClosed(this, code, message, remote);
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Whether the socket was closed (its close was reported or is being reported). */
  boolean isCloseReported() {
    return closeReported;
  }

  /** Sends a ping; does nothing if the socket stopped being open meanwhile. */
  void ping() {
    // Recorded before the send: the peer's pong can be read on the selector thread before this
    // thread runs again, and a ping stamped after that pong would look unanswered for good (no
    // more pings, then a drop for silence), which a loaded machine made happen.
    pingedAt = ticker.getAsLong();
    pinged = true;
    try {
      sendPing();
    } catch (WebsocketNotConnectedException e) {
      // closed between the check and the send (Java-WebSocket #579, #721)
    }
  }

  /** Where this socket is, for {@link LivenessPolicy}. */
  LivenessPolicy.Phase phase() {
    if (closeFrameWritten) {
      return LivenessPolicy.Phase.CLOSE_SENT;
    }
    if (closeStarted || isClosing()) {
      return LivenessPolicy.Phase.CLOSING;
    }
    if (isOpen()) {
      return LivenessPolicy.Phase.OPEN;
    }
    return handshake.get() == AWAITING_UPGRADE
        ? LivenessPolicy.Phase.AWAITING_UPGRADE
        : LivenessPolicy.Phase.UPGRADING;
  }

  long acceptedAt() {
    return acceptedAt;
  }

  /** When bytes last arrived, or the accept time if none did. */
  long lastReceivedAt() {
    CountingChannel counting = channel;
    return counting == null ? acceptedAt : counting.lastReadAt();
  }

  /** Whether a ping went out after the last bytes arrived. */
  boolean pingedSinceReceive() {
    return pinged && pingedAt - lastReceivedAt() >= 0;
  }

  /** When this side's close frame was written to the socket (read in CLOSE_SENT only). */
  long closeSentAt() {
    return closeFrameWrittenAt;
  }

  /** When the close started, or now if it started without passing through flushAndClose. */
  long closingSince() {
    return closeStarted ? closingSince : ticker.getAsLong();
  }

  /**
   * Bytes encoded for this socket and not yet written to it: a subtraction of two counters, so O(1)
   * and never below what is really queued (the written count is read first). 0 once closed: what is
   * left in the queue will never be written.
   */
  long bufferedBytes() {
    LimitedDraft draft = openDraft;
    CountingChannel counting = channel;
    if (draft == null || counting == null || closeReported) {
      return 0;
    }
    long written = counting.writtenBytes();
    return Math.max(0, draft.enqueuedBytes() - written);
  }

  @Override
  public String toString() {
    return "socket " + id;
  }
}
