package dev.parley.chat.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.util.concurrent.CompletableFuture;

/**
 * One simulated user: a WebSocket to the server under test, its room, and what it has seen. The
 * state changes on the connection's event loop; the load generator's threads read it and write
 * through {@link #write}. Thread-safe.
 */
final class LoadConnection {
  private final LoadClient client;
  private final int index;
  private final String user;
  private final String room;
  private volatile Channel channel;
  private volatile CompletableFuture<LoadConnection> ready = new CompletableFuture<>();
  private volatile long lastSeq;
  private volatile long catchUpTarget;
  private volatile boolean dropped;
  private volatile boolean closing;
  private volatile boolean upgraded;
  private volatile boolean sendsReceipts;
  private long messageIds;
  private long lastReceiptNanos;
  private final FrameCounts frames = new FrameCounts();

  LoadConnection(LoadClient client, int index, String room) {
    this.client = client;
    this.index = index;
    this.user = "u" + index;
    this.room = room;
  }

  int index() {
    return index;
  }

  String user() {
    return user;
  }

  String room() {
    return room;
  }

  long lastSeq() {
    return lastSeq;
  }

  void setLastSeq(long seq) {
    lastSeq = seq;
  }

  long catchUpTarget() {
    return catchUpTarget;
  }

  void setCatchUpTarget(long seq) {
    catchUpTarget = seq;
  }

  boolean isCatchingUp() {
    return !ready.isDone() && lastSeq < catchUpTarget;
  }

  /** Completes once the connection can send and receive (joined, and caught up after a resume). */
  CompletableFuture<LoadConnection> ready() {
    return ready;
  }

  /** What this connection received, by frame kind (counted by the wires that decode frames). */
  FrameCounts frames() {
    return frames;
  }

  /** Whether this member sends a read receipt after deliveries (at most one a second). */
  boolean sendsReceipts() {
    return sendsReceipts;
  }

  void setSendsReceipts(boolean sends) {
    sendsReceipts = sends;
  }

  /**
   * Whether a read receipt is due at {@code nowNanos}, at most one a second; if so, takes the turn.
   * Called on the connection's event loop only.
   */
  boolean takeReceiptTurn(long nowNanos) {
    if (lastReceiptNanos != 0 && nowNanos - lastReceiptNanos < 1_000_000_000L) {
      return false;
    }
    lastReceiptNanos = nowNanos;
    return true;
  }

  long nextMessageId() {
    return ++messageIds;
  }

  void attach(Channel channel) {
    this.channel = channel;
    this.dropped = false;
    this.closing = false;
    this.upgraded = false;
  }

  /** Starts a new attempt: a fresh {@link #ready()} future; the seen position is kept. */
  void resetForReconnect() {
    ready = new CompletableFuture<>();
  }

  void markUpgraded() {
    upgraded = true;
  }

  boolean isUpgraded() {
    return upgraded;
  }

  void markReady() {
    ready.complete(this);
  }

  void failed(String why) {
    if (closing) {
      return;
    }
    client.stats().error(why);
    ready.completeExceptionally(new IllegalStateException(user + ": " + why));
  }

  void delivered(long intendedNanos) {
    if (!dropped) {
      client.stats().recordDelivery(System.nanoTime() - intendedNanos);
    }
  }

  void duplicate() {
    client.stats().recordDuplicate();
  }

  void caughtUpMessage() {
    client.stats().recordCaughtUp();
  }

  /** Writes a binary message; does nothing when the connection is gone. */
  void write(ByteBuf message) {
    Channel c = channel;
    if (c == null || !c.isActive()) {
      message.release();
      return;
    }
    c.writeAndFlush(new BinaryWebSocketFrame(message), c.voidPromise());
  }

  /** Stops reading from the socket (a slow consumer) or starts again. */
  void setReading(boolean reading) {
    Channel c = channel;
    if (c != null) {
      c.config().setAutoRead(reading);
    }
  }

  /** Drops the socket with a TCP reset, as a failing network would; no close frame is sent. */
  void drop() {
    dropped = true;
    closing = true;
    Channel c = channel;
    if (c != null) {
      c.config().setOption(ChannelOption.SO_LINGER, 0);
      c.close();
    }
  }

  /** Closes the socket politely and waits for it. */
  void close() {
    closing = true;
    Channel c = channel;
    if (c != null) {
      c.close().awaitUninterruptibly();
    }
  }

  /** Whether this side started closing the socket (a drop or a close). */
  boolean isClosing() {
    return closing;
  }

  boolean isOpen() {
    Channel c = channel;
    return c != null && c.isActive();
  }
}
