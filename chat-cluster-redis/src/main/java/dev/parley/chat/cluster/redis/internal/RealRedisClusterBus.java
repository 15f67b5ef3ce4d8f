package dev.parley.chat.cluster.redis.internal;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.cluster.redis.RedisClusterBusException;
import dev.parley.chat.cluster.redis.internal.BusEvent.MessageStored;
import dev.parley.chat.cluster.redis.internal.BusEvent.NodeDown;
import dev.parley.chat.cluster.redis.internal.BusEvent.Origin;
import dev.parley.chat.cluster.redis.internal.BusEvent.PresenceChanged;
import dev.parley.chat.cluster.redis.internal.BusEvent.Rejoined;
import dev.parley.chat.spi.ClusterBus;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis cluster bus. See {@code RedisClusterBus} for the design; this class keeps three kinds
 * of state apart:
 *
 * <ul>
 *   <li>the lifecycle ({@link #state}), changed under {@link #lifecycle};
 *   <li>what this node publishes: its event sequence and its announcements, under {@link
 *       #publishLock}, which also orders the commands on the one command connection, so the
 *       sequence numbers reach Redis in order;
 *   <li>what it knows of the others ({@link PeerTracker}), confined to the bus thread, which also
 *       runs every listener call, lease renewal and scan result.
 * </ul>
 *
 * <p>Lettuce's I/O threads run no listener code: they hand raw events to the bus thread.
 * Thread-safe.
 */
public final class RealRedisClusterBus implements ClusterBus {
  private static final Logger log = LoggerFactory.getLogger(RealRedisClusterBus.class);

  /** Events received but not yet handled beyond which new ones are dropped (and a resync made). */
  static final int MAX_PENDING_EVENTS = 65_536;

  /** Commands waiting for Redis on one connection beyond which new ones fail at once. */
  static final int MAX_QUEUED_COMMANDS = 65_536;

  private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);

  private enum State {
    NEW,
    RUNNING,
    CLOSED
  }

  private final BusConfig config;
  private final RedisKeys keys;
  private final long leaseMillis;
  private final Duration renewalPeriod;

  private final Object lifecycle = new Object();
  private volatile State state = State.NEW;

  private volatile String nodeId;
  private volatile Listener listener;
  private volatile long incarnation;
  private volatile ClientResources resources;
  private volatile RedisClient client;
  private volatile StatefulRedisConnection<byte[], byte[]> commands;
  private volatile StatefulRedisPubSubConnection<byte[], byte[]> subscriber;
  private volatile ScheduledThreadPoolExecutor busThread;

  private final Object publishLock = new Object();
  private long lastSequence; // guarded by publishLock
  private final Map<RoomId, Set<UserId>> announced = new HashMap<>(); // guarded by publishLock

  private PeerTracker peers; // bus thread only
  private boolean subscribedBefore; // bus thread only
  private volatile boolean leaseCurrent;
  private volatile long leaseValidUntil;
  private final AtomicInteger pendingEvents = new AtomicInteger();
  private final AtomicBoolean eventsDropped = new AtomicBoolean();
  private final AtomicBoolean publishFailing = new AtomicBoolean();

  private final BusMetrics metrics;

  /** A bus with {@code config} that records no metrics; nothing connects before {@link #start}. */
  public RealRedisClusterBus(BusConfig config) {
    this(config, BusMetrics.NONE);
  }

  /** A bus with {@code config}, recording in {@code metrics}; nothing connects before start. */
  public RealRedisClusterBus(BusConfig config, BusMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.config = Objects.requireNonNull(config, "config");
    this.keys = new RedisKeys(config.keyPrefix());
    this.leaseMillis = config.leaseTime().toMillis();
    this.renewalPeriod = config.renewalPeriod();
  }

  @Override
  public void start(String nodeId, Listener listener) {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(listener, "listener");
    synchronized (lifecycle) {
      if (state != State.NEW) {
        throw new IllegalStateException(
            "a bus is started once; this one is " + state.name().toLowerCase(Locale.ROOT));
      }
      this.nodeId = nodeId;
      this.listener = listener;
      this.incarnation = new SecureRandom().nextLong();
      this.peers = new PeerTracker(nodeId);
      // bound before the first attempt: while Redis is down at start the lease gauge reads 0
      metrics.bind(
          pendingEvents::get,
          () ->
              state == State.RUNNING && leaseCurrent && config.clock().millis() < leaseValidUntil);
      try {
        connect();
        join();
      } catch (RuntimeException | Error e) {
        // as before the call: the server tries again later, while Redis is down
        release();
        client = null;
        resources = null;
        busThread = null;
        throw new RedisClusterBusException(
            "node " + nodeId + " could not join the cluster on Redis at " + config.where(), e);
      }
      state = State.RUNNING;
      long period = renewalPeriod.toMillis();
      busThread.scheduleAtFixedRate(this::scheduledTick, 0, period, TimeUnit.MILLISECONDS);
      log.info(
          "node {} joined cluster '{}' on Redis at {} (lease {})",
          nodeId,
          config.keyPrefix(),
          config.where(),
          config.leaseTime());
    }
  }

  private void connect() {
    String name = nodeId;
    ScheduledThreadPoolExecutor thread =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread t = new Thread(runnable, "parley-redis-bus-" + name);
              t.setDaemon(true);
              return t;
            });
    thread.setRemoveOnCancelPolicy(true);
    thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    busThread = thread;
    Duration maxDelay =
        renewalPeriod.compareTo(MAX_RECONNECT_DELAY) < 0 ? renewalPeriod : MAX_RECONNECT_DELAY;
    resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2)
            .reconnectDelay(
                Delay.exponential(Duration.ofMillis(10), maxDelay, 2, TimeUnit.MILLISECONDS))
            .build();
    RedisClient redis = RedisClient.create(resources, config.uri());
    Duration commandTimeout =
        config.leaseTime().compareTo(Duration.ofSeconds(10)) < 0
            ? config.leaseTime()
            : Duration.ofSeconds(10);
    redis.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(MAX_QUEUED_COMMANDS)
            .timeoutOptions(
                TimeoutOptions.builder()
                    .timeoutCommands(true)
                    .timeoutSource(new CommandTimeouts(renewalPeriod, config.leaseTime()))
                    .build())
            .socketOptions(
                SocketOptions.builder().connectTimeout(commandTimeout).keepAlive(true).build())
            .build());
    redis.addListener(new ConnectionWatcher());
    client = redis;
    commands = redis.connect(ByteArrayCodec.INSTANCE);
    StatefulRedisPubSubConnection<byte[], byte[]> events =
        redis.connectPubSub(ByteArrayCodec.INSTANCE);
    events.addListener(new EventReceiver());
    subscriber = events;
    await(events.async().subscribe(keys.channel()), commandTimeout);
  }

  /** Clears what an earlier run of this node id left behind, then takes the lease. */
  private void join() {
    Duration timeout = config.leaseTime();
    long leftover = drop(nodeId, 0, false, timeout);
    long expiry = config.clock().millis() + leaseMillis;
    await(commands.async().zadd(keys.nodes(), expiry, RedisKeys.bytes(nodeId)), timeout);
    leaseValidUntil = expiry;
    leaseCurrent = true;
    if (leftover == 1) {
      log.info("node {} had not left its previous run cleanly; told the others it is down", nodeId);
      synchronized (publishLock) {
        publish(origin -> new NodeDown(origin, nodeId));
      }
    }
  }

  @Override
  public void publishMessage(ChatMessage message) {
    Objects.requireNonNull(message, "message");
    synchronized (publishLock) {
      if (state == State.RUNNING) {
        publish(origin -> new MessageStored(origin, message));
      }
    }
  }

  @Override
  public void publishPresence(RoomId room, UserId user, boolean online) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(user, "user");
    synchronized (publishLock) {
      if (state != State.RUNNING) {
        return;
      }
      if (online) {
        announced.computeIfAbsent(room, r -> new LinkedHashSet<>()).add(user);
      } else {
        Set<UserId> users = announced.get(room);
        if (users != null && users.remove(user) && users.isEmpty()) {
          announced.remove(room);
        }
      }
      byte[] event = BusEventCodec.encode(new PresenceChanged(nextOrigin(), room, user, online));
      send(
          () ->
              commands
                  .async()
                  .eval(
                      RedisScripts.PRESENCE,
                      ScriptOutputType.INTEGER,
                      new byte[][] {keys.presence(room), keys.announced(nodeId)},
                      RedisKeys.bytes(online ? "1" : "0"),
                      RedisKeys.presenceEntry(user, nodeId),
                      RedisKeys.announcedEntry(room, user),
                      keys.channel(),
                      event));
    }
  }

  @Override
  public CompletableFuture<Set<RemotePresence>> presence(RoomId room) {
    Objects.requireNonNull(room, "room");
    if (state != State.RUNNING) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("the bus is " + state.name().toLowerCase(Locale.ROOT)));
    }
    CompletableFuture<List<Object>> read;
    try {
      read =
          commands
              .async()
              .<List<Object>>eval(
                  RedisScripts.READ_PRESENCE,
                  ScriptOutputType.MULTI,
                  new byte[][] {keys.presence(room), keys.nodes()},
                  RedisKeys.bytes(Long.toString(config.clock().millis())))
              .toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return read.thenApplyAsync(this::remotePresence, busThread);
  }

  private Set<RemotePresence> remotePresence(List<Object> entries) {
    Set<RemotePresence> found = new HashSet<>();
    for (Object entry : entries) {
      String text = RedisKeys.string((byte[]) entry);
      int space = text.indexOf(' ');
      String node = text.substring(space + 1);
      if (!node.equals(nodeId)) {
        try {
          found.add(new RemotePresence(node, UserId.of(text.substring(0, space))));
        } catch (IllegalArgumentException e) {
          log.warn("ignoring a malformed presence entry in Redis: {}", e.getMessage());
        }
      }
    }
    return found;
  }

  @Override
  public boolean isHealthy() {
    StatefulRedisConnection<byte[], byte[]> c = commands;
    StatefulRedisPubSubConnection<byte[], byte[]> s = subscriber;
    return state == State.RUNNING
        && c != null
        && c.isOpen()
        && s != null
        && s.isOpen()
        && leaseCurrent
        && config.clock().millis() < leaseValidUntil;
  }

  @Override
  public Duration leaseTime() {
    return config.leaseTime();
  }

  @Override
  public void close() {
    stop(true);
  }

  /**
   * Stops the bus. With {@code leave} it withdraws its lease and presence and tells the others;
   * without, it just stops, as a killed process would, and the others drop it when its lease runs
   * out.
   */
  public void stop(boolean leave) {
    synchronized (lifecycle) {
      if (state == State.CLOSED) {
        return;
      }
      boolean wasRunning = state == State.RUNNING;
      synchronized (publishLock) {
        state = State.CLOSED;
      }
      if (!wasRunning) {
        metrics.close();
        return;
      }
      busThread.shutdown();
      metrics.close();
      if (leave) {
        leave();
      }
      release();
      log.info(
          "node {} {} the cluster '{}'",
          nodeId,
          leave ? "left" : "dropped out of",
          config.keyPrefix());
    }
  }

  private void leave() {
    try {
      CompletableFuture<Long> dropped;
      CompletableFuture<?> told;
      synchronized (publishLock) {
        dropped = dropAsync(nodeId, 0, false);
        told = publish(origin -> new NodeDown(origin, nodeId));
      }
      long deadline = System.nanoTime() + renewalPeriod.toNanos();
      dropped.get(renewalPeriod.toMillis(), TimeUnit.MILLISECONDS);
      told.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (Exception e) {
      log.warn(
          "node {} could not withdraw its lease and presence ({}); the others drop it when its"
              + " lease runs out",
          nodeId,
          e.toString());
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Closes the connections and Lettuce's threads, and the bus thread; waits for them. */
  private void release() {
    try {
      if (client != null) {
        client.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
      }
      if (resources != null) {
        resources
            .shutdown(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .get(SHUTDOWN_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
      }
    } catch (Exception e) {
      log.warn("Redis client of node {} did not shut down cleanly: {}", nodeId, e.toString());
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
    ScheduledThreadPoolExecutor thread = busThread;
    if (thread != null) {
      thread.shutdownNow();
      if (!thread.isTerminated() && !isBusThread()) {
        try {
          thread.awaitTermination(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private boolean isBusThread() {
    return Thread.currentThread().getName().equals("parley-redis-bus-" + nodeId);
  }

  // ---- publishing (caller threads and the bus thread, under publishLock) ----

  private Origin nextOrigin() {
    return new Origin(nodeId, incarnation, ++lastSequence);
  }

  private CompletableFuture<?> publish(Function<Origin, BusEvent> event) {
    byte[] bytes = BusEventCodec.encode(event.apply(nextOrigin()));
    long start = metrics.start();
    return send(
        () ->
            commands
                .async()
                .publish(keys.channel(), bytes)
                .whenComplete((receivers, failure) -> metrics.published(start, failure == null)));
  }

  /**
   * Sends a command that must not block or throw: a failure only costs the event. Returns the
   * command's completion, which never fails.
   */
  private CompletableFuture<?> send(Supplier<? extends CompletionStage<?>> command) {
    try {
      return command
          .get()
          .toCompletableFuture()
          .whenComplete(
              (ok, failure) -> {
                if (failure != null) {
                  if (publishFailing.compareAndSet(false, true)) {
                    log.warn(
                        "node {} cannot publish to Redis at {} ({}); events are lost until it"
                            + " can again",
                        nodeId,
                        config.where(),
                        failure.toString());
                  }
                } else if (publishFailing.get() && publishFailing.compareAndSet(true, false)) {
                  log.info("node {} publishes to Redis again", nodeId);
                }
              })
          .handle((ok, failure) -> null);
    } catch (RuntimeException e) {
      if (publishFailing.compareAndSet(false, true)) {
        log.warn("node {} cannot publish to Redis ({}); events are lost", nodeId, e.toString());
      }
      return CompletableFuture.completedFuture(null);
    }
  }

  private CompletableFuture<Long> dropAsync(String node, long nowMillis, boolean onlyIfExpired) {
    try {
      return commands
          .async()
          .<Long>eval(
              RedisScripts.DROP,
              ScriptOutputType.INTEGER,
              new byte[][] {keys.nodes(), keys.announced(node)},
              RedisKeys.bytes(node),
              RedisKeys.bytes(Long.toString(nowMillis)),
              RedisKeys.bytes(onlyIfExpired ? "1" : "0"),
              keys.presencePrefix())
          .toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private long drop(String node, long nowMillis, boolean onlyIfExpired, Duration timeout) {
    return await(dropAsync(node, nowMillis, onlyIfExpired), timeout);
  }

  // ---- the bus thread ----

  private void onBusThread(Runnable task) {
    try {
      busThread.execute(task);
    } catch (RejectedExecutionException e) {
      // stopped: nothing more happens
    }
  }

  private void scheduledTick() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.warn("node {} could not renew its lease or scan the others'", nodeId, e);
    }
  }

  /** Renews the lease and scans the lease set; every renewal period and after a reconnect. */
  private void tick() {
    if (state != State.RUNNING) {
      return;
    }
    long expiry = config.clock().millis() + leaseMillis;
    RedisAsyncCommands<byte[], byte[]> redis = commands.async();
    try {
      redis
          .zadd(keys.nodes(), expiry, RedisKeys.bytes(nodeId))
          .whenComplete((added, failure) -> onBusThread(() -> onRenewed(expiry, added, failure)));
      long scan = peers.scanStarted();
      redis
          .zrangeWithScores(keys.nodes(), 0, -1)
          .whenComplete(
              (leases, failure) -> {
                if (failure == null) {
                  onBusThread(() -> onScan(scan, leases));
                }
              });
    } catch (RuntimeException e) {
      onRenewed(expiry, null, e);
    }
  }

  private void onRenewed(long expiry, Long added, Throwable failure) {
    if (state != State.RUNNING) {
      return;
    }
    if (failure != null) {
      if (leaseCurrent) {
        log.warn("node {} could not renew its lease: {}", nodeId, failure.toString());
      }
      leaseCurrent = false;
      return;
    }
    if (!leaseCurrent) {
      log.info("node {} renewed its lease again", nodeId);
    }
    leaseValidUntil = expiry;
    leaseCurrent = true;
    if (added != null && added == 1) {
      rejoin();
    }
  }

  /** The lease was missing (Redis lost it, or another node dropped this one): write all anew. */
  private void rejoin() {
    log.info("node {} found its lease missing from Redis; writing its presence anew", nodeId);
    synchronized (publishLock) {
      if (state != State.RUNNING) {
        return;
      }
      List<byte[]> args = new ArrayList<>();
      args.add(keys.presencePrefix());
      args.add(RedisKeys.bytes(nodeId));
      args.add(keys.channel());
      args.add(BusEventCodec.encode(new Rejoined(nextOrigin())));
      for (Map.Entry<RoomId, Set<UserId>> room : announced.entrySet()) {
        for (UserId user : room.getValue()) {
          args.add(RedisKeys.bytes(room.getKey().value()));
          args.add(RedisKeys.bytes(user.value()));
        }
      }
      send(
          () ->
              commands
                  .async()
                  .eval(
                      RedisScripts.REWRITE,
                      ScriptOutputType.INTEGER,
                      new byte[][] {keys.announced(nodeId)},
                      args.toArray(byte[][]::new)));
    }
  }

  private void onScan(long scan, List<ScoredValue<byte[]>> leases) {
    if (state != State.RUNNING) {
      return;
    }
    Map<String, Long> byNode = new LinkedHashMap<>();
    for (ScoredValue<byte[]> lease : leases) {
      byNode.put(RedisKeys.string(lease.getValue()), (long) lease.getScore());
    }
    long now = config.clock().millis();
    PeerTracker.ScanResult result = peers.onScan(scan, byNode, now);
    for (String node : result.expired()) {
      dropAsync(node, now, true)
          .whenComplete(
              (removed, failure) -> {
                if (failure == null && removed == 1) {
                  onBusThread(() -> announceDropped(node));
                }
              });
    }
    for (String node : result.down()) {
      log.info("node {} dropped node {}: its lease ran out", nodeId, node);
      callListener(l -> l.onNodeDown(node));
    }
  }

  private void announceDropped(String node) {
    synchronized (publishLock) {
      if (state == State.RUNNING) {
        publish(origin -> new NodeDown(origin, node));
      }
    }
  }

  private void onEvent(byte[] bytes) {
    pendingEvents.decrementAndGet();
    if (state != State.RUNNING) {
      return;
    }
    boolean resynced = false;
    if (eventsDropped.getAndSet(false)) {
      peers.forgetSequences();
      callListener(Listener::onResync);
      resynced = true;
    }
    BusEvent event;
    try {
      event = BusEventCodec.decode(bytes);
    } catch (RuntimeException e) {
      log.warn(
          "node {} ignores an unreadable event on the cluster channel: {}", nodeId, e.toString());
      return;
    }
    Origin origin = event.origin();
    if (origin.nodeId().equals(nodeId)) {
      if (origin.incarnation() != incarnation) {
        log.warn("another live node uses this node's id {}; node ids must be unique", nodeId);
      }
      return;
    }
    switch (peers.accept(origin)) {
      case STALE -> {
        return;
      }
      case DELIVER_AFTER_GAP -> {
        if (!resynced) {
          log.info("node {} missed events from node {}; resyncing", nodeId, origin.nodeId());
          callListener(Listener::onResync);
          resynced = true;
        }
      }
      case DELIVER -> {}
    }
    long aliveUntil = config.clock().millis() + leaseMillis;
    if (event instanceof MessageStored stored) {
      peers.markAlive(origin.nodeId(), aliveUntil);
      callListener(l -> l.onMessage(stored.message()));
    } else if (event instanceof PresenceChanged p) {
      peers.markAlive(origin.nodeId(), aliveUntil);
      callListener(l -> l.onPresence(origin.nodeId(), p.room(), p.user(), p.online()));
    } else if (event instanceof NodeDown down) {
      if (down.nodeId().equals(nodeId)) {
        log.warn("node {} was dropped by node {}; rejoining", nodeId, origin.nodeId());
        tick();
      } else if (peers.markDown(down.nodeId())) {
        callListener(l -> l.onNodeDown(down.nodeId()));
      }
    } else if (event instanceof Rejoined) {
      peers.markAlive(origin.nodeId(), aliveUntil);
      if (!resynced) {
        callListener(Listener::onResync);
      }
    }
  }

  private void onResubscribed() {
    boolean first = !subscribedBefore;
    subscribedBefore = true;
    if (first || state != State.RUNNING) {
      return;
    }
    log.info("node {} is subscribed again after a disconnect; resyncing", nodeId);
    peers.forgetSequences();
    eventsDropped.set(false);
    callListener(Listener::onResync);
    tick();
  }

  private void callListener(Consumer<Listener> call) {
    if (state != State.RUNNING) {
      return;
    }
    try {
      call.accept(listener);
    } catch (RuntimeException e) {
      log.warn("cluster bus listener of node {} threw", nodeId, e);
    }
  }

  @Override
  public String toString() {
    return "node " + nodeId + " in cluster '" + config.keyPrefix() + "' at " + config.where();
  }

  private static <T> T await(CompletionStage<T> future, Duration timeout) {
    try {
      return future.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Redis", e);
    } catch (Exception e) {
      throw new IllegalStateException("Redis did not answer: " + e, e);
    }
  }

  /**
   * Lease renewals and scans time out after a renewal period, so that a stalled Redis soon shows as
   * unhealthy; everything else after a lease time, so that a busy but working Redis does not lose
   * events (a command that times out before it was written is never sent).
   */
  private static final class CommandTimeouts extends TimeoutOptions.TimeoutSource {
    private final long leaseCommandMillis;
    private final long otherMillis;

    CommandTimeouts(Duration leaseCommands, Duration others) {
      this.leaseCommandMillis = leaseCommands.toMillis();
      this.otherMillis = others.toMillis();
    }

    @Override
    public long getTimeout(RedisCommand<?, ?, ?> command) {
      ProtocolKeyword type = command.getType();
      return type == CommandType.ZADD || type == CommandType.ZRANGE
          ? leaseCommandMillis
          : otherMillis;
    }

    @Override
    public TimeUnit getTimeUnit() {
      return TimeUnit.MILLISECONDS;
    }
  }

  /** Runs on Lettuce's I/O thread: only hands the bytes over. */
  private final class EventReceiver extends RedisPubSubAdapter<byte[], byte[]> {
    private final AtomicBoolean warnedFull = new AtomicBoolean();

    @Override
    public void message(byte[] channel, byte[] message) {
      if (pendingEvents.incrementAndGet() > MAX_PENDING_EVENTS) {
        pendingEvents.decrementAndGet();
        eventsDropped.set(true);
        if (warnedFull.compareAndSet(false, true)) {
          log.warn(
              "node {} drops cluster events: {} wait for its listener, which is too slow",
              nodeId,
              MAX_PENDING_EVENTS);
        }
        return;
      }
      warnedFull.set(false);
      try {
        busThread.execute(() -> onEvent(message));
      } catch (RejectedExecutionException e) {
        pendingEvents.decrementAndGet();
      }
    }

    @Override
    public void subscribed(byte[] channel, long count) {
      onBusThread(RealRedisClusterBus.this::onResubscribed);
    }
  }

  /** Runs on Lettuce's threads: logs and, for the command connection, renews at once. */
  private final class ConnectionWatcher implements RedisConnectionStateListener {
    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
      if (state == State.RUNNING && connection == commands) {
        log.info("node {} reconnected to Redis at {}", nodeId, config.where());
        onBusThread(RealRedisClusterBus.this::tick);
      }
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
      if (state == State.RUNNING && connection == commands) {
        log.warn(
            "node {} lost its connection to Redis at {}; reconnecting", nodeId, config.where());
      }
    }
  }
}
