package dev.parley.chat.spi;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What the server nodes of one cluster tell each other: messages just stored, and who is online in
 * which room on which node. The {@link MessageStore} they share stays the authority on order and
 * idempotency; the bus only makes the others hear of a message quickly.
 *
 * <p>Contract (checked by {@code ClusterBusConformanceSuite} in {@code chat-testkit}):
 *
 * <ul>
 *   <li>A bus may lose events (a broker restart, a dropped connection), but never invents, corrupts
 *       or reorders them: the events one node publishes reach each other node in the order they
 *       were published, each at most once, field for field as published. A node does not hear its
 *       own events. Whenever events may have been lost (its connection dropped, or another node had
 *       to write its presence anew), the bus calls {@link Listener#onResync()} once it is connected
 *       again, and the server then reads what it missed from the store and asks for {@link
 *       #presence} anew.
 *   <li>Every node holds a lease. A node that {@linkplain #close() closes} leaves at once; one that
 *       dies (or loses the broker) is dropped by the others when its lease runs out, within {@link
 *       #leaseTime()} plus one {@linkplain #renewalPeriod() renewal period}. Either way every other
 *       node's listener gets {@link Listener#onNodeDown(String)} and {@link #presence} no longer
 *       lists the node's users. A node reported down may come back (a healed partition); its events
 *       then arrive again, after an {@link Listener#onResync()}.
 *   <li>{@link #presence(RoomId)} answers with the users announced online in the room by live nodes
 *       other than this one.
 *   <li>Before {@link #start} and after {@link #close()}, publishing is ignored.
 * </ul>
 *
 * <p>Implementations are thread-safe. Publishing never blocks for I/O and never throws for a broker
 * outage: it reports it through {@link #isHealthy()} instead. Listener methods run on the bus's own
 * threads, one event at a time per bus, and must not block.
 */
public interface ClusterBus extends AutoCloseable {

  /**
   * Joins the cluster as {@code nodeId} (unique among live nodes) and starts delivering the other
   * nodes' events to {@code listener}. Called before anything else, and again only after it threw
   * because the broker was unreachable.
   *
   * @throws IllegalStateException if the bus was started or closed before
   * @throws RuntimeException if the bus cannot join the cluster now (its broker is unreachable);
   *     the bus is then as before the call, and the server calls {@code start} again later (with
   *     backoff) until it succeeds or the server closes it
   */
  void start(String nodeId, Listener listener);

  /** Tells the other nodes that a message was stored. Best effort; see the class contract. */
  void publishMessage(ChatMessage message);

  /**
   * Announces that {@code user} went online ({@code true}) or offline in {@code room} on this node.
   * The bus remembers this node's announcements and repeats them after a broker outage.
   */
  void publishPresence(RoomId room, UserId user, boolean online);

  /**
   * The users that live nodes other than this one announced online in {@code room}, each with the
   * nodes they are on. May complete on a bus thread or at once; completes exceptionally while the
   * broker is unreachable.
   */
  CompletableFuture<Set<RemotePresence>> presence(RoomId room);

  /** Whether the bus is connected and its lease is current: whether other nodes hear this one. */
  boolean isHealthy();

  /** How long a node that stopped renewing its lease still counts as live. */
  Duration leaseTime();

  /** How often leases are renewed and checked; by default a third of {@link #leaseTime()}. */
  default Duration renewalPeriod() {
    return leaseTime().dividedBy(3);
  }

  /** Leaves the cluster: withdraws this node's presence and lease, then releases resources. */
  @Override
  void close();

  /**
   * One user online on one other node.
   *
   * @param nodeId the node the user is connected to
   * @param user the user
   */
  record RemotePresence(String nodeId, UserId user) {
    /** Checks the fields. */
    public RemotePresence {
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(user, "user");
    }
  }

  /**
   * Receives the other nodes' events. Called on the bus's threads, one event at a time; methods
   * must return quickly and not throw.
   */
  interface Listener {
    /** Another node stored {@code message}. */
    void onMessage(ChatMessage message);

    /** {@code user} went online or offline in {@code room} on node {@code nodeId}. */
    void onPresence(String nodeId, RoomId room, UserId user, boolean online);

    /** Node {@code nodeId} left or its lease ran out: none of its users is online any more. */
    void onNodeDown(String nodeId);

    /**
     * The bus is connected again after events may have been lost: catch up from the store and
     * re-read presence.
     */
    void onResync();
  }
}
