package dev.parley.chat.transport.netty.internal;

import dev.parley.chat.protocol.internal.PerMessageDeflate;
import dev.parley.chat.spi.WebSocketCompression;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.ByteBuffer;

/**
 * {@code permessage-deflate} on one connection that negotiated it, after the {@link
 * WebSocketMessageAggregator}: inflates each complete incoming message whose first frame had RSV1
 * set, with {@link PerMessageDeflate.Decompressor} holding it to {@code maxMessageBytes} as it
 * inflates (a larger one is a {@link CorruptedWebSocketFrameException} with 1009, data that does
 * not inflate one with 1007), and deflates outgoing text and binary messages from the configured
 * size on (RSV1 set), leaving smaller ones and control frames as they are.
 *
 * <p>Netty's own {@code PerMessageDeflateServerExtensionHandshaker} is not used: its decoder
 * inflates each frame on its own, so its {@code maxAllocation} bounds one frame, not a fragmented
 * message, and a frame that does not inflate fails with a codec exception rather than a close code.
 *
 * <p>After a refused message the connection is closing: every later data frame is dropped. One
 * instance per connection; confined to its event loop, where outgoing frames pass in the order they
 * are written (the order the peer inflates them in).
 */
final class PerMessageDeflateHandler extends ChannelDuplexHandler {
  /** RSV1: the frame starts a compressed message. */
  static final int RSV1 = 0x4;

  private final WebSocketCompression config;
  private final PerMessageDeflate.Agreement agreement;
  private final int maxMessageBytes;
  // created on first use: a connection that never compresses holds no deflate state
  private PerMessageDeflate.Compressor compressor;
  private PerMessageDeflate.Decompressor decompressor;
  private boolean failed;
  private boolean removed;

  PerMessageDeflateHandler(
      WebSocketCompression config, PerMessageDeflate.Agreement agreement, int maxMessageBytes) {
    this.config = config;
    this.agreement = agreement;
    this.maxMessageBytes = maxMessageBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof WebSocketFrame frame) || !isDataFrame(frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (failed) {
      frame.release();
      return;
    }
    if ((frame.rsv() & RSV1) == 0) {
      ctx.fireChannelRead(frame);
      return;
    }
    if (decompressor == null) {
      decompressor = new PerMessageDeflate.Decompressor(agreement, maxMessageBytes);
    }
    ByteBuffer inflated;
    try {
      inflated = decompressor.decompress(frame.content().nioBuffer(), true);
    } catch (PerMessageDeflate.DeflateException e) {
      failed = true;
      throw new CorruptedWebSocketFrameException(
          WebSocketCloseStatus.valueOf(e.closeCode()), e.getMessage());
    } finally {
      frame.release();
    }
    ctx.fireChannelRead(
        frame instanceof TextWebSocketFrame
            ? new TextWebSocketFrame(true, 0, Unpooled.wrappedBuffer(inflated))
            : new BinaryWebSocketFrame(true, 0, Unpooled.wrappedBuffer(inflated)));
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!removed
        && msg instanceof WebSocketFrame frame
        && isDataFrame(frame)
        && frame.isFinalFragment()
        && frame.rsv() == 0
        && frame.content().readableBytes() >= config.minMessageBytes()) {
      if (compressor == null) {
        compressor = new PerMessageDeflate.Compressor(config, agreement);
      }
      byte[] compressed;
      try {
        compressed = compressor.compress(frame.content().nioBuffer());
      } finally {
        frame.release();
      }
      WebSocketFrame out =
          frame instanceof TextWebSocketFrame
              ? new TextWebSocketFrame(true, RSV1, Unpooled.wrappedBuffer(compressed))
              : new BinaryWebSocketFrame(true, RSV1, Unpooled.wrappedBuffer(compressed));
      ctx.write(out, promise);
      return;
    }
    ctx.write(msg, promise);
  }

  private static boolean isDataFrame(WebSocketFrame frame) {
    return frame instanceof BinaryWebSocketFrame || frame instanceof TextWebSocketFrame;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    removed = true;
    if (compressor != null) {
      compressor.close();
    }
    if (decompressor != null) {
      decompressor.close();
    }
  }
}
