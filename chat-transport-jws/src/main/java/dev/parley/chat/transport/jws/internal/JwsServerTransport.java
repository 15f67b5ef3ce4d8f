package dev.parley.chat.transport.jws.internal;

import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.spi.ServerTransport;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportHandler;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java-WebSocket server transport. Lifecycle: NEW, {@link #start()} to STARTED, {@link
 * #close()} to CLOSED (a failed start also ends CLOSED; a second close does nothing). Thread-safe.
 *
 * <p>Threads, all daemon and named {@code parley-jws-<n>-...}: the library's selector thread
 * ({@code -selector}) and worker threads ({@code -worker-<i>}), and a timer ({@code -timer}) that
 * applies {@link LivenessPolicy} and runs shutdown steps. Handler calls happen on those threads
 * only.
 *
 * <p>{@link #close()}: refuses new sockets, sends 1001 to every open connection, waits up to min(1
 * s, 2 ping intervals) for the closes to finish, closes what is left (reporting 1001), then stops
 * the library's server and joins every thread it or this class started. It must not be called on
 * one of those threads. (Java-WebSocket's own {@code stop()} leaves sockets whose close did not
 * finish open and unreported, and does not join its workers; issues #246, #259, #620.)
 */
public final class JwsServerTransport implements ServerTransport {
  private static final Logger log = LoggerFactory.getLogger(JwsServerTransport.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final long START_TIMEOUT_MILLIS = 10_000;
  private static final long STOP_TIMEOUT_MILLIS = 2_000;
  private static final long MAX_SHUTDOWN_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int MAX_WORKERS = 16;
  private static final String GOING_AWAY_REASON = "server is shutting down";

  private enum State {
    NEW,
    STARTING,
    STARTED,
    CLOSED
  }

  private final ServerTransportConfig config;
  private final ServerTransportHandler handler;
  private final LongSupplier ticker;
  private final String threadNamePrefix;
  private final LivenessPolicy policy;
  private final ConnectionRegistry<JwsSocket> registry;
  private final WriteDemandRelay relay = new WriteDemandRelay();
  private final Consumer<JwsSocket> onWriteQueueDrained;
  private final Object lifecycle = new Object();

  // written under lifecycle, read anywhere
  private volatile State state = State.NEW;
  private volatile JwsWebSocketServer server;
  private volatile Thread selector;
  private volatile Thread timerThread;

  // guarded by lifecycle
  private ScheduledExecutorService timer;

  private volatile InetSocketAddress localAddress;

  /**
   * Creates a transport that is not started.
   *
   * @param ticker the clock for every deadline, in nanoseconds ({@code System::nanoTime})
   */
  public JwsServerTransport(
      ServerTransportConfig config, ServerTransportHandler handler, LongSupplier ticker) {
    this(config, handler, ticker, socket -> {});
  }

  /**
   * For this package's tests: {@code onWriteQueueDrained} runs on the selector thread each time a
   * write pass has emptied a socket's output queue, before the library drops write interest.
   */
  JwsServerTransport(
      ServerTransportConfig config,
      ServerTransportHandler handler,
      LongSupplier ticker,
      Consumer<JwsSocket> onWriteQueueDrained) {
    this.onWriteQueueDrained = Objects.requireNonNull(onWriteQueueDrained, "onWriteQueueDrained");
    this.config = Objects.requireNonNull(config, "config");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.threadNamePrefix = "parley-jws-" + INSTANCES.incrementAndGet();
    this.policy = LivenessPolicy.of(config);
    this.registry =
        new ConnectionRegistry<>(config.maxConnections(), config.maxConnectionsPerAddress());
  }

  @Override
  public void start() throws IOException {
    synchronized (lifecycle) {
      if (state != State.NEW) {
        throw new IllegalStateException(
            "transport was already " + state.name().toLowerCase(Locale.ROOT));
      }
      state = State.STARTING;
      ServerSocketChannel channel;
      try {
        channel = JwsWebSocketServer.bind(config.bindAddress());
      } catch (IOException e) {
        state = State.CLOSED;
        throw e;
      }
      LimitedDraft draft = new LimitedDraft(config, ticker);
      JwsSocketFactory factory =
          new JwsSocketFactory(
              draft,
              registry,
              config.maxConnections(),
              config.maxConnectionsPerAddress(),
              handler,
              this::socketClosed,
              ticker,
              relay,
              onWriteQueueDrained,
              config.tls());
      JwsWebSocketServer created =
          new JwsWebSocketServer(channel, config, workerCount(), factory, threadNamePrefix);
      Thread selectorThread = new Thread(created, threadNamePrefix + "-selector");
      selectorThread.setDaemon(true);
      selectorThread.start();
      try {
        awaitStarted(created, selectorThread);
      } catch (IOException | RuntimeException e) {
        state = State.CLOSED;
        throw e;
      }
      server = created;
      selector = selectorThread;
      localAddress = created.boundAddress();
      timer =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, threadNamePrefix + "-timer");
                thread.setDaemon(true);
                timerThread = thread;
                return thread;
              });
      long period = policy.sweepPeriodNanos();
      timer.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.NANOSECONDS);
      state = State.STARTED;
      log.debug("{} listening on {}{}", threadNamePrefix, localAddress, config.path());
    }
  }

  private void awaitStarted(JwsWebSocketServer created, Thread selectorThread) throws IOException {
    try {
      created.started().get(START_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      stopFailedStart(created, selectorThread);
      Throwable cause = e.getCause();
      throw new IOException(
          "cannot listen on "
              + JwsWebSocketServer.describe(config.bindAddress())
              + ": "
              + cause.getMessage(),
          cause);
    } catch (TimeoutException e) {
      stopFailedStart(created, selectorThread);
      throw new IOException(
          "WebSocket server on " + config.bindAddress() + " did not start within 10 s", e);
    } catch (InterruptedException e) {
      stopFailedStart(created, selectorThread);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while starting on " + config.bindAddress());
    }
  }

  private void stopFailedStart(JwsWebSocketServer created, Thread selectorThread) {
    boolean interrupted = false;
    try {
      created.stop((int) STOP_TIMEOUT_MILLIS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    interrupted |= stopThread(selectorThread);
    for (Thread worker : created.workerThreads()) {
      interrupted |= stopThread(worker);
    }
    relay.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
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
      return; // also when a handler calls it during shutdown, on the timer thread
    }
    if (isTransportThread(Thread.currentThread())) {
      throw new IllegalStateException(
          "close() called on the transport's own thread "
              + Thread.currentThread().getName()
              + "; call it from another thread (handler callbacks must not block)");
    }
    synchronized (lifecycle) {
      if (state != State.STARTED) {
        state = State.CLOSED;
        return;
      }
      state = State.CLOSED;
      if (shutdown()) {
        Thread.currentThread().interrupt();
      }
      log.debug("{} closed", threadNamePrefix);
    }
  }

  /** Returns whether the calling thread was interrupted meanwhile. */
  private boolean shutdown() {
    boolean interrupted = onTimer(this::sendGoingAway);
    long grace = Math.min(MAX_SHUTDOWN_GRACE_NANOS, 2 * config.pingInterval().toNanos());
    try {
      registry.awaitEmpty(grace, TimeUnit.NANOSECONDS, ticker);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    interrupted |= onTimer(this::dropRemaining);
    try {
      server.stop((int) STOP_TIMEOUT_MILLIS, GOING_AWAY_REASON);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    interrupted |= stopThread(selector);
    for (Thread worker : server.workerThreads()) {
      interrupted |= stopThread(worker);
    }
    relay.close();
    timer.shutdownNow();
    if (timerThread != null) {
      // joined rather than awaitTermination: the pool reports termination from its last thread
      interrupted |= stopThread(timerThread);
    }
    return interrupted;
  }

  /** Runs a shutdown step on the timer thread, so handler calls it causes happen there. */
  private boolean onTimer(Runnable step) {
    try {
      timer.submit(step).get(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("{}: shutdown step failed", threadNamePrefix, e);
    } catch (InterruptedException e) {
      return true;
    }
    return false;
  }

  private void sendGoingAway() {
    List<JwsSocket> sockets = registry.beginClosing();
    for (JwsSocket socket : sockets) {
      if (socket.isOpen()) {
        socket.close(CloseCodes.GOING_AWAY, GOING_AWAY_REASON);
      } else if (socket.phase() != LivenessPolicy.Phase.CLOSING) {
        socket.expireHandshake();
        socket.closeConnection(CloseFrame.NEVER_CONNECTED, GOING_AWAY_REASON, false);
      }
    }
  }

  private void dropRemaining() {
    for (JwsSocket socket : registry.sockets()) {
      socket.finishClose(CloseCodes.GOING_AWAY, GOING_AWAY_REASON);
    }
  }

  /** Joins {@code thread}, interrupting it if it does not end in time. Returns if interrupted. */
  private boolean stopThread(Thread thread) {
    boolean interrupted = false;
    for (int attempt = 0; attempt < 2 && thread.isAlive(); attempt++) {
      if (attempt > 0) {
        thread.interrupt();
      }
      try {
        thread.join(STOP_TIMEOUT_MILLIS);
      } catch (InterruptedException e) {
        interrupted = true;
        thread.interrupt();
      }
    }
    if (thread.isAlive()) {
      log.warn("{}: thread {} did not stop", threadNamePrefix, thread.getName());
    }
    return interrupted;
  }

  private boolean isTransportThread(Thread thread) {
    JwsWebSocketServer running = server;
    return thread == selector
        || thread == timerThread
        || (running != null && running.workerThreads().contains(thread));
  }

  private static int workerCount() {
    return Math.max(1, Math.min(MAX_WORKERS, Runtime.getRuntime().availableProcessors()));
  }

  private void socketClosed(JwsSocket socket, int code, String reason, boolean remote) {
    try {
      socket.connection().events().closed(code, reason, remote);
    } finally {
      registry.remove(socket);
    }
  }

  /** One pass of {@link LivenessPolicy} over every socket; runs on the timer thread. */
  private void sweep() {
    if (registry.isClosing()) {
      return;
    }
    long now = ticker.getAsLong();
    for (JwsSocket socket : registry.sockets()) {
      try {
        apply(socket, decide(socket, now));
      } catch (RuntimeException e) {
        log.warn("{}: liveness check of {} failed", threadNamePrefix, socket, e);
      }
    }
  }

  private LivenessPolicy.Action decide(JwsSocket socket, long now) {
    LivenessPolicy.Phase phase = socket.phase();
    return policy.decide(
        phase,
        now,
        socket.acceptedAt(),
        socket.lastReceivedAt(),
        socket.pingedSinceReceive(),
        phase == LivenessPolicy.Phase.CLOSE_SENT ? socket.closeSentAt() : socket.closingSince());
  }

  private void apply(JwsSocket socket, LivenessPolicy.Action action) {
    switch (action) {
      case NONE -> {}
      case PING -> socket.ping();
      case EXPIRE_HANDSHAKE -> {
        if (socket.expireHandshake()) {
          log.debug("{}: no upgrade within {}; closing", socket, config.handshakeTimeout());
          socket.closeConnection(
              CloseFrame.NEVER_CONNECTED,
              "upgrade not completed within " + config.handshakeTimeout().toMillis() + " ms",
              false);
        }
      }
      case DROP_SILENT -> {
        log.debug("{}: silent for two ping intervals; closing", socket);
        socket.closeConnection(
            CloseCodes.HEARTBEAT_TIMEOUT,
            "nothing received for " + 2 * config.pingInterval().toMillis() + " ms",
            false);
      }
      case DROP_UNANSWERED_CLOSE -> {
        log.debug(
            "{}: close not answered within {} ms; closing the socket",
            socket,
            TimeUnit.NANOSECONDS.toMillis(policy.closeTimeoutNanos()));
        socket.finishClose(CloseFrame.ABNORMAL_CLOSE, "close not answered");
      }
      case DROP_STUCK -> {
        log.debug("{}: close or upgrade made no progress; closing the socket", socket);
        socket.finishClose(CloseFrame.ABNORMAL_CLOSE, "no progress");
      }
    }
  }

  /** The sockets currently admitted, for this package's tests. */
  Iterable<JwsSocket> sockets() {
    return registry.sockets();
  }

  /** The prefix of every thread this transport starts. */
  String threadNamePrefix() {
    return threadNamePrefix;
  }

  @Override
  public String toString() {
    return "JwsServerTransport[" + threadNamePrefix + ", " + config.bindAddress() + "]";
  }
}
