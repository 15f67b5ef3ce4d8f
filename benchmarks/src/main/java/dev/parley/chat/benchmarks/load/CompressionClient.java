package dev.parley.chat.benchmarks.load;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Direction;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import dev.parley.chat.protocol.internal.HistoryPage;
import dev.parley.chat.protocol.internal.Joined;
import dev.parley.chat.protocol.internal.Message;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
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
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The compression benchmark's clients: Netty WebSocket connections that offer {@code
 * permessage-deflate} as browsers do (Netty's {@link WebSocketClientCompressionHandler}; the JDK's
 * WebSocket client cannot), speak Parley's binary protocol with the codec the server uses, and
 * count every byte their sockets read and write (WebSocket frames and the upgrade; not TCP/IP
 * headers). A connection joins one room, counts the messages delivered to it, asks for history
 * pages, and after a reconnect resumes and reads what it missed with forward pages of {@value
 * #CATCH_UP_PAGE} before it counts as ready. Thread-safe; callbacks run on the event loops.
 */
final class CompressionClient implements AutoCloseable {
  static final int CATCH_UP_PAGE = 200;
  private static final int MAX_FRAME = 4 * 1024 * 1024;

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final InetSocketAddress server;
  private final boolean offerDeflate;
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private volatile String firstError;

  CompressionClient(InetSocketAddress server, boolean offerDeflate) {
    this.server = server;
    this.offerDeflate = offerDeflate;
  }

  /** Bytes the sockets read, since the start. */
  long bytesIn() {
    return bytesIn.sum();
  }

  /** Bytes the sockets wrote, since the start. */
  long bytesOut() {
    return bytesOut.sum();
  }

  /** Live messages delivered to all connections, since the start. */
  long delivered() {
    return delivered.sum();
  }

  long errors() {
    return errors.sum();
  }

  String firstError() {
    return firstError;
  }

  /** One user's connection; connect it with {@link Connection#connect}. */
  Connection connection(String user, String room) {
    return new Connection(user, room);
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private void error(String what) {
    errors.increment();
    if (firstError == null) {
      firstError = what;
    }
  }

  /** One user in one room. Its state changes on its event loop. */
  final class Connection {
    private final String user;
    private final RoomId room;
    private final AtomicLong requestIds = new AtomicLong(10);
    private final AtomicLong messageIds = new AtomicLong();
    private final Map<Long, CompletableFuture<HistoryPage>> pages = new ConcurrentHashMap<>();
    private volatile Channel channel;
    private volatile CompletableFuture<Connection> ready;
    private volatile boolean deflate;
    private volatile long lastSeq;
    private volatile long catchUpTarget;
    private volatile boolean closing;

    Connection(String user, String room) {
      this.user = user;
      this.room = RoomId.of(room);
    }

    /** Whether the server accepted permessage-deflate on the current connection. */
    boolean deflate() {
      return deflate;
    }

    long lastSeq() {
      return lastSeq;
    }

    /**
     * Connects (or reconnects, resuming from the last message seen); completes when joined and,
     * after a resume, caught up.
     */
    CompletableFuture<Connection> connect() {
      closing = false;
      ready = new CompletableFuture<>();
      CompletableFuture<Connection> result = ready;
      URI uri = URI.create("ws://127.0.0.1:" + server.getPort() + Protocol.DEFAULT_PATH);
      WebSocketClientProtocolConfig config =
          WebSocketClientProtocolConfig.newBuilder()
              .webSocketUri(uri)
              .subprotocol(Protocol.SUBPROTOCOL_PROTOBUF)
              .allowExtensions(true)
              .maxFramePayloadLength(MAX_FRAME)
              .handshakeTimeoutMillis(TimeUnit.SECONDS.toMillis(30))
              .dropPongFrames(true)
              .handleCloseFrames(false)
              .build();
      new Bootstrap()
          .group(group)
          .channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(
              new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                  ChannelPipeline p = ch.pipeline();
                  p.addLast(new Counter())
                      .addLast(new HttpClientCodec())
                      .addLast(new HttpObjectAggregator(8192));
                  if (offerDeflate) {
                    p.addLast(new WebSocketClientCompressionHandler(MAX_FRAME));
                  }
                  p.addLast(new WebSocketClientProtocolHandler(config))
                      .addLast(new WebSocketFrameAggregator(MAX_FRAME))
                      .addLast(new Handler());
                }
              })
          .connect(server)
          .addListener(
              f -> {
                if (!f.isSuccess()) {
                  result.completeExceptionally(f.cause());
                }
              });
      return result;
    }

    /** Sends one chat message to the room. */
    void send(String text) {
      write(
          EnvelopeCodec.send(
              0,
              room,
              ClientMessageId.of(user + "-" + messageIds.incrementAndGet()),
              text,
              new byte[0]));
    }

    /**
     * One history page: the newest {@code limit} messages up to {@code fromSeq} ({@code BACKWARD}).
     */
    CompletableFuture<HistoryPage> page(long fromSeq, int limit) {
      long id = requestIds.incrementAndGet();
      CompletableFuture<HistoryPage> page = new CompletableFuture<>();
      pages.put(id, page);
      write(EnvelopeCodec.history(id, room, fromSeq, Direction.BACKWARD, limit));
      return page;
    }

    /** Closes the socket politely and waits. */
    void close() {
      closing = true;
      Channel c = channel;
      if (c != null) {
        c.writeAndFlush(new CloseWebSocketFrame(1000, "bye"));
        c.close().awaitUninterruptibly();
      }
    }

    private void write(Envelope envelope) {
      Channel c = channel;
      if (c != null && c.isActive()) {
        c.writeAndFlush(
            new BinaryWebSocketFrame(Unpooled.wrappedBuffer(BinaryFrames.encode(envelope))),
            c.voidPromise());
      }
    }

    private void received(Envelope envelope) {
      switch (envelope.getBodyCase()) {
        case WELCOME -> {
          if (envelope.getWelcome().getRejoinedCount() > 0) {
            rejoined(envelope.getWelcome().getRejoined(0));
          } else {
            write(EnvelopeCodec.join(2, room));
          }
        }
        case JOINED -> ready.complete(this);
        case MESSAGE -> {
          Message m = envelope.getMessage();
          if (m.getSeq() > lastSeq) {
            lastSeq = m.getSeq();
          }
          delivered.increment();
        }
        case HISTORY_PAGE -> {
          CompletableFuture<HistoryPage> page = pages.remove(envelope.getRequestId());
          if (page != null) {
            page.complete(envelope.getHistoryPage());
          } else {
            caughtUp(envelope.getHistoryPage());
          }
        }
        case ERROR -> {
          String what =
              user + ": " + envelope.getError().getName() + " " + envelope.getError().getMessage();
          error(what);
          CompletableFuture<HistoryPage> page = pages.remove(envelope.getRequestId());
          if (page != null) {
            page.completeExceptionally(new IllegalStateException(what));
          }
          ready.completeExceptionally(new IllegalStateException(what));
        }
        default -> {
          // acknowledgements, presence, pongs: counted as bytes only
        }
      }
    }

    private void rejoined(Joined joined) {
      catchUpTarget = joined.getHeadSeq();
      if (lastSeq >= catchUpTarget) {
        ready.complete(this);
      } else {
        requestCatchUpPage();
      }
    }

    private void caughtUp(HistoryPage page) {
      for (Message m : page.getMessagesList()) {
        lastSeq = Math.max(lastSeq, m.getSeq());
      }
      if (page.getHasMore() && lastSeq < catchUpTarget) {
        requestCatchUpPage();
      } else {
        ready.complete(this);
      }
    }

    private void requestCatchUpPage() {
      write(EnvelopeCodec.history(3, room, lastSeq + 1, Direction.FORWARD, CATCH_UP_PAGE));
    }

    private void opened() {
      List<dev.parley.chat.protocol.internal.RoomPosition> resume =
          lastSeq > 0 ? List.of(EnvelopeCodec.position(room, lastSeq)) : List.of();
      write(
          EnvelopeCodec.connect(
              1, user, "parley-bench", "", resume, List.of(Protocol.FEATURE_PRESENCE_BATCH)));
    }

    /** Counts the socket's bytes, below every codec. */
    private final class Counter extends ChannelDuplexHandler {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) {
          bytesIn.add(b.readableBytes());
        }
        super.channelRead(ctx, msg);
      }

      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
          throws Exception {
        if (msg instanceof ByteBuf b) {
          bytesOut.add(b.readableBytes());
        }
        super.write(ctx, msg, promise);
      }
    }

    private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
      /** This socket's attempt: a late event of an earlier socket must not fail a later one. */
      private final CompletableFuture<Connection> attempt = ready;

      @Override
      public void channelRegistered(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        super.channelRegistered(ctx);
      }

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
          deflate = false;
          for (ChannelHandler h : ctx.pipeline().toMap().values()) {
            if (h.getClass().getSimpleName().contains("Deflate")) {
              deflate = true;
            }
          }
          opened();
        } else if (event
            == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
          attempt.completeExceptionally(new IllegalStateException(user + ": handshake timed out"));
        }
        super.userEventTriggered(ctx, event);
      }

      @Override
      protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof BinaryWebSocketFrame) {
          try {
            received(BinaryFrames.decode(frame.content().nioBuffer()));
          } catch (FrameDecodeException e) {
            error(user + ": undecodable frame " + e.getMessage());
          }
        } else if (frame instanceof CloseWebSocketFrame close && !closing) {
          error(user + ": closed by the server " + close.statusCode() + " " + close.reasonText());
          ctx.close();
        }
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        attempt.completeExceptionally(new IllegalStateException(user + ": closed"));
        super.channelInactive(ctx);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        error(user + ": " + cause);
        attempt.completeExceptionally(cause);
        ctx.close();
      }
    }
  }
}
