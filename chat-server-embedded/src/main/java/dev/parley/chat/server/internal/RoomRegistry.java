package dev.parley.chat.server.internal;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.MessageStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms loaded on this node, each loaded once from the store's position and the bus's view of
 * who is online elsewhere. Thread-safe. Loading is asynchronous: concurrent joiners of a room not
 * yet loaded share one load.
 *
 * <p>It is also this node's {@link ClusterBus.Listener}: other nodes' messages and presence go to
 * the loaded rooms, and after a bus outage every loaded room catches up from the store.
 */
final class RoomRegistry implements ClusterBus.Listener {
  private static final Logger log = LoggerFactory.getLogger(RoomRegistry.class);

  /** How long a message may wait for its predecessors before the room reads them from the store. */
  static final long GAP_CHECK_DELAY_MILLIS = 100;

  /** How long a room load waits for the bus's view of presence before going on without it. */
  static final long PRESENCE_TIMEOUT_MILLIS = 1_000;

  private final MessageStore store;
  private final ClusterBus bus;
  private final ScheduledExecutorService scheduler;
  private final ServerMetrics metrics;
  private final PresenceSettings presence;
  private final AttachmentLinks links;
  private final ConcurrentHashMap<RoomId, CompletableFuture<Room>> rooms =
      new ConcurrentHashMap<>();

  RoomRegistry(
      MessageStore store,
      ClusterBus bus,
      ScheduledExecutorService scheduler,
      ServerMetrics metrics,
      PresenceSettings presence,
      AttachmentLinks links) {
    this.store = store;
    this.links = links;
    this.presence = presence;
    this.metrics = metrics;
    this.bus = bus;
    this.scheduler = scheduler;
  }

  MessageStore store() {
    return store;
  }

  ClusterBus bus() {
    return bus;
  }

  ServerMetrics metrics() {
    return metrics;
  }

  PresenceSettings presence() {
    return presence;
  }

  /** Adds download links to the attachments of each message delivered. */
  AttachmentLinks links() {
    return links;
  }

  /** Has {@code room} announce its gathered presence changes once the presence window is over. */
  void flushPresenceLater(Room room) {
    try {
      scheduler.schedule(room::flushPresence, presence.window().toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // shutting down: the members are being disconnected
    }
  }

  /** The room, loading it if needed. The future may complete on a store or bus thread. */
  CompletableFuture<Room> load(RoomId id) {
    CompletableFuture<Room> existing = rooms.get(id);
    if (existing != null && !existing.isCompletedExceptionally()) {
      return existing;
    }
    CompletableFuture<Room> created = new CompletableFuture<>();
    CompletableFuture<Room> raced =
        rooms.compute(
            id,
            (key, current) ->
                current != null && !current.isCompletedExceptionally() ? current : created);
    if (raced == created) {
      CompletableFuture<Set<ClusterBus.RemotePresence>> presence =
          remotePresence(id).exceptionally(e -> Set.of());
      store
          .position(id)
          .thenCombine(presence, (position, online) -> new Room(id, this, position, online))
          .whenComplete(
              (room, error) -> {
                if (error != null) {
                  rooms.remove(id, created);
                  created.completeExceptionally(error);
                } else {
                  created.complete(room);
                }
              });
    }
    return raced;
  }

  /** The room if it is loaded or loading, without loading it; completes with null if not. */
  CompletableFuture<Room> loaded(RoomId id) {
    CompletableFuture<Room> room = rooms.get(id);
    return room != null ? room : CompletableFuture.completedFuture(null);
  }

  /** Delivers a stored message to the room's members on this node, if the room is loaded. */
  void publish(ChatMessage message) {
    CompletableFuture<Room> room = rooms.get(message.room());
    if (room != null) {
      Room loaded = room.getNow(null);
      if (loaded != null) {
        loaded.publish(message);
      } else {
        room.thenAccept(r -> r.publish(message));
      }
    }
  }

  /** Called by a room when its last member left. */
  void retire(Room room) {
    rooms.computeIfPresent(
        room.id(), (key, current) -> current.getNow(null) == room ? null : current);
  }

  /** Completes {@code future} on the timer thread, so its continuations run outside any room. */
  void complete(CompletableFuture<Void> future) {
    try {
      scheduler.execute(() -> future.complete(null));
    } catch (RejectedExecutionException e) {
      future.complete(null);
    }
  }

  /** Has {@code room} look for a still-open gap a moment from now. */
  void checkGapLater(Room room) {
    try {
      scheduler.schedule(room::gapCheck, GAP_CHECK_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // The server is stopping.
    }
  }

  /**
   * Checks every loaded room against the store and the bus: delivers what the bus lost and
   * refreshes who is online on other nodes. Runs periodically on a clustered node and after a bus
   * outage.
   */
  void catchUpAll() {
    for (Room room : loaded()) {
      room.catchUp();
      remotePresence(room.id())
          .whenComplete(
              (online, failure) -> {
                if (failure == null) {
                  room.reconcilePresence(online);
                } else {
                  log.debug("room {}: presence not refreshed", room.id(), failure);
                }
              });
    }
  }

  /**
   * Who is online in the room on other nodes. Bounded in time: a join must not wait for a bus that
   * is down (the sweep corrects the view later).
   */
  private CompletableFuture<Set<ClusterBus.RemotePresence>> remotePresence(RoomId id) {
    try {
      return bus.presence(id).orTimeout(PRESENCE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The rooms loaded on this node now. */
  List<Room> loaded() {
    List<Room> loaded = new ArrayList<>();
    for (CompletableFuture<Room> future : rooms.values()) {
      Room room = future.getNow(null);
      if (room != null) {
        loaded.add(room);
      }
    }
    return loaded;
  }

  int size() {
    return rooms.size();
  }

  // --- Events from other nodes (bus threads) ---

  @Override
  public void onMessage(ChatMessage message) {
    metrics.busReceived(message.timestamp());
    publish(message);
  }

  @Override
  public void onPresence(String nodeId, RoomId room, UserId user, boolean online) {
    CompletableFuture<Room> future = rooms.get(room);
    Room loaded = future == null ? null : future.getNow(null);
    if (loaded != null) {
      loaded.remotePresence(nodeId, user, online);
    }
  }

  @Override
  public void onNodeDown(String nodeId) {
    log.info("node {} left the cluster", nodeId);
    for (Room room : loaded()) {
      room.nodeDown(nodeId);
    }
  }

  @Override
  public void onResync() {
    metrics.busResync();
    log.info("cluster bus is back; catching up {} rooms from the store", rooms.size());
    catchUpAll();
  }
}
