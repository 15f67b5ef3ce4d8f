package dev.parley.chat.transport.netty.internal;

import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Joins a fragmented message's frames into one {@link BinaryWebSocketFrame} or {@link
 * TextWebSocketFrame}, and enforces the limits on it before each fragment is kept: more than {@code
 * maxFragmentsPerMessage} frames is a {@link CorruptedWebSocketFrameException} with 1002, more than
 * {@code maxMessageBytes} in total one with 1009. The frame decoder has already checked the order
 * of fragments and the size of each frame; control frames, and messages sent in one frame, pass
 * through untouched.
 *
 * <p>With {@code permessage-deflate} negotiated, the frame decoder lets every RSV bit through; this
 * class allows only RSV1, only on a message's first frame, and keeps it on the joined message for
 * {@link PerMessageDeflateHandler}. Any other RSV bit is a {@link CorruptedWebSocketFrameException}
 * with 1002. The size limit here then applies to the compressed bytes; the handler after holds the
 * inflated message to the same limit.
 *
 * <p>After a violation the connection is closing: every later data frame is dropped.
 *
 * <p>One instance per connection; confined to its event loop.
 */
final class WebSocketMessageAggregator extends ChannelInboundHandlerAdapter {
  /** Beyond this many parts, the composite buffer consolidates instead of tracking each. */
  private static final int MAX_COMPONENTS = 1024;

  private final int maxMessageBytes;
  private final int maxFragmentsPerMessage;
  private final int allowedRsv;
  private CompositeByteBuf parts;
  private boolean text;
  private int rsv;
  private int fragments;
  private boolean failed;

  /**
   * @param compressed whether {@code permessage-deflate} was negotiated (RSV1 allowed on a first
   *     frame)
   */
  WebSocketMessageAggregator(int maxMessageBytes, int maxFragmentsPerMessage, boolean compressed) {
    this.maxMessageBytes = maxMessageBytes;
    this.maxFragmentsPerMessage = maxFragmentsPerMessage;
    this.allowedRsv = compressed ? PerMessageDeflateHandler.RSV1 : 0;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof WebSocketFrame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (failed) {
      frame.release();
      return;
    }
    int frameRsv = frame.rsv();
    if (frameRsv != 0
        && (!isDataFrame(frame)
            || frame instanceof ContinuationWebSocketFrame
            || (frameRsv & ~allowedRsv) != 0)) {
      frame.release();
      throw failure(WebSocketCloseStatus.PROTOCOL_ERROR, "RSV bits not allowed: " + frameRsv);
    }
    if (!isDataFrame(frame)) {
      ctx.fireChannelRead(frame);
      return;
    }
    if (frame instanceof ContinuationWebSocketFrame) {
      continueMessage(ctx, frame);
    } else if (frame.isFinalFragment()) {
      ctx.fireChannelRead(frame);
    } else {
      startMessage(ctx, frame);
    }
  }

  private static boolean isDataFrame(WebSocketFrame frame) {
    return frame instanceof BinaryWebSocketFrame
        || frame instanceof TextWebSocketFrame
        || frame instanceof ContinuationWebSocketFrame;
  }

  private void startMessage(ChannelHandlerContext ctx, WebSocketFrame first) {
    text = first instanceof TextWebSocketFrame;
    rsv = first.rsv();
    fragments = 1;
    parts = ctx.alloc().compositeBuffer(Math.min(MAX_COMPONENTS, maxFragmentsPerMessage));
    parts.addComponent(true, first.content().retain());
    first.release();
  }

  private void continueMessage(ChannelHandlerContext ctx, WebSocketFrame part) {
    if (parts == null) {
      // the decoder lets no continuation through outside a message; be safe all the same
      part.release();
      throw failure(WebSocketCloseStatus.PROTOCOL_ERROR, "continuation frame outside a message");
    }
    fragments++;
    if (fragments > maxFragmentsPerMessage) {
      part.release();
      throw failure(
          WebSocketCloseStatus.PROTOCOL_ERROR,
          "message split into more than " + maxFragmentsPerMessage + " frames");
    }
    if ((long) parts.readableBytes() + part.content().readableBytes() > maxMessageBytes) {
      part.release();
      throw failure(
          WebSocketCloseStatus.MESSAGE_TOO_BIG,
          "message larger than " + maxMessageBytes + " bytes");
    }
    parts.addComponent(true, part.content().retain());
    boolean last = part.isFinalFragment();
    part.release();
    if (last) {
      CompositeByteBuf whole = parts;
      parts = null;
      ctx.fireChannelRead(
          text
              ? new TextWebSocketFrame(true, rsv, whole)
              : new BinaryWebSocketFrame(true, rsv, whole));
    }
  }

  /** Drops the message so far; every later data frame is dropped too. */
  private CorruptedWebSocketFrameException failure(WebSocketCloseStatus status, String reason) {
    failed = true;
    releaseParts();
    return new CorruptedWebSocketFrameException(status, reason);
  }

  private void releaseParts() {
    if (parts != null) {
      parts.release();
      parts = null;
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseParts();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseParts();
    ctx.fireChannelInactive();
  }
}
