package dev.parley.chat.server.internal;

import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.RoomPolicy;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.MessageStore;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every part of one server shares: settings, collaborators and threads. Immutable apart from
 * the accepting flag; thread-safe.
 */
final class ServerContext {
  private final ChatServerBuilder settings;
  private final String serverId;
  private final MessageStore store;
  private final RoomRegistry rooms;
  private final ExecutorService workers;
  private final ScheduledExecutorService scheduler;
  private final MessageIdGenerator messageIds;
  private final ClusterBus bus;
  private final ServerHooks hooks;
  private volatile boolean accepting;

  ServerContext(
      ChatServerBuilder settings,
      String serverId,
      MessageStore store,
      ClusterBus bus,
      ExecutorService workers,
      ScheduledExecutorService scheduler,
      MessageIdGenerator messageIds) {
    this(settings, serverId, store, bus, workers, scheduler, messageIds, ServerHooks.Config.NONE);
  }

  ServerContext(
      ChatServerBuilder settings,
      String serverId,
      MessageStore store,
      ClusterBus bus,
      ExecutorService workers,
      ScheduledExecutorService scheduler,
      MessageIdGenerator messageIds,
      ServerHooks.Config hooks) {
    this.hooks = new ServerHooks(hooks, workers, scheduler);
    this.settings = settings;
    this.serverId = serverId;
    this.store = store;
    this.bus = bus;
    this.rooms = new RoomRegistry(store, bus, scheduler);
    this.workers = workers;
    this.scheduler = scheduler;
    this.messageIds = messageIds;
  }

  ChatServerBuilder settings() {
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

  ExecutorService workers() {
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

  RoomPolicy roomPolicy() {
    return settings.roomPolicy();
  }

  ClusterBus bus() {
    return bus;
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

  /** What {@code /readyz} says: accepting, and in touch with the rest of the cluster. */
  boolean isReady() {
    return accepting && bus.isHealthy();
  }
}
