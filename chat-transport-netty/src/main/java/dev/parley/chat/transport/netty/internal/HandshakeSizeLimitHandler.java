package dev.parley.chat.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the upgrade request's head (request line, header fields and the empty line that ends them)
 * at {@code maxHandshakeBytes}, counted as bytes arrive, so that a peer cannot make the HTTP
 * decoder hold an endless request line or header. Passes every byte on unchanged and removes itself
 * once the head ended within the limit. Past the limit, it answers HTTP 431, discards whatever else
 * arrives and closes the socket.
 *
 * <p>One instance per connection; confined to its event loop.
 */
final class HandshakeSizeLimitHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HandshakeSizeLimitHandler.class);

  private static final byte[] REFUSAL =
      ("HTTP/1.1 431 Request Header Fields Too Large\r\n"
              + "Content-Length: 0\r\n"
              + "Connection: close\r\n"
              + "\r\n")
          .getBytes(StandardCharsets.US_ASCII);

  /** The head ends with CR LF CR LF; this many of them were seen last. */
  private int matched;

  private long seen;
  private boolean refused;
  private final int maxHandshakeBytes;

  HandshakeSizeLimitHandler(int maxHandshakeBytes) {
    this.maxHandshakeBytes = maxHandshakeBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!(msg instanceof ByteBuf bytes)) {
      ctx.fireChannelRead(msg);
      return;
    }
    int end = headEnd(bytes);
    if (end < 0 && seen > maxHandshakeBytes) {
      refuse(ctx, bytes);
      return;
    }
    if (end >= 0) {
      ctx.pipeline().remove(this);
    }
    ctx.fireChannelRead(bytes);
  }

  /**
   * Scans {@code bytes} for the end of the head, counting each byte scanned into {@link #seen}.
   * Returns the index just past the head's last byte, or -1 if it does not end here (or not within
   * the limit, in which case {@link #seen} is over it).
   */
  private int headEnd(ByteBuf bytes) {
    int from = bytes.readerIndex();
    int to = bytes.writerIndex();
    for (int i = from; i < to; i++) {
      seen++;
      if (seen > maxHandshakeBytes) {
        return -1;
      }
      byte b = bytes.getByte(i);
      boolean expectedNext = b == ((matched & 1) == 0 ? '\r' : '\n');
      matched = expectedNext ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return i + 1;
      }
    }
    return -1;
  }

  private void refuse(ChannelHandlerContext ctx, ByteBuf bytes) {
    bytes.release();
    refused = true;
    log.debug(
        "{}: upgrade request larger than {} bytes; refused", ctx.channel(), maxHandshakeBytes);
    ctx.writeAndFlush(Unpooled.wrappedBuffer(REFUSAL)).addListener(ChannelFutureListener.CLOSE);
  }
}
