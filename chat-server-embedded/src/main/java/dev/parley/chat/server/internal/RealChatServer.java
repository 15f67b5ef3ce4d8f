package dev.parley.chat.server.internal;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.InMemoryMessageStore;
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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one {@link ChatServer} implementation. Thread-safe; see the interface for lifecycle. */
public final class RealChatServer implements ChatServer {
  private static final Logger log = LoggerFactory.getLogger(RealChatServer.class);

  private enum Phase {
    NEW,
    STARTED,
    CLOSED
  }

  private static final long DRAIN_POLL_MILLIS = 20;

  private final ChatServerBuilder settings;
  private final ServerContext context;
  private final ServerCore core;
  private final ServerRooms rooms;
  private final ServerTransport transport;
  private final boolean ownsWorkers;
  private HttpSide http;
  private Phase phase = Phase.NEW;

  /** Builds the server from a validated builder; called by {@link ChatServerBuilder#build()}. */
  public RealChatServer(ChatServerBuilder settings) {
    this.settings = settings;
    Random random = settings.random() != null ? settings.random() : new SecureRandom();
    String serverId = settings.serverId() != null ? settings.serverId() : randomId(random);
    MessageStore store =
        settings.messageStore() != null ? settings.messageStore() : new InMemoryMessageStore();
    ClusterBus bus = settings.clusterBus() != null ? settings.clusterBus() : SingleNodeBus.INSTANCE;
    this.ownsWorkers = settings.workerExecutor() == null;
    ExecutorService workers =
        ownsWorkers
            ? Executors.newFixedThreadPool(
                Math.max(2, Runtime.getRuntime().availableProcessors()),
                HttpSide.threads("parley-worker-"))
            : settings.workerExecutor();
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(HttpSide.threads("parley-server-timer-"));
    this.context =
        new ServerContext(
            settings,
            serverId,
            store,
            bus,
            workers,
            scheduler,
            new MessageIdGenerator(settings.clock(), random),
            ServerHooks.Config.of(settings));
    this.core = new ServerCore(context);
    this.rooms = new RealServerRooms(context, core);
    ServerTransportProvider provider =
        ProviderLookup.select(
            ServerTransportProvider.class,
            ProviderLookup.load(
                ServerTransportProvider.class, RealChatServer.class.getClassLoader()),
            settings.transportName(),
            ServerTransportProvider::name,
            ServerTransportProvider::priority,
            ServerTransportProvider::isAvailable,
            "Add dev.parley:chat-transport-jws (the default) or another transport module to the"
                + " class path, or name an available one with ChatServerBuilder.transport(name).");
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
                settings.maxConnections()),
            core);
  }

  @Override
  public synchronized ChatServer start() throws IOException {
    if (phase != Phase.NEW) {
      throw new IllegalStateException("server was already " + phase.name().toLowerCase());
    }
    phase = Phase.STARTED;
    JsonFrames.warmUp();
    try {
      context.bus().start(context.serverId(), context.rooms());
      if (settings.clusterBus() != null) {
        long every = settings.catchUpInterval().toMillis();
        context
            .scheduler()
            .scheduleWithFixedDelay(this::catchUp, every, every, TimeUnit.MILLISECONDS);
      }
      transport.start();
      if (settings.httpEnabled()) {
        http =
            new HttpSide(
                new InetSocketAddress(settings.httpHost(), settings.httpPort()),
                this::isReady,
                settings.httpHandlers());
        http.start();
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    context.accepting(true);
    log.info(
        "Parley server {} listening on {}{}",
        context.serverId(),
        webSocketUri(),
        http == null ? "" : " (HTTP " + httpUri().orElseThrow() + ")");
    return this;
  }

  @Override
  public InetSocketAddress address() {
    return transport.localAddress();
  }

  @Override
  public URI webSocketUri() {
    return URI.create(
        "ws://" + hostForUri(address()) + ":" + address().getPort() + settings.path());
  }

  @Override
  public Optional<URI> httpUri() {
    HttpSide side = http;
    if (side == null) {
      return Optional.empty();
    }
    InetSocketAddress a = side.address();
    return Optional.of(URI.create("http://" + hostForUri(a) + ":" + a.getPort() + "/"));
  }

  @Override
  public boolean isReady() {
    return context.isReady();
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
  public void drain(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    synchronized (this) {
      if (phase != Phase.STARTED) {
        close();
        return;
      }
    }
    context.accepting(false);
    int sessions = core.sessionCount();
    log.info("Parley server {} draining {} sessions", context.serverId(), sessions);
    core.askAllToLeave("server is draining; reconnect to another node");
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (core.sessionCount() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(DRAIN_POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (core.sessionCount() > 0) {
      log.info(
          "Parley server {}: {} sessions still open after {}; closing them",
          context.serverId(),
          core.sessionCount(),
          timeout);
    }
    close();
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
    context.accepting(false);
    core.goAwayAll("server is stopping");
    transport.close();
    if (http != null) {
      http.stop();
    }
    context.scheduler().shutdownNow();
    if (ownsWorkers) {
      context.workers().shutdown();
      try {
        if (!context.workers().awaitTermination(5, TimeUnit.SECONDS)) {
          context.workers().shutdownNow();
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
    context.store().close();
    log.info("Parley server {} stopped", context.serverId());
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
}
