package dev.parley.chat.transport.netty.internal;

import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.TransportConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted socket, from accept to close, and the handler's view of it once upgraded.
 *
 * <p>Lifecycle: AWAITING_UPGRADE (accepted), OPEN (the 101 answer was queued; {@code onOpen}),
 * CLOSING (a close frame was sent or received), CLOSED (the socket is closed; {@code onClose} if it
 * was opened). A socket may go from AWAITING_UPGRADE to CLOSED directly, without any handler call.
 *
 * <p>Thread-safety: the methods of {@link TransportConnection} may be called from any thread; sends
 * and closes from other threads are handed to the channel's event loop, and never call the handler
 * on the caller's thread. Every other method runs on the event loop only, which is what keeps the
 * handler's calls for this connection one at a time and in order.
 */
final class NettyConnection implements TransportConnection {
  private static final Logger log = LoggerFactory.getLogger(NettyConnection.class);

  /** A close frame's payload is at most 125 bytes, 2 of them the code. */
  static final int MAX_CLOSE_REASON_BYTES = 123;

  /** Reported when the socket ended without a close frame (RFC 6455 7.1.5). */
  static final int ABNORMAL_CLOSURE = 1006;

  /** Reported when the peer's close frame carried no code. */
  static final int NO_STATUS_RECEIVED = 1005;

  enum State {
    AWAITING_UPGRADE,
    OPEN,
    CLOSING,
    CLOSED
  }

  private static final AtomicLongFieldUpdater<NettyConnection> QUEUED =
      AtomicLongFieldUpdater.newUpdater(NettyConnection.class, "queuedBytes");

  private static final AtomicIntegerFieldUpdater<NettyConnection> DRAIN =
      AtomicIntegerFieldUpdater.newUpdater(NettyConnection.class, "drainScheduled");

  private final Channel channel;
  private final String id;
  private final InetSocketAddress remoteAddress;
  private final ServerTransportHandler handler;
  private final ConnectionSettings settings;
  private final Consumer<NettyConnection> onFinished;

  private volatile State state = State.AWAITING_UPGRADE;
  private volatile String subprotocol;
  private volatile Object attachment;
  private volatile long queuedBytes;

  /**
   * Data frames sent and not yet handed to the channel, in send order; drained on the event loop by
   * one task for however many frames arrived meanwhile, with one flush.
   */
  private final Queue<Outgoing> outbox = new ConcurrentLinkedQueue<>();

  /** 1 while a drain task is queued on the event loop and has not started yet. */
  private volatile int drainScheduled;

  /** Written without a promise of its own: a batch's last frame carries the batch's listener. */
  private final ChannelPromise unwatched;

  // event loop only
  private boolean opened;
  private boolean closeStarted;
  private int closeCode;
  private String closeReason = "";
  private boolean closeRemote;
  private ScheduledFuture<?> timer;

  NettyConnection(
      Channel channel,
      String id,
      ServerTransportHandler handler,
      ConnectionSettings settings,
      Consumer<NettyConnection> onFinished) {
    this.channel = channel;
    this.id = id;
    this.remoteAddress = (InetSocketAddress) channel.remoteAddress();
    this.handler = handler;
    this.settings = settings;
    this.onFinished = onFinished;
    this.unwatched = new VoidChannelPromise(channel, false);
  }

  Channel channel() {
    return channel;
  }

  State state() {
    return state;
  }

  // --- TransportConnection: any thread ------------------------------------------------------

  @Override
  public String id() {
    return id;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  public String subprotocol() {
    return subprotocol;
  }

  @Override
  public boolean sendBinary(ByteBuffer message) {
    Objects.requireNonNull(message, "message");
    if (state != State.OPEN) {
      return false;
    }
    // Wraps a duplicate: the caller's position and limit stay as they were, for other connections.
    return send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message.duplicate())));
  }

  @Override
  public boolean sendText(String message) {
    Objects.requireNonNull(message, "message");
    if (state != State.OPEN) {
      return false;
    }
    return send(new TextWebSocketFrame(message));
  }

  /** Bytes of frames queued and not yet written to the socket, headers included. */
  @Override
  public long bufferedBytes() {
    return queuedBytes;
  }

  /**
   * Starts the closing handshake. The reason is cut to the 123 UTF-8 bytes a close frame can carry.
   *
   * @throws IllegalArgumentException if {@code code} may not be sent in a close frame (RFC 6455
   *     7.4: 1000-1003, 1007-1014 and 3000-4999 may)
   */
  @Override
  public void close(int code, String reason) {
    if (!isSendableCloseCode(code)) {
      throw new IllegalArgumentException(
          "close code "
              + code
              + " cannot be sent; use 1000-1003, 1007-1014 or 3000-4999 (see CloseCodes)");
    }
    String cut = truncateUtf8(reason == null ? "" : reason, MAX_CLOSE_REASON_BYTES);
    // queued behind the sends made before it (see send), so that they go out before the close frame
    try {
      channel
          .eventLoop()
          .execute(
              () -> {
                drain();
                startClose(code, cut, true);
              });
    } catch (RejectedExecutionException e) {
      // shut down: the socket is closed, or about to be, with its own report
    }
  }

  @Override
  public boolean isOpen() {
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

  // --- sending ------------------------------------------------------------------------------

  /** A data frame waiting in the outbox, with its size as counted in {@code queuedBytes}. */
  private record Outgoing(WebSocketFrame frame, long size) {}

  private boolean send(WebSocketFrame frame) {
    long size = wireSize(frame.content().readableBytes());
    QUEUED.addAndGet(this, size);
    // Always through the outbox and the event loop, even from the event loop itself: sends made in
    // order from different threads (a room's fan-out runs on whichever thread delivered the
    // message) keep that order only if none of them jumps the queue by writing at once.
    outbox.add(new Outgoing(frame, size));
    if (DRAIN.compareAndSet(this, 0, 1)) {
      try {
        channel.eventLoop().execute(this::drain);
      } catch (RejectedExecutionException e) {
        // the transport has shut its event loops down: nothing will write these
        drainScheduled = 0;
        discardOutbox();
        return false;
      }
    }
    return true;
  }

  /**
   * Writes every frame in the outbox with one flush, on the event loop; drops them if a close
   * started meanwhile (nothing may follow the close frame). The flag is cleared before the outbox
   * is read, so a frame added after that schedules a drain of its own.
   */
  private void drain() {
    drainScheduled = 0;
    if (state != State.OPEN) {
      discardOutbox();
      return;
    }
    long batchBytes = 0;
    Outgoing last = null;
    for (Outgoing next = outbox.poll(); next != null; next = outbox.poll()) {
      if (last != null) {
        channel.write(last.frame(), unwatched);
      }
      batchBytes += next.size();
      last = next;
    }
    if (last == null) {
      return;
    }
    long written = batchBytes;
    channel
        .writeAndFlush(last.frame())
        .addListener((ChannelFutureListener) done -> QUEUED.addAndGet(this, -written));
  }

  private void discardOutbox() {
    for (Outgoing next = outbox.poll(); next != null; next = outbox.poll()) {
      QUEUED.addAndGet(this, -next.size());
      next.frame().release();
    }
  }

  private void writeCounted(WebSocketFrame frame, long size) {
    channel
        .writeAndFlush(frame)
        .addListener((ChannelFutureListener) written -> QUEUED.addAndGet(this, -size));
  }

  private void writeControl(WebSocketFrame frame) {
    long size = wireSize(frame.content().readableBytes());
    QUEUED.addAndGet(this, size);
    writeCounted(frame, size);
  }

  /** A server frame's size on the wire: the payload and an unmasked header. */
  static long wireSize(int payloadBytes) {
    int header = payloadBytes <= 125 ? 2 : payloadBytes <= 0xFFFF ? 4 : 10;
    return (long) header + payloadBytes;
  }

  private void onEventLoop(Runnable task) {
    if (channel.eventLoop().inEventLoop()) {
      task.run();
      return;
    }
    try {
      channel.eventLoop().execute(task);
    } catch (RejectedExecutionException e) {
      // shut down: the socket is closed, or about to be, with its own report
    }
  }

  // --- events, on the event loop --------------------------------------------------------------

  /**
   * Arms the handshake deadline and watches for the socket's end; called once the socket is
   * admitted. The end is reported in a task of its own: a socket can close inside a handler call (a
   * write that fails closes it at once), and {@code onClose} must not run within that call.
   */
  void accepted() {
    timer =
        channel
            .eventLoop()
            .schedule(
                this::handshakeExpired, settings.handshakeTimeoutNanos(), TimeUnit.NANOSECONDS);
    channel.closeFuture().addListener((ChannelFutureListener) ended -> reportClosedLater());
  }

  private void reportClosedLater() {
    try {
      channel.eventLoop().execute(this::closed);
    } catch (RejectedExecutionException e) {
      closed(); // the event loop is shutting down and closing its sockets: this is its last task
    }
  }

  private void handshakeExpired() {
    if (state == State.AWAITING_UPGRADE && channel.isOpen()) {
      log.debug("{}: no upgrade within {} ms; closing", this, settings.handshakeTimeoutMillis());
      channel.close();
    }
  }

  /** The 101 answer is queued: the connection is open. */
  void upgraded(String negotiated) {
    cancelTimer();
    if (state != State.AWAITING_UPGRADE) {
      return;
    }
    subprotocol = negotiated;
    state = State.OPEN;
    opened = true;
    deliver("onOpen", () -> handler.onOpen(this));
  }

  void binaryReceived(ByteBuf content) {
    deliver("onBinary", () -> handler.onBinary(this, content.nioBuffer()));
  }

  void textReceived(String text) {
    deliver("onText", () -> handler.onText(this, text));
  }

  /** Calls the handler while the connection is open; a handler that throws is logged. */
  private void deliver(String callback, Runnable call) {
    if (state != State.OPEN) {
      return;
    }
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("handler failed in {} for {}", callback, this, e);
    }
  }

  /** Answers a ping while the queue is short: a peer flooding pings must not grow it unbounded. */
  void pingReceived(ByteBuf payload) {
    if (state == State.OPEN && queuedBytes < settings.maxMessageBytes()) {
      writeControl(new PongWebSocketFrame(payload.retain()));
    }
  }

  /** The peer's close frame: the answer to ours, or its own close, which is answered. */
  void closeReceived(int code, String reason) {
    if (state == State.CLOSING) {
      channel.close();
      return;
    }
    if (state != State.OPEN) {
      return;
    }
    int reported = code < 0 ? NO_STATUS_RECEIVED : code;
    recordClose(reported, reason, true);
    CloseWebSocketFrame answer =
        code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
    channel.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    armCloseTimer();
  }

  /** Silent for one ping interval: ask for a sign of life. */
  void silent() {
    if (state == State.OPEN) {
      writeControl(new PingWebSocketFrame());
    }
  }

  /** Silent for two ping intervals: the peer is gone; close without waiting for an answer. */
  void dead() {
    if (state != State.OPEN) {
      return;
    }
    log.debug("{}: silent for two ping intervals; closing", this);
    startClose(
        CloseCodes.HEARTBEAT_TIMEOUT,
        "nothing received for " + 2 * settings.pingIntervalMillis() + " ms",
        false);
  }

  /** The peer broke the protocol or a limit: close with {@code code}. */
  void violation(int code, String reason) {
    log.debug("{}: closing with {}: {}", this, code, reason);
    startClose(code, truncateUtf8(reason == null ? "" : reason, MAX_CLOSE_REASON_BYTES), true);
  }

  /** Shutdown: close an open connection with 1001, drop one that never upgraded. */
  void goAway(String reason) {
    onEventLoop(
        () -> {
          if (state == State.AWAITING_UPGRADE) {
            channel.close();
          } else {
            startClose(CloseCodes.GOING_AWAY, reason, true);
          }
        });
  }

  /**
   * Sends a close frame, then either waits for the peer's answer (at most the close timeout) or
   * closes the socket at once. Does nothing once a close started.
   */
  private void startClose(int code, String reason, boolean awaitAnswer) {
    if (state != State.OPEN) {
      return;
    }
    recordClose(code, reason, false);
    channel.writeAndFlush(new CloseWebSocketFrame(code, reason));
    if (awaitAnswer) {
      armCloseTimer();
    } else {
      channel.close();
    }
  }

  private void recordClose(int code, String reason, boolean remote) {
    state = State.CLOSING;
    closeStarted = true;
    closeCode = code;
    closeReason = reason == null ? "" : reason;
    closeRemote = remote;
  }

  private void armCloseTimer() {
    cancelTimer();
    timer =
        channel
            .eventLoop()
            .schedule(this::closeTimedOut, settings.closeTimeoutNanos(), TimeUnit.NANOSECONDS);
  }

  private void closeTimedOut() {
    if (channel.isOpen()) {
      log.debug(
          "{}: close not finished within {} ms; closing the socket",
          this,
          settings.closeTimeoutMillis());
      channel.close();
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** The socket is closed: the one {@code onClose}, if the connection was opened. */
  private void closed() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    cancelTimer();
    try {
      if (opened) {
        if (closeStarted) {
          handler.onClose(this, closeCode, closeReason, closeRemote);
        } else {
          handler.onClose(this, ABNORMAL_CLOSURE, "", true);
        }
      }
    } catch (RuntimeException e) {
      log.warn("handler failed in onClose for {}", this, e);
    } finally {
      onFinished.accept(this);
    }
  }

  @Override
  public String toString() {
    return "connection " + id + " from " + remoteAddress;
  }

  // --- close frames -------------------------------------------------------------------------

  /** Whether RFC 6455 lets an endpoint send {@code code} in a close frame. */
  static boolean isSendableCloseCode(int code) {
    if (code >= 3000) {
      return code <= 4999;
    }
    return code >= 1000 && code <= 1014 && (code < 1004 || code > 1006);
  }

  /** The longest prefix of {@code text} whose UTF-8 encoding fits in {@code maxBytes}. */
  static String truncateUtf8(String text, int maxBytes) {
    if (text.length() * 3 <= maxBytes) {
      return text; // at most 3 bytes per char: fits whatever it holds
    }
    CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    CharBuffer in = CharBuffer.wrap(text);
    // stops before the first character that does not fit whole, never inside a surrogate pair
    encoder.encode(in, ByteBuffer.allocate(maxBytes), true);
    return in.position() == text.length() ? text : text.substring(0, in.position());
  }
}
