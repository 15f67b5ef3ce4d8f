package dev.parley.chat.cluster.redis;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.cluster.redis.internal.BusConfig;
import dev.parley.chat.cluster.redis.internal.BusMetrics;
import dev.parley.chat.cluster.redis.internal.RealRedisClusterBus;
import dev.parley.chat.spi.ClusterBus;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ClusterBus} on one Redis server: the server nodes of a cluster share it to hear of each
 * other's messages and presence, and to notice a node that died.
 *
 * <pre>{@code
 * RedisClusterBus bus = RedisClusterBus.builder()
 *     .uri("redis://127.0.0.1:6379")
 *     .keyPrefix("parley")
 *     .build();
 * }</pre>
 *
 * <h2>How it works</h2>
 *
 * <ul>
 *   <li><b>Events</b> (a message stored, a user online or offline, a node down) go through one
 *       Redis pub/sub channel per cluster, {@code <prefix>:events}, in a compact binary form that
 *       keeps every field of a {@link ChatMessage} exactly (the timestamp to the nanosecond). Each
 *       carries its node's id, a number chosen at random when the node started, and a sequence
 *       number. Receivers drop their own events and any event they already saw (so each arrives at
 *       most once), and call {@link Listener#onResync()} when a number was skipped: an event lost
 *       anywhere (a publish that failed, a subscriber Redis disconnected for falling behind, a
 *       listener too slow) is noticed, not silently missed.
 *   <li><b>Leases</b>: the sorted set {@code <prefix>:nodes} maps each node to its lease expiry
 *       (epoch milliseconds from the {@linkplain RedisClusterBusBuilder#clock clock}). Every
 *       renewal period (a third of the lease time) a node renews its lease and reads the set. A
 *       node whose lease has run out is removed, together with its presence entries, in one Lua
 *       script; the node that removed it tells the others. Each node calls {@link
 *       Listener#onNodeDown} once for a node it knew when that node's lease, as it last saw it, has
 *       run out, or when told the node is down, whichever comes first. A node missing from the set
 *       is not dropped before its last seen lease runs out, so a Redis restart does not drop nodes
 *       that renew in time.
 *   <li><b>Presence</b>: the set {@code <prefix>:presence:<room>} holds {@code "<user> <node>"} for
 *       every user online in the room, and {@code <prefix>:announced:<node>} what each node
 *       announced, so whoever removes a node finds its entries. {@link #presence(RoomId)} lists
 *       only entries of nodes whose lease is current, other than this one.
 *   <li><b>Outages</b>: the bus reconnects on its own (backing off up to one second between
 *       attempts). While Redis is unreachable, or the lease could not be renewed within a renewal
 *       period, {@link #isHealthy()} is {@code false}; publishing drops the event at once, without
 *       blocking or throwing; {@link #presence} fails. Once subscribed again it calls {@link
 *       Listener#onResync()}. Because Redis may have restarted empty, the bus remembers what it
 *       announced: whenever its renewal finds its lease missing, it writes its lease and presence
 *       anew and publishes that it rejoined, which makes the other nodes resync too.
 * </ul>
 *
 * <h2>Lifecycle</h2>
 *
 * NEW (built; publishing is ignored, {@link #presence} fails) → {@link #start} connects and joins,
 * or throws {@link RedisClusterBusException} if Redis cannot be reached, after which the bus is NEW
 * again (the server calls {@link #start} again later, with backoff) → RUNNING → {@link #close()}
 * withdraws the lease and presence, tells the others, and stops every thread the bus started →
 * CLOSED (publishing is ignored, {@link #presence} fails, a second close does nothing). A bus is
 * started at most once: {@link #start} on a started or closed bus throws {@link
 * IllegalStateException}.
 *
 * <h2>Threads</h2>
 *
 * Thread-safe. Listener methods run on the bus's own thread, {@code parley-redis-bus-<node>}, one
 * at a time in the order events arrived, never on a Redis I/O thread; so do the continuations of
 * {@link #presence} futures. No listener method is called after {@link #close()} returns (unless it
 * was called from a listener method, which then finishes). Received events waiting for the listener
 * are bounded (65,536): beyond that new ones are dropped and the listener is asked to resync.
 */
public final class RedisClusterBus implements ClusterBus {
  private final RealRedisClusterBus bus;

  RedisClusterBus(BusConfig config, Object meterRegistry) {
    this.bus = new RealRedisClusterBus(config, BusMetrics.create(meterRegistry));
  }

  /** A builder; set at least {@link RedisClusterBusBuilder#uri}. */
  public static RedisClusterBusBuilder builder() {
    return new RedisClusterBusBuilder();
  }

  /**
   * Connects to Redis, removes whatever an earlier run of {@code nodeId} left behind (telling the
   * others that run is down), takes a lease and subscribes. Blocks until done, at most about the
   * lease time.
   *
   * @throws IllegalStateException if the bus was started or closed before
   * @throws RedisClusterBusException if Redis could not be reached; the bus is then as before the
   *     call, and may be started again
   */
  @Override
  public void start(String nodeId, Listener listener) {
    bus.start(nodeId, listener);
  }

  /** Publishes without blocking; ignored before start and after close, dropped during an outage. */
  @Override
  public void publishMessage(ChatMessage message) {
    bus.publishMessage(message);
  }

  /**
   * Records the announcement (to repeat it after an outage), writes it to Redis and publishes it,
   * in one step and without blocking. Ignored before start and after close.
   */
  @Override
  public void publishPresence(RoomId room, UserId user, boolean online) {
    bus.publishPresence(room, user, online);
  }

  /**
   * Reads the room's presence entries of live nodes from Redis. Completes on the bus thread; fails
   * while Redis is unreachable or the command times out (a renewal period), and at once before
   * start or after close.
   */
  @Override
  public CompletableFuture<Set<RemotePresence>> presence(RoomId room) {
    return bus.presence(room);
  }

  /**
   * Whether both Redis connections are up and the last lease renewal succeeded within a renewal
   * period. False before start and after close.
   */
  @Override
  public boolean isHealthy() {
    return bus.isHealthy();
  }

  @Override
  public Duration leaseTime() {
    return bus.leaseTime();
  }

  /**
   * Withdraws this node's lease and presence and tells the other nodes (waiting at most a renewal
   * period for Redis), then closes the connections and stops the bus's threads, Redis client
   * threads included, waiting for them. Does nothing if already closed.
   */
  @Override
  public void close() {
    bus.stop(true);
  }

  /** Stops as a killed process would: no goodbye. For tests of lease expiry. */
  void crash() {
    bus.stop(false);
  }

  @Override
  public String toString() {
    return "RedisClusterBus[" + bus + "]";
  }
}
