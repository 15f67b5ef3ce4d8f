package dev.parley.chat.server.internal;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.server.DependencyStatus;
import dev.parley.chat.server.RoomPolicy;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.RoomAccessStore;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every part of one server shares: the settings snapshot taken at build time, collaborators
 * and threads. Immutable apart from the accepting flag; thread-safe.
 */
final class ServerContext {
  private final ServerSettings settings;
  private final String serverId;
  private final MessageStore store;
  private final RoomRegistry rooms;
  private final Executor workers;
  private final ScheduledExecutorService scheduler;
  private final MessageIdGenerator messageIds;
  private final ClusterBus bus;
  private final ServerHooks hooks;
  private final GuardedMessageStore guardedStore;
  private final GuardedClusterBus guardedBus; // null: a single node
  private final ServerMetrics metrics;
  private final RoomAccess access;
  private final UserLimits userLimits;
  private final AttachmentTokens attachmentTokens; // null: attachments off
  private final AttachmentLinks attachmentLinks;
  private final ServerEvents events;
  private volatile boolean accepting;

  ServerContext(
      ServerSettings settings,
      String serverId,
      MessageStore store,
      RoomAccessStore accessStore,
      ClusterBus bus,
      Executor workers,
      ScheduledExecutorService scheduler,
      MessageIdGenerator messageIds) {
    this.metrics = ServerMetrics.create(settings.meterRegistry(), settings.clock());
    this.hooks = new ServerHooks(ServerHooks.Config.of(settings), workers, scheduler, metrics);
    this.settings = settings;
    this.serverId = serverId;
    // every store and bus call of every stage goes through a breaker (decision 0022)
    BreakerSettings breakers = settings.breakers();
    this.guardedStore =
        new GuardedMessageStore(
            store, new DependencyBreaker("store", breakers, settings.clock(), scheduler, metrics));
    this.store = guardedStore;
    this.guardedBus =
        bus == SingleNodeBus.INSTANCE
            ? null
            : new GuardedClusterBus(
                bus,
                new DependencyBreaker("bus", breakers, settings.clock(), scheduler, metrics),
                breakers,
                workers,
                scheduler);
    this.bus = guardedBus != null ? guardedBus : bus;
    // deliveries take their links from this context: the links need the permission stage below
    this.rooms =
        new RoomRegistry(
            this.store, this.bus, scheduler, metrics, settings.presence(), this::withLinks);
    this.access =
        new RoomAccess(
            accessStore,
            settings.access(),
            settings.clock(),
            breakers.callTimeout(),
            workers,
            scheduler,
            rooms,
            hooks);
    this.workers = workers;
    this.scheduler = scheduler;
    this.messageIds = messageIds;
    this.userLimits = new UserLimits(settings.abuseLimits(), settings.clock());
    AttachmentSettings attachments = settings.attachments();
    this.attachmentTokens =
        attachments == null
            ? null
            : new AttachmentTokens(attachments.signingKey(), settings.clock());
    this.attachmentLinks = AttachmentLinks.create(settings, access);
    this.events =
        new ServerEvents(
            settings.events(),
            store,
            accessStore,
            serverId,
            settings.clock(),
            settings.random(),
            metrics,
            this::onlineIn);
  }

  /** The users connected to {@code room}, on this node or others, as far as this node knows. */
  private Set<UserId> onlineIn(RoomId room) {
    Room loaded = rooms.loaded(room).getNow(null);
    return loaded == null ? Set.of() : loaded.onlineUsers();
  }

  /** The events stage; does nothing when events are off. */
  ServerEvents events() {
    return events;
  }

  /** The upload tokens a Send presents are checked with these; null when attachments are off. */
  AttachmentTokens attachmentTokens() {
    return attachmentTokens;
  }

  /**
   * Adds download links to what goes out; {@link AttachmentLinks#NONE} when attachments are off.
   */
  AttachmentLinks attachmentLinks() {
    return attachmentLinks;
  }

  private ChatMessage withLinks(ChatMessage message) {
    return message.attachments().isEmpty() ? message : attachmentLinks.withLinks(message);
  }

  /** Each user's connections, rooms and request buckets on this node. */
  UserLimits userLimits() {
    return userLimits;
  }

  ServerSettings settings() {
    return settings;
  }

  String serverId() {
    return serverId;
  }

  MessageStore store() {
    return store;
  }

  RoomRegistry rooms() {
    return rooms;
  }

  Executor workers() {
    return workers;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  MessageIdGenerator messageIds() {
    return messageIds;
  }

  Clock clock() {
    return settings.clock();
  }

  Authenticator authenticator() {
    return settings.authenticator();
  }

  /** The permission stage. */
  RoomAccess access() {
    return access;
  }

  RoomPolicy roomPolicy() {
    return settings.roomPolicy();
  }

  ClusterBus bus() {
    return bus;
  }

  /** What the stages record; {@link ServerMetrics#NONE} without Micrometer. */
  ServerMetrics metrics() {
    return metrics;
  }

  /** The application's hooks and listeners. */
  ServerHooks hooks() {
    return hooks;
  }

  /** Whether new connections are welcome: started, not stopping or draining. */
  boolean isAccepting() {
    return accepting;
  }

  void accepting(boolean accepting) {
    this.accepting = accepting;
  }

  /** The store's breaker. */
  DependencyBreaker storeBreaker() {
    return guardedStore.breaker();
  }

  /** The store behind its breaker, for the probe. */
  GuardedMessageStore guardedStore() {
    return guardedStore;
  }

  /** The bus's breaker, or null for a single node. */
  DependencyBreaker busBreaker() {
    return guardedBus == null ? null : guardedBus.breaker();
  }

  /** Whether the bus has joined the cluster (always, for a single node). */
  boolean busStarted() {
    return guardedBus == null || guardedBus.started();
  }

  /**
   * What {@code /readyz} says: accepting, the store reached at least once since start, the store's
   * breaker closed (not while probes are still deciding, so that readiness does not flap during an
   * outage), and in touch with the rest of the cluster.
   */
  boolean isReady() {
    return accepting
        && guardedStore.reached()
        && storeBreaker().status().state() == DependencyStatus.State.CLOSED
        && bus.isHealthy();
  }
}
