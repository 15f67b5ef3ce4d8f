package dev.parley.chat.benchmarks.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many WebSocket connections from few threads: Netty's NIO event loops, one per core by default.
 * Connections are spread over several loopback source addresses (127.0.0.2, 127.0.0.3, ...) so the
 * client never runs out of ephemeral ports. Thread-safe.
 */
final class LoadClient implements AutoCloseable {
  private static final int MAX_FRAME = 1024 * 1024;

  private final EventLoopGroup group;
  private final InetSocketAddress server;
  private final Wire wire;
  private final List<InetAddress> sources;
  private final LoadStats stats = new LoadStats();
  private final AtomicInteger nextSource = new AtomicInteger();
  private final Bootstrap bootstrap;

  LoadClient(int threads, InetSocketAddress server, Wire wire, int sourceAddresses) {
    this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    this.server = server;
    this.wire = wire;
    this.sources = loopbackSources(sourceAddresses);
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
  }

  private static List<InetAddress> loopbackSources(int count) {
    List<InetAddress> list = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        list.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i)}));
      }
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    return list;
  }

  LoadStats stats() {
    return stats;
  }

  Wire wire() {
    return wire;
  }

  /** A connection object for user {@code index} in {@code room}; not connected yet. */
  LoadConnection connection(int index, String room) {
    return new LoadConnection(this, index, room);
  }

  /**
   * Opens (or reopens) the connection's socket, upgrades it and lets the wire join; the returned
   * future completes when the connection is ready, or fails.
   */
  CompletableFuture<LoadConnection> connect(LoadConnection connection) {
    connection.resetForReconnect();
    CompletableFuture<LoadConnection> ready = connection.ready();
    URI uri = URI.create("ws://127.0.0.1:" + server.getPort() + wire.path(connection.room()));
    WebSocketClientProtocolConfig config =
        WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(uri)
            .subprotocol(wire.subprotocol())
            .maxFramePayloadLength(MAX_FRAME)
            .handshakeTimeoutMillis(TimeUnit.SECONDS.toMillis(30))
            .dropPongFrames(true)
            .handleCloseFrames(false)
            .build();
    InetAddress source = sources.get(Math.floorMod(nextSource.getAndIncrement(), sources.size()));
    Bootstrap b =
        bootstrap
            .clone()
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(8192))
                        .addLast(new WebSocketClientProtocolHandler(config))
                        .addLast(new WebSocketFrameAggregator(MAX_FRAME))
                        .addLast(new Handler(connection));
                  }
                });
    b.connect(server, new InetSocketAddress(source, 0))
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                connection.failed("connect: " + f.cause());
              }
            });
    return ready;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final LoadConnection connection;

    Handler(LoadConnection connection) {
      this.connection = connection;
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) throws Exception {
      connection.attach(ctx.channel());
      super.channelRegistered(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        connection.markUpgraded();
        wire.opened(connection);
      } else if (event
          == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        connection.failed("handshake timed out");
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof BinaryWebSocketFrame) {
        ByteBuf content = frame.content();
        wire.received(connection, content);
      } else if (frame instanceof CloseWebSocketFrame close) {
        if (!connection.isClosing()) {
          connection.failed(
              "closed by the server: " + close.statusCode() + " " + close.reasonText());
        }
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (!connection.ready().isDone()) {
        connection.failed(
            connection.isUpgraded()
                ? "closed after the upgrade, before it was ready"
                : "closed before the upgrade completed");
      } else if (!connection.isClosing()) {
        stats.recordUnexpectedClose();
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Channel channel = ctx.channel();
      connection.failed(cause.getClass().getSimpleName() + ": " + cause.getMessage());
      channel.close();
    }
  }
}
