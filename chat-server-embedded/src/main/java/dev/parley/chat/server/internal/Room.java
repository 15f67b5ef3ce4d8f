package dev.parley.chat.server.internal;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.Joined;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.RoomPosition;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * A room loaded on this node: its member sessions, and the two stages that work on them, {@link
 * RoomDelivery} (seq-ordered fan-out) and {@link RoomPresence} (who is online, typing, read
 * receipts). Thread-safe: every method holds the room's monitor, which is also what orders the
 * frames each member receives for this room (Joined before any live Message; Messages in seq
 * order). Sends to connections only queue bytes, so holding the monitor while fanning out is cheap
 * and never blocks on a peer.
 *
 * <p>Lifecycle: created by {@link RoomRegistry} when the first member joins, with the store's head
 * as its delivery position; retired (and removed from the registry) when its last member leaves. A
 * retired room refuses joins, and the joiner loads a fresh one.
 */
final class Room {
  private final RoomId id;
  private final RoomRegistry registry;
  private final Set<ServerSession> members = new LinkedHashSet<>();
  private final RoomDelivery delivery;
  private final RoomPresence presence;

  /** The members as an array, rebuilt on join and leave, so fan-out iterates a snapshot. */
  private ServerSession[] fanOut = new ServerSession[0];

  private boolean retired;

  Room(
      RoomId id,
      RoomRegistry registry,
      RoomPosition position,
      Set<ClusterBus.RemotePresence> remotePresence) {
    this.id = id;
    this.registry = registry;
    this.delivery = new RoomDelivery(this, registry, position);
    this.presence = new RoomPresence(this, registry.bus(), registry.presence(), remotePresence);
  }

  RoomId id() {
    return id;
  }

  RoomRegistry registry() {
    return registry;
  }

  /** Whether the room has been retired; caller holds the monitor. */
  boolean isRetired() {
    return retired;
  }

  /**
   * Adds a session and queues its Joined frame, atomically with respect to deliveries: the session
   * receives live messages from {@code deliveredSeq + 1} on.
   *
   * @param firstSeq the oldest seq the store keeps, for the Joined frame
   * @param whenAdded run under the monitor before the Joined frame is queued, if the session was
   *     not a member yet (so what it does comes before anything the client does after Joined)
   * @return false if the room is retired (the caller loads a new one and retries)
   */
  synchronized boolean join(
      ServerSession session,
      long requestId,
      long firstSeq,
      UnaryOperator<Joined> withAccess,
      Runnable whenAdded) {
    if (retired) {
      return false;
    }
    if (add(session)) {
      whenAdded.run();
    }
    var joined = withAccess.apply(joinedEntry(firstSeq));
    session.deliver(new OutboundFrame(EnvelopeCodec.joinedReply(requestId, joined)));
    return true;
  }

  /** The Joined entry for a session rejoining during Connect (sent inside Welcome). */
  synchronized Joined rejoin(
      ServerSession session, long firstSeq, UnaryOperator<Joined> withAccess) {
    if (retired) {
      return null;
    }
    add(session);
    return withAccess.apply(joinedEntry(firstSeq));
  }

  private Joined joinedEntry(long firstSeq) {
    return EnvelopeCodec.joined(
        id, delivery.position(firstSeq), presence.onlineForJoiner(), presence.onlineCount());
  }

  private boolean add(ServerSession session) {
    if (!members.add(session)) {
      return false;
    }
    fanOut = members.toArray(ServerSession[]::new);
    presence.sessionJoined(session);
    return true;
  }

  /** Removes a session; retires the room when it was the last member. */
  synchronized void leave(ServerSession session) {
    if (!members.remove(session)) {
      return;
    }
    fanOut = members.toArray(ServerSession[]::new);
    presence.sessionRemoved(session);
    if (members.isEmpty()) {
      retire();
    }
  }

  private void retire() {
    retired = true;
    delivery.releaseWaiters();
    registry.retire(this);
  }

  /**
   * Closes the room on this node: queues {@code left} on every member, removes them all and retires
   * the room, so nothing for it follows the Left frame.
   *
   * @return the sessions removed
   */
  synchronized List<ServerSession> close(OutboundFrame left) {
    if (retired) {
      return List.of();
    }
    List<ServerSession> removed = new ArrayList<>(members);
    for (ServerSession session : removed) {
      session.rooms().remove(id, this);
      session.deliver(left);
    }
    members.clear();
    fanOut = new ServerSession[0];
    for (ServerSession session : removed) {
      presence.sessionRemoved(session);
    }
    retire();
    return removed;
  }

  /**
   * Removes every session of {@code user} from the room on this node and queues {@code left} on
   * each (the room is retired if none remain), so nothing for the room follows the Left frame.
   *
   * @return the sessions removed
   */
  synchronized List<ServerSession> removeUser(UserId user, OutboundFrame left) {
    if (retired) {
      return List.of();
    }
    List<ServerSession> removed = new ArrayList<>();
    for (ServerSession session : members) {
      if (user.equals(session.user())) {
        removed.add(session);
      }
    }
    if (removed.isEmpty()) {
      return removed;
    }
    for (ServerSession session : removed) {
      members.remove(session);
      session.rooms().remove(id, this);
      session.deliver(left);
      presence.sessionRemoved(session);
    }
    fanOut = members.toArray(ServerSession[]::new);
    if (members.isEmpty()) {
      retire();
    }
    return removed;
  }

  /** The distinct users with a session in the room on this node. */
  synchronized Set<UserId> localUsers() {
    Set<UserId> users = new LinkedHashSet<>();
    for (ServerSession session : members) {
      users.add(session.user());
    }
    return users;
  }

  /** Users with a session in the room, on this node or (as far as it knows) on other nodes. */
  synchronized Set<UserId> onlineUsers() {
    Set<UserId> users = new java.util.HashSet<>();
    for (String user : presence.onlineUsers()) {
      users.add(UserId.of(user));
    }
    return users;
  }

  /** Delivers a stored message to every member, in seq order; see {@link RoomDelivery}. */
  synchronized void publish(ChatMessage message) {
    delivery.publish(message);
  }

  /** Reads a gap from the store if it is still open; see {@link RoomDelivery#gapCheck}. */
  void gapCheck() {
    delivery.gapCheck();
  }

  /** Delivers what the store has beyond this node's position; see {@link RoomDelivery}. */
  void catchUp() {
    delivery.catchUp();
  }

  /** Completes once this node has delivered up to {@code seq}; see {@link RoomDelivery#reach}. */
  CompletableFuture<Void> reach(long seq) {
    return delivery.reach(seq);
  }

  // --- Presence on other nodes ---

  /** A user went online or offline on another node. */
  synchronized void remotePresence(String nodeId, UserId user, boolean online) {
    if (!retired) {
      presence.remotePresence(nodeId, user, online);
    }
  }

  /** A node is gone: its users are offline here unless they are on another node too. */
  synchronized void nodeDown(String nodeId) {
    if (!retired) {
      presence.nodeDown(nodeId);
    }
  }

  /** Replaces the view of other nodes' users with a fresh one read from the bus. */
  synchronized void reconcilePresence(Set<ClusterBus.RemotePresence> current) {
    if (!retired) {
      presence.reconcile(current);
    }
  }

  synchronized void typing(ServerSession from, boolean active) {
    if (members.contains(from)) {
      presence.typing(from, active);
    }
  }

  /**
   * Records and fans out a read receipt. Receipts only move forward; an older one is ignored.
   *
   * @return false if {@code seq} is beyond the room's head
   */
  synchronized boolean markRead(ServerSession from, long seq) {
    return presence.markRead(from, seq, delivery.deliveredSeq());
  }

  synchronized long deliveredSeq() {
    return delivery.deliveredSeq();
  }

  synchronized List<ServerSession> membersSnapshot() {
    return new ArrayList<>(members);
  }

  /** The presence window is over: announce the changes gathered in it. */
  synchronized void flushPresence() {
    if (!retired) {
      presence.windowEnded();
    }
  }

  /**
   * The members, as the array fan-out iterates; caller holds the monitor and does not change it.
   */
  ServerSession[] members() {
    return fanOut;
  }

  /**
   * Queues a frame on every member but {@code except}, after the presence changes gathered so far;
   * caller holds the monitor. Returns how many members it was queued for.
   */
  int broadcastExcept(ServerSession except, OutboundFrame frame) {
    presence.announce();
    int recipients = 0;
    FrameTally tally = new FrameTally();
    for (ServerSession member : fanOut) {
      if (member != except) {
        member.deliver(frame, tally);
        recipients++;
      }
    }
    tally.recordTo(registry.metrics());
    return recipients;
  }
}
