package dev.parley.chat.transport.netty.internal;

import dev.parley.chat.spi.ServerTransport;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty server transport. Lifecycle: NEW, {@link #start()} to STARTED, {@link #close()} to
 * CLOSED (a failed start also ends CLOSED; a second close does nothing). Thread-safe.
 *
 * <p>Threads, all daemon and named {@code parley-netty-<n>-...}: one acceptor ({@code -boss-1}) and
 * max(2, processors) event loops, at most 16 ({@code -io-<i>}), on Java NIO. Each connection stays
 * on one event loop; handler calls and the connection's timers run there and nowhere else.
 *
 * <p>{@link #close()}: closes the listening socket, sends 1001 to every open connection and drops
 * those not yet upgraded, waits for the closes to finish (each close waits at most min(2 ping
 * intervals, 1 s) for the peer's answer), closes what is left, then shuts the event loops down and
 * joins their threads. Netty reports the end of each event loop on its process-wide {@code
 * globalEventExecutor} thread, which stops by itself after a second without work; {@code close()}
 * waits for that too (at most 2 s), so it usually takes about a second. It must not be called on
 * one of this transport's threads.
 */
public final class NettyServerTransport implements ServerTransport {
  private static final Logger log = LoggerFactory.getLogger(NettyServerTransport.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final int MAX_EVENT_LOOPS = 16;
  private static final long STOP_TIMEOUT_MILLIS = 2_000;
  private static final String GOING_AWAY_REASON = "server is shutting down";

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final ServerTransportConfig config;
  private final ServerTransportHandler handler;
  private final String threadNamePrefix;
  private final ConnectionRegistry registry;
  private final EventLoopThreads bossThreads;
  private final EventLoopThreads ioThreads;
  private final Object lifecycle = new Object();

  // written under lifecycle, read anywhere
  private volatile State state = State.NEW;
  private volatile InetSocketAddress localAddress;

  // guarded by lifecycle
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private Channel listener;

  /** Creates a transport that is not started. */
  public NettyServerTransport(ServerTransportConfig config, ServerTransportHandler handler) {
    this.config = Objects.requireNonNull(config, "config");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.threadNamePrefix = "parley-netty-" + INSTANCES.incrementAndGet();
    this.registry =
        new ConnectionRegistry(config.maxConnections(), config.maxConnectionsPerAddress());
    this.bossThreads = new EventLoopThreads(threadNamePrefix + "-boss-");
    this.ioThreads = new EventLoopThreads(threadNamePrefix + "-io-");
  }

  @Override
  public void start() throws IOException {
    synchronized (lifecycle) {
      if (state != State.NEW) {
        throw new IllegalStateException(
            "transport was already " + state.name().toLowerCase(Locale.ROOT));
      }
      boss = new MultiThreadIoEventLoopGroup(1, bossThreads, NioIoHandler.newFactory());
      workers =
          new MultiThreadIoEventLoopGroup(eventLoopCount(), ioThreads, NioIoHandler.newFactory());
      ServerBootstrap bootstrap =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              // a restarted server must be able to bind while old connections are in TIME_WAIT
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              // start reads small and grow only for connections that send much
              .childOption(
                  ChannelOption.RECVBUF_ALLOCATOR,
                  new AdaptiveRecvByteBufAllocator(64, 1024, 65536))
              .childHandler(new WebSocketChannelInitializer(config, handler, registry));
      ChannelFuture bound = bootstrap.bind(config.bindAddress()).awaitUninterruptibly();
      if (!bound.isSuccess()) {
        state = State.CLOSED;
        stopEventLoops();
        Throwable cause = bound.cause();
        String message = "cannot listen on " + config.bindAddress() + ": " + cause.getMessage();
        // a taken port stays a BindException, as ChatServer.start() promises (configuration.md)
        IOException named =
            cause instanceof BindException ? new BindException(message) : new IOException(message);
        named.initCause(cause);
        throw named;
      }
      listener = bound.channel();
      localAddress = (InetSocketAddress) listener.localAddress();
      state = State.STARTED;
      log.debug("{} listening on {}{}", threadNamePrefix, localAddress, config.path());
    }
  }

  @Override
  public InetSocketAddress localAddress() {
    InetSocketAddress address = localAddress;
    if (address == null) {
      throw new IllegalStateException("transport is not started");
    }
    return address;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if called on one of this transport's threads (from a handler
   *     callback) while the transport is running: it would have to wait for itself
   */
  @Override
  public void close() {
    if (state == State.CLOSED) {
      return;
    }
    Thread current = Thread.currentThread();
    if (bossThreads.owns(current) || ioThreads.owns(current)) {
      throw new IllegalStateException(
          "close() called on the transport's own thread "
              + current.getName()
              + "; call it from another thread (handler callbacks must not block)");
    }
    synchronized (lifecycle) {
      State was = state;
      state = State.CLOSED;
      if (was == State.STARTED) {
        shutdown();
        log.debug("{} closed", threadNamePrefix);
      }
    }
  }

  private void shutdown() {
    boolean interrupted = false;
    listener.close().awaitUninterruptibly(STOP_TIMEOUT_MILLIS);
    for (NettyConnection connection : registry.beginClosing()) {
      connection.goAway(GOING_AWAY_REASON);
    }
    long closeTimeout = ConnectionSettings.of(config).closeTimeoutNanos();
    try {
      if (!registry.awaitDrained(
          closeTimeout + TimeUnit.MILLISECONDS.toNanos(STOP_TIMEOUT_MILLIS),
          TimeUnit.NANOSECONDS)) {
        for (NettyConnection connection : registry.remaining()) {
          connection.channel().close();
        }
        registry.awaitDrained(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    interrupted |= stopEventLoops();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Shuts both groups down and joins their threads. Returns whether it was interrupted. */
  private boolean stopEventLoops() {
    workers.shutdownGracefully(0, STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    boss.shutdownGracefully(0, STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    workers.terminationFuture().awaitUninterruptibly(2 * STOP_TIMEOUT_MILLIS);
    boss.terminationFuture().awaitUninterruptibly(2 * STOP_TIMEOUT_MILLIS);
    try {
      List<String> alive = new ArrayList<>();
      alive.addAll(bossThreads.join(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
      alive.addAll(ioThreads.join(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
      // Netty reports each event loop's end on its process-wide helper thread, which it starts
      // for that and which ends itself after a second without work: wait for it too.
      if (!GlobalEventExecutor.INSTANCE.awaitInactivity(
          STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
        alive.add("Netty's globalEventExecutor (busy with other work)");
      }
      if (!alive.isEmpty()) {
        log.warn("{}: threads did not stop: {}", threadNamePrefix, alive);
      }
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }

  private static int eventLoopCount() {
    return Math.max(2, Math.min(MAX_EVENT_LOOPS, Runtime.getRuntime().availableProcessors()));
  }

  /** The prefix of every thread this transport starts. */
  String threadNamePrefix() {
    return threadNamePrefix;
  }

  /** How many sockets are admitted now, for this package's tests. */
  int admittedSockets() {
    return registry.size();
  }

  @Override
  public String toString() {
    return "NettyServerTransport[" + threadNamePrefix + ", " + config.bindAddress() + "]";
  }
}
