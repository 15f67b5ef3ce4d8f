package dev.parley.chat.benchmarks.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelMatchers;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Baseline B2: a bare Netty WebSocket server that sends every binary message it receives,
 * unchanged, to every connection of the same room (the sender included), as Netty's own examples
 * would. The room is the request path's last segment ({@code /room/17}).
 *
 * <p>Thread-safe; handlers run on Netty's event loops.
 */
final class NettyBroadcastServer implements BaselineServer {
  private static final AttributeKey<ChannelGroup> ROOM = AttributeKey.valueOf("parley.bench.room");

  private final InetSocketAddress bind;
  private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoopGroup workers;
  private final Map<String, ChannelGroup> rooms = new ConcurrentHashMap<>();
  private final ChannelGroup all = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private Channel server;

  NettyBroadcastServer(InetSocketAddress bind, int workerThreads) {
    this.bind = bind;
    this.workers = new MultiThreadIoEventLoopGroup(workerThreads, NioIoHandler.newFactory());
  }

  @Override
  public int startAndAwait() throws InterruptedException {
    WebSocketServerProtocolConfig ws =
        WebSocketServerProtocolConfig.newBuilder()
            .websocketPath("/room")
            .checkStartsWith(true)
            .maxFramePayloadLength(64 * 1024)
            .build();
    server =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    all.add(ch);
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(8192))
                        .addLast(new WebSocketServerProtocolHandler(ws))
                        .addLast(new Broadcaster());
                  }
                })
            .bind(bind)
            .sync()
            .channel();
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    all.close().awaitUninterruptibly();
    boss.shutdownGracefully().syncUninterruptibly();
    workers.shutdownGracefully().syncUninterruptibly();
  }

  private final class Broadcaster extends SimpleChannelInboundHandler<BinaryWebSocketFrame> {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete complete) {
        String room = BaselineServer.roomOf(complete.requestUri());
        ChannelGroup group =
            rooms.computeIfAbsent(room, r -> new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
        group.add(ctx.channel());
        ctx.channel().attr(ROOM).set(group);
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, BinaryWebSocketFrame frame) {
      ChannelGroup group = ctx.channel().attr(ROOM).get();
      if (group != null) {
        // the group sends a duplicate to each member and releases this reference when done
        group.writeAndFlush(frame.retain(), ChannelMatchers.all(), true);
      }
    }
  }
}
