package dev.parley.chat.server.internal;

import com.sun.net.httpserver.HttpHandler;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DependencyStatus;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.server.InMemoryRoomAccessStore;
import dev.parley.chat.server.ServerRooms;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.ProviderLookup;
import dev.parley.chat.spi.ServerTransport;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link ChatServer} implementation. Thread-safe; see the interface for lifecycle. Reads
 * its configuration only from the {@link ServerSettings} snapshot it was built with.
 *
 * <p>Ownership: {@link #close()} closes the transport, the HTTP side, the timer, and the worker
 * pool and store only when the server created them (none was given); the cluster bus, which the
 * server started, is closed too. Everything else the application passed in is left alone.
 */
public final class RealChatServer implements ChatServer {
  private static final Logger log = LoggerFactory.getLogger(RealChatServer.class);

  private enum Phase {
    NEW,
    STARTED,
    CLOSED
  }

  private static final long DRAIN_POLL_MILLIS = 20;

  /**
   * How often the per-user state of users without a connection and with full buckets is dropped.
   */
  private static final long USER_SWEEP_MILLIS = 60_000;

  /** The longest start waits for the store's first answer. */
  private static final Duration FIRST_STORE_CHECK_WAIT = Duration.ofSeconds(1);

  /**
   * The timeout of one blob store call: a put copies a whole file (up to the largest upload), so it
   * is far longer than the store's and the bus's.
   */
  static final Duration BLOB_CALL_TIMEOUT = Duration.ofMinutes(2);

  private final ServerSettings settings;
  private final ServerContext context;
  private final ServerCore core;
  private final ServerRooms rooms;
  private final ServerTransport transport;
  private final ExecutorService ownWorkers; // null: the application's
  private final MessageStore ownStore; // null: the application's
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final AtomicReference<ScheduledFuture<?>> drainWatch = new AtomicReference<>();
  private final BlobAccess blobs; // null: attachments off
  private final UploadEndpoint uploads; // null: attachments off
  private final DownloadEndpoint downloads; // null: attachments off
  private final BlobRetention retention; // null: attachments off
  private HttpSide http;
  private Phase phase = Phase.NEW;

  /**
   * Builds a server from validated settings; what {@code ChatServerBuilder.build()} calls.
   *
   * @param settings the snapshot of the builder
   * @return a server that is not started
   */
  public static ChatServer create(ServerSettings settings) {
    return new RealChatServer(settings);
  }

  private RealChatServer(ServerSettings settings) {
    this.settings = settings;
    Random random = settings.random();
    String serverId = settings.serverId() != null ? settings.serverId() : randomId(random);
    this.ownStore = settings.messageStore() == null ? new InMemoryMessageStore() : null;
    MessageStore store = ownStore != null ? ownStore : settings.messageStore();
    ClusterBus bus = settings.clusterBus() != null ? settings.clusterBus() : SingleNodeBus.INSTANCE;
    this.ownWorkers =
        settings.workerExecutor() == null
            ? Executors.newFixedThreadPool(
                Math.max(2, Runtime.getRuntime().availableProcessors()),
                HttpSide.threads("parley-worker-"))
            : null;
    Executor workers = ownWorkers != null ? ownWorkers : settings.workerExecutor();
    ScheduledExecutorService scheduler = newTimer();
    this.context =
        new ServerContext(
            settings,
            serverId,
            store,
            settings.access().store() != null
                ? settings.access().store()
                : new InMemoryRoomAccessStore(),
            bus,
            workers,
            scheduler,
            new MessageIdGenerator(settings.clock(), random));
    AttachmentSettings attachments = settings.attachments();
    if (attachments != null) {
      BreakerSettings guard = settings.breakers();
      this.blobs =
          new BlobAccess(
              attachments.blobStore(),
              attachments.blobThreads(),
              new DependencyBreaker(
                  "blobs",
                  new BreakerSettings(
                      BLOB_CALL_TIMEOUT,
                      guard.failureRateThreshold(),
                      guard.windowSize(),
                      guard.openDuration(),
                      guard.maxPendingCalls(),
                      guard.reconnectInitial(),
                      guard.reconnectMax()),
                  settings.clock(),
                  scheduler,
                  context.metrics()));
      this.uploads =
          new UploadEndpoint(
              settings.path(),
              attachments,
              settings.authenticator(),
              blobs,
              new AttachmentTokens(attachments.signingKey(), settings.clock()),
              scheduler,
              settings.clock(),
              settings.tls() != null);
      this.downloads =
          new DownloadEndpoint(
              SignedAttachmentLinks.filesPath(settings.path()),
              attachments.signingKey(),
              blobs,
              settings.clock(),
              scheduler,
              DownloadEndpoint.STALL_PERIOD,
              settings.tls() != null);
      this.retention =
          new BlobRetention(context.store(), blobs, attachments.retentionGrace(), settings.clock());
    } else {
      this.blobs = null;
      this.uploads = null;
      this.downloads = null;
      this.retention = null;
    }
    this.core = new ServerCore(context);
    this.rooms = new RealServerRooms(context, core);
    ServerTransportProvider provider =
        settings.transport() != null ? settings.transport() : lookUpTransport(settings);
    this.transport =
        provider.create(
            new ServerTransportConfig(
                new InetSocketAddress(settings.host(), settings.port()),
                settings.path(),
                List.of(Protocol.SUBPROTOCOL_PROTOBUF, Protocol.SUBPROTOCOL_JSON),
                settings.maxMessageBytes(),
                settings.maxFragmentsPerMessage(),
                settings.maxHandshakeBytes(),
                settings.handshakeTimeout(),
                settings.pingInterval(),
                settings.maxConnections(),
                settings.abuseLimits().maxConnectionsPerAddress(),
                settings.abuseLimits().originPolicy(),
                settings.tls(),
                settings.compression()),
            core);
  }

  private static ServerTransportProvider lookUpTransport(ServerSettings settings) {
    return ProviderLookup.select(
        ServerTransportProvider.class,
        ProviderLookup.load(ServerTransportProvider.class, RealChatServer.class.getClassLoader()),
        settings.transportName(),
        ServerTransportProvider::name,
        ServerTransportProvider::priority,
        ServerTransportProvider::isAvailable,
        "Add dev.parley:chat-transport-netty (the default; it needs Netty 4.2, where Spring Boot 3"
            + " manages 4.1) or dev.parley:chat-transport-jws to the class path, name an available"
            + " one with ChatServerBuilder.transport(name), or give one with"
            + " ChatServerBuilder.transport(provider).");
  }

  @Override
  public synchronized ChatServer start() throws IOException {
    if (phase != Phase.NEW) {
      throw new IllegalStateException("server was already " + phase.name().toLowerCase());
    }
    phase = Phase.STARTED;
    JsonFrames.warmUp();
    CompletableFuture<Void> storeCheck;
    try {
      // returns even when the broker is down: the node is then not ready and retries by itself
      context.bus().start(context.serverId(), context.rooms());
      // not ready until the store has answered once: a store that is down at start must not be
      // reported ready until a client's call fails; the check waits a moment, never long
      storeCheck = context.guardedStore().checkReachable(context.workers());
      context.guardedStore().startProbing(context.scheduler(), settings.breakers().openDuration());
      if (retention != null) {
        retention.start(context.scheduler(), settings.attachments().retentionInterval());
      }
      context.events().start();
      if (settings.clusterBus() != null) {
        long every = settings.catchUpInterval().toMillis();
        context
            .scheduler()
            .scheduleWithFixedDelay(this::catchUp, every, every, TimeUnit.MILLISECONDS);
      }
      context
          .scheduler()
          .scheduleWithFixedDelay(
              context.userLimits()::sweep,
              USER_SWEEP_MILLIS,
              USER_SWEEP_MILLIS,
              TimeUnit.MILLISECONDS);
      transport.start();
      if (settings.httpEnabled()) {
        http =
            new HttpSide(
                new InetSocketAddress(settings.httpHost(), settings.httpPort()),
                this::isReady,
                core::sessionCount,
                settings.maxConnections(),
                settings.pageHandlers(),
                settings.tls(),
                settings.serverSentEvents()
                    ? new SseEndpoint(
                        settings.path(),
                        core,
                        context.scheduler(),
                        settings.clock(),
                        settings.pingInterval().toMillis(),
                        settings.maxMessageBytes(),
                        settings.maxConnections(),
                        settings.abuseLimits().maxConnectionsPerAddress(),
                        settings.abuseLimits().originPolicy(),
                        context::isAccepting,
                        settings.tls() != null,
                        settings.compression().enabled())
                    : null,
                httpEndpoints());
        http.start();
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    awaitFirstStoreCheck(storeCheck);
    context.accepting(true);
    context.metrics().bind(new Gauges());
    log.info(
        "Parley server {} listening on {}{}",
        context.serverId(),
        webSocketUri(),
        http == null ? "" : " (HTTP " + httpUri().orElseThrow() + ")");
    return this;
  }

  /**
   * The server's own HTTP endpoints by path (attachment uploads and downloads when attachments are
   * on).
   */
  private Map<String, HttpHandler> httpEndpoints() throws IOException {
    Map<String, HttpHandler> endpoints = new LinkedHashMap<>();
    if (uploads != null) {
      uploads.start();
      endpoints.put(uploads.basePath(), uploads);
    }
    if (downloads != null) {
      endpoints.put(downloads.basePath(), downloads);
    }
    return endpoints;
  }

  /**
   * Waits briefly for the first store check, so that a server whose store answers at once is ready
   * as soon as start returns; a slower or unreachable store is left to the probe.
   */
  private void awaitFirstStoreCheck(CompletableFuture<Void> storeCheck) {
    Duration timeout = settings.breakers().callTimeout();
    Duration wait =
        timeout.compareTo(FIRST_STORE_CHECK_WAIT) < 0 ? timeout : FIRST_STORE_CHECK_WAIT;
    try {
      storeCheck.get(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // not answered yet: not ready until the probe reaches the store
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!context.guardedStore().reached()) {
      log.warn(
          "Parley server {} has not reached its message store yet; not ready until it does",
          context.serverId());
    }
  }

  @Override
  public InetSocketAddress address() {
    return transport.localAddress();
  }

  @Override
  public URI webSocketUri() {
    return URI.create(
        (settings.tls() == null ? "ws://" : "wss://")
            + hostForUri(address())
            + ":"
            + address().getPort()
            + settings.path());
  }

  @Override
  public Optional<URI> httpUri() {
    HttpSide side = http;
    if (side == null) {
      return Optional.empty();
    }
    InetSocketAddress a = side.address();
    return Optional.of(
        URI.create(
            (settings.tls() == null ? "http://" : "https://")
                + hostForUri(a)
                + ":"
                + a.getPort()
                + "/"));
  }

  @Override
  public boolean isReady() {
    return context.isReady();
  }

  @Override
  public List<DependencyStatus> dependencies() {
    List<DependencyStatus> all = new ArrayList<>(3);
    all.add(context.storeBreaker().status());
    DependencyBreaker bus = context.busBreaker();
    if (bus != null) {
      all.add(
          context.busStarted()
              ? bus.status()
              : new DependencyStatus(bus.name(), DependencyStatus.State.STARTING));
    }
    if (blobs != null) {
      all.add(blobs.breaker().status());
    }
    return List.copyOf(all);
  }

  /**
   * The breakers around the store, (on a node of a cluster) the bus and (with attachments) the blob
   * store, for metrics: read their {@link DependencyBreaker#status()} and {@link
   * DependencyBreaker#pendingCalls()}, or {@link DependencyBreaker#addListener add a listener} for
   * state changes. Not API.
   */
  public List<DependencyBreaker> breakers() {
    List<DependencyBreaker> all = new ArrayList<>(3);
    all.add(context.storeBreaker());
    if (context.busBreaker() != null) {
      all.add(context.busBreaker());
    }
    if (blobs != null) {
      all.add(blobs.breaker());
    }
    return List.copyOf(all);
  }

  @Override
  public int sessionCount() {
    return core.sessionCount();
  }

  @Override
  public ServerRooms rooms() {
    return rooms;
  }

  @Override
  public CompletableFuture<Void> drain(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    synchronized (this) {
      if (phase != Phase.STARTED) {
        close();
        return closed.copy();
      }
      if (drainWatch.get() != null) {
        return closed.copy(); // already draining
      }
      context.accepting(false);
      long deadline = System.nanoTime() + timeout.toNanos();
      // Scheduled under the lock: close() cannot shut the timer down in between.
      drainWatch.set(
          context
              .scheduler()
              .scheduleWithFixedDelay(
                  () -> watchDrain(deadline, timeout),
                  DRAIN_POLL_MILLIS,
                  DRAIN_POLL_MILLIS,
                  TimeUnit.MILLISECONDS));
    }
    log.info("Parley server {} draining {} sessions", context.serverId(), core.sessionCount());
    core.askAllToLeave("server is draining; reconnect to another node");
    return closed.copy();
  }

  /** On the timer: once every session has gone or the time is up, closes on a thread of its own. */
  private void watchDrain(long deadline, Duration timeout) {
    int open = core.sessionCount();
    if (open > 0 && System.nanoTime() < deadline) {
      return;
    }
    drainWatch.get().cancel(false);
    if (open > 0) {
      log.info(
          "Parley server {}: {} sessions still open after {}; closing them",
          context.serverId(),
          open,
          timeout);
    }
    // Not on the timer thread: close() shuts the timer down.
    Thread closer = new Thread(this::close, "parley-server-drain");
    closer.setDaemon(true);
    closer.start();
  }

  private void catchUp() {
    try {
      context.rooms().catchUpAll();
    } catch (RuntimeException e) {
      log.warn("catch-up sweep failed", e);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (phase == Phase.CLOSED) {
        return;
      }
      phase = Phase.CLOSED;
    }
    try {
      stop();
    } finally {
      closed.complete(null);
    }
  }

  private void stop() {
    context.accepting(false);
    context.metrics().close();
    core.goAwayAll("server is stopping");
    transport.close();
    if (http != null) {
      http.stop();
    }
    if (uploads != null) {
      uploads.stop(); // its pool, then the staged files of unfinished uploads
    }
    if (downloads != null) {
      downloads.stop(); // downloads still running are cut
    }
    if (retention != null) {
      retention.close();
    }
    if (blobs != null) {
      blobs.close(); // the store itself is the application's
    }
    context.events().close(); // the relay gives up its lease; then the sink closes
    context.scheduler().shutdownNow();
    if (ownWorkers != null) {
      ownWorkers.shutdown();
      try {
        if (!ownWorkers.awaitTermination(5, TimeUnit.SECONDS)) {
          ownWorkers.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      context.bus().close();
    } catch (RuntimeException e) {
      log.warn("closing the cluster bus failed", e);
    }
    if (ownStore != null) {
      ownStore.close();
    }
    log.info("Parley server {} stopped", context.serverId());
  }

  /** What the server's gauges read, at scrape time. */
  private final class Gauges implements ServerMetrics.Gauges {
    @Override
    public long eventOutboxEvents() {
      return context.events().backlogEvents();
    }

    @Override
    public long eventOutboxMaxEvents() {
      return context.events().maxEvents();
    }

    @Override
    public double eventOutboxOldestSeconds() {
      return context.events().oldestAgeSeconds();
    }

    @Override
    public int eventRelayLeader() {
      return context.events().relaying() ? 1 : 0;
    }

    @Override
    public int connectionsOpen() {
      return core.sessionCount();
    }

    @Override
    public long outboundQueuedBytes() {
      long total = 0;
      for (ServerSession session : core.sessions()) {
        total += session.connection().bufferedBytes();
      }
      return total;
    }

    @Override
    public long largestOutboundQueuedBytes() {
      long largest = 0;
      for (ServerSession session : core.sessions()) {
        largest = Math.max(largest, session.connection().bufferedBytes());
      }
      return largest;
    }

    @Override
    public int roomsLoaded() {
      return context.rooms().size();
    }

    @Override
    public boolean draining() {
      return drainWatch.get() != null;
    }

    @Override
    public List<DependencyStatus> breakers() {
      List<DependencyStatus> states = new ArrayList<>(2);
      for (DependencyBreaker breaker : RealChatServer.this.breakers()) {
        states.add(breaker.status());
      }
      return states;
    }
  }

  private static String hostForUri(InetSocketAddress address) {
    String host = address.getAddress().isAnyLocalAddress() ? "localhost" : address.getHostString();
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private static String randomId(Random random) {
    byte[] bytes = new byte[6];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * The server's timer thread. Cancelled tasks leave its queue at once: each connection schedules a
   * connect deadline that is nearly always cancelled, and thousands of them waiting out their delay
   * would hold memory for nothing.
   */
  private static ScheduledExecutorService newTimer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(1, HttpSide.threads("parley-server-timer-"));
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }
}
