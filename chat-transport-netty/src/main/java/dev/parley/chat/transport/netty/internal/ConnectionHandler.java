package dev.parley.chat.transport.netty.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every connection's pipeline, from accept to close: turns complete messages,
 * control frames, idle events, failures and the end of the socket into calls on its {@link
 * NettyConnection}. Pongs and anything unexpected (an HTTP leftover after the upgrade) are released
 * and otherwise ignored.
 *
 * <p>One instance per connection; confined to its event loop.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

  private final NettyConnection connection;

  ConnectionHandler(NettyConnection connection) {
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof BinaryWebSocketFrame binary) {
        connection.binaryReceived(binary.content());
      } else if (msg instanceof TextWebSocketFrame text) {
        textReceived(text);
      } else if (msg instanceof PingWebSocketFrame ping) {
        connection.pingReceived(ping.content());
      } else if (msg instanceof CloseWebSocketFrame close) {
        connection.closeReceived(close.statusCode(), close.reasonText());
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void textReceived(TextWebSocketFrame frame) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(frame.content().nioBuffer()).toString();
    } catch (CharacterCodingException e) {
      connection.violation(
          WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(), "text message is not valid UTF-8");
      return;
    }
    connection.textReceived(text);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
      if (idle.isFirst()) {
        connection.silent();
      } else {
        connection.dead();
      }
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException corrupted) {
      connection.violation(corrupted.closeStatus().code(), corrupted.getMessage());
    } else if (isTlsFailure(cause)) {
      // not TLS at all, or a handshake the peer cannot complete: the peer's fault; SslHandler has
      // closed the socket or is closing it, and channelInactive reports it
      log.debug("{}: TLS failed: {}", connection, cause.toString());
      ctx.close();
    } else if (cause instanceof IOException) {
      // the socket failed (a reset, say); Netty closes it and channelInactive reports it
      log.debug("{}: {}", connection, cause.toString());
    } else {
      log.warn("{}: unexpected failure; closing", connection, cause);
      connection.violation(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "internal error");
      if (connection.state() == NettyConnection.State.AWAITING_UPGRADE) {
        ctx.close();
      }
    }
  }

  private static boolean isTlsFailure(Throwable cause) {
    return cause instanceof NotSslRecordException
        || cause instanceof SSLException
        || (cause instanceof DecoderException && cause.getCause() instanceof SSLException);
  }
}
