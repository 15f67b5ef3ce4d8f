package dev.parley.chat.transport.netty.internal;

import dev.parley.chat.protocol.internal.PerMessageDeflate;
import dev.parley.chat.spi.OriginPolicy;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the one HTTP request a connection may make: a WebSocket upgrade on the configured path,
 * or a refusal that closes the socket. Refusals: 404 for another path; 400 when the client asks
 * only for subprotocols the server does not offer; 426 for a WebSocket version other than 13; 400
 * for anything else that is not an upgrade (another method, missing headers, a body, a malformed
 * request); 403 for a browser page whose {@code Origin} the {@link OriginPolicy} does not allow;
 * 431 for a request head over the size limit ({@link HandshakeSizeLimitHandler}).
 *
 * <p>On success it sends the 101 answer (Netty's {@link WebSocketServerHandshaker13} adds the frame
 * decoder and encoder and removes the HTTP codec once the answer is written), puts the liveness
 * check first in the pipeline, replaces itself with a {@link WebSocketMessageAggregator}, and tells
 * the connection it is open. When {@code permessage-deflate} is configured and the client offers it
 * ({@link PerMessageDeflate#negotiate}), the answer carries the agreement and a {@link
 * PerMessageDeflateHandler} follows the aggregator.
 *
 * <p>One instance per connection; confined to its event loop.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HandshakeHandler.class);

  private final String path;
  private final SubprotocolSelector subprotocols;
  private final OriginPolicy originPolicy;
  private final ConnectionSettings settings;
  private final NettyConnection connection;
  private boolean answered;

  HandshakeHandler(
      String path,
      SubprotocolSelector subprotocols,
      OriginPolicy originPolicy,
      ConnectionSettings settings,
      NettyConnection connection) {
    this.path = path;
    this.subprotocols = subprotocols;
    this.originPolicy = originPolicy;
    this.settings = settings;
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (!answered && msg instanceof HttpRequest request) {
        answered = true;
        answer(ctx, request);
      }
      // anything after the request (its end marker, a second request) is dropped
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void answer(ChannelHandlerContext ctx, HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request");
      return;
    }
    String target = request.uri();
    int query = target.indexOf('?');
    String requestedPath = query < 0 ? target : target.substring(0, query);
    if (!requestedPath.equals(path)) {
      refuse(ctx, HttpResponseStatus.NOT_FOUND, "no endpoint at " + requestedPath);
      return;
    }
    HttpHeaders headers = request.headers();
    if (!HttpMethod.GET.equals(request.method())
        || !headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        || !headers.contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        || HttpUtil.getContentLength(request, 0L) != 0
        || HttpUtil.isTransferEncodingChunked(request)) {
      refuse(ctx, HttpResponseStatus.BAD_REQUEST, "not a WebSocket upgrade");
      return;
    }
    String origin = headers.get(HttpHeaderNames.ORIGIN);
    if (!originPolicy.allows(origin, headers.get(HttpHeaderNames.HOST))) {
      refuse(ctx, HttpResponseStatus.FORBIDDEN, "origin " + origin + " is not allowed");
      return;
    }
    if (!"13".equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
      FullHttpResponse response = refusal(HttpResponseStatus.UPGRADE_REQUIRED);
      response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
      send(ctx, response, "WebSocket version is not 13");
      return;
    }
    SubprotocolSelector.Choice choice =
        subprotocols.choose(headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
    if (choice == null) {
      refuse(ctx, HttpResponseStatus.BAD_REQUEST, "no offered subprotocol was asked for");
      return;
    }
    upgrade(ctx, request, choice);
  }

  private void upgrade(
      ChannelHandlerContext ctx, HttpRequest request, SubprotocolSelector.Choice choice) {
    // Netty's handshaker reads one Sec-WebSocket-Protocol header and matches it against its own
    // list; give it the choice already made, so that it answers with exactly that (or nothing).
    HttpHeaders headers = new DefaultHttpHeaders().set(request.headers());
    headers.remove(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
    if (choice.announced()) {
      headers.set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, choice.subprotocol());
    }
    FullHttpRequest full =
        new DefaultFullHttpRequest(
            request.protocolVersion(),
            request.method(),
            request.uri(),
            Unpooled.EMPTY_BUFFER,
            headers,
            EmptyHttpHeaders.INSTANCE);
    PerMessageDeflate.Agreement deflate =
        PerMessageDeflate.negotiate(
            request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS),
            settings.compression());
    HttpHeaders responseHeaders = new DefaultHttpHeaders();
    if (deflate != null) {
      responseHeaders.set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, deflate.response());
    }
    WebSocketServerHandshaker13 handshaker =
        new WebSocketServerHandshaker13(
            path, choice.announced() ? choice.subprotocol() : null, decoderConfig(deflate != null));
    try {
      handshaker.handshake(ctx.channel(), full, responseHeaders, ctx.newPromise());
    } catch (WebSocketHandshakeException e) {
      refuse(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage());
      return;
    }
    ChannelPipeline pipeline = ctx.pipeline();
    pipeline.addFirst(
        "liveness", new IdleStateHandler(settings.pingIntervalNanos(), 0, 0, TimeUnit.NANOSECONDS));
    pipeline.replace(
        this,
        "aggregator",
        new WebSocketMessageAggregator(
            settings.maxMessageBytes(), settings.maxFragmentsPerMessage(), deflate != null));
    if (deflate != null) {
      pipeline.addAfter(
          "aggregator",
          "deflate",
          new PerMessageDeflateHandler(
              settings.compression(), deflate, settings.maxMessageBytes()));
    }
    connection.upgraded(choice.subprotocol());
  }

  /**
   * Frames as the peer must send them: masked, payload within {@code maxMessageBytes}, no extension
   * bits unless {@code permessage-deflate} was negotiated (then the aggregator checks them).
   * Violations are reported as exceptions for {@link ConnectionHandler} to close on; UTF-8 is
   * checked once a text message is complete.
   */
  private WebSocketDecoderConfig decoderConfig(boolean extensions) {
    return WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(settings.maxMessageBytes())
        .expectMaskedFrames(true)
        .allowMaskMismatch(false)
        .allowExtensions(extensions)
        .closeOnProtocolViolation(false)
        .withUTF8Validator(false)
        .build();
  }

  private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String why) {
    send(ctx, refusal(status), why);
  }

  private static FullHttpResponse refusal(HttpResponseStatus status) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    response
        .headers()
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    return response;
  }

  private void send(ChannelHandlerContext ctx, FullHttpResponse response, String why) {
    log.debug("{}: upgrade refused with {}: {}", connection, response.status().code(), why);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
