package dev.parley.chat.server.internal;

import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.spi.ClusterBus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The room presence stage: who is online in one room (on this node and, through the bus, on
 * others), typing signals and read receipts, and the frames that announce them to the members.
 *
 * <p>Guarded by its {@link Room}'s monitor: every method is called with it held, so presence frames
 * keep their place among the room's other frames.
 */
final class RoomPresence {
  private final Room room;
  private final ClusterBus bus;
  private final Map<UserId, Integer> sessionsPerUser = new HashMap<>();

  /** Users online in this room on other nodes, each with the nodes they are on. */
  private final Map<UserId, Set<String>> remote = new HashMap<>();

  private final Map<UserId, Long> readUpTo = new HashMap<>();

  RoomPresence(Room room, ClusterBus bus, Set<ClusterBus.RemotePresence> remotePresence) {
    this.room = room;
    this.bus = bus;
    for (ClusterBus.RemotePresence p : remotePresence) {
      remote.computeIfAbsent(p.user(), u -> new HashSet<>()).add(p.nodeId());
    }
  }

  /** A session of {@code session.user()} became a member; the user's first one announces them. */
  void sessionJoined(ServerSession session) {
    int count = sessionsPerUser.merge(session.user(), 1, Integer::sum);
    if (count == 1) {
      bus.publishPresence(room.id(), session.user(), true);
      if (!remote.containsKey(session.user())) {
        room.broadcastExcept(session, presence(session.user(), true));
      }
    }
  }

  /** A session of {@code user} is no longer a member; the user's last one announces them gone. */
  void sessionLeft(UserId user) {
    int left = sessionsPerUser.merge(user, -1, Integer::sum);
    if (left <= 0) {
      sessionsPerUser.remove(user);
      bus.publishPresence(room.id(), user, false);
      if (!remote.containsKey(user)) {
        room.broadcastExcept(null, presence(user, false));
      }
    }
  }

  /** A user went online or offline on another node. */
  void remotePresence(String nodeId, UserId user, boolean online) {
    boolean before = isOnline(user);
    if (online) {
      remote.computeIfAbsent(user, u -> new HashSet<>()).add(nodeId);
    } else {
      Set<String> nodes = remote.get(user);
      if (nodes != null && nodes.remove(nodeId) && nodes.isEmpty()) {
        remote.remove(user);
      }
    }
    announceChange(user, before);
  }

  /** A node is gone: its users are offline here unless they are on another node too. */
  void nodeDown(String nodeId) {
    for (UserId user : new ArrayList<>(remote.keySet())) {
      boolean before = isOnline(user);
      Set<String> nodes = remote.get(user);
      if (nodes.remove(nodeId) && nodes.isEmpty()) {
        remote.remove(user);
      }
      announceChange(user, before);
    }
  }

  /** Replaces the view of other nodes' users with a fresh one read from the bus. */
  void reconcile(Set<ClusterBus.RemotePresence> current) {
    Map<UserId, Set<String>> fresh = new HashMap<>();
    for (ClusterBus.RemotePresence p : current) {
      fresh.computeIfAbsent(p.user(), u -> new HashSet<>()).add(p.nodeId());
    }
    Set<UserId> users = new HashSet<>(remote.keySet());
    users.addAll(fresh.keySet());
    Map<UserId, Boolean> before = new HashMap<>();
    for (UserId user : users) {
      before.put(user, isOnline(user));
    }
    remote.clear();
    remote.putAll(fresh);
    for (UserId user : users) {
      announceChange(user, before.get(user));
    }
  }

  /** Users with a session in the room, here or on another node, sorted. */
  List<String> onlineUsers() {
    Set<UserId> users = new HashSet<>(sessionsPerUser.keySet());
    users.addAll(remote.keySet());
    return users.stream().map(UserId::value).sorted().toList();
  }

  void typing(ServerSession from, boolean active) {
    room.broadcastExcept(
        from, new OutboundFrame(EnvelopeCodec.typingNotice(room.id(), from.user(), active)));
  }

  /**
   * Records and fans out a read receipt. Receipts only move forward; an older one is ignored.
   *
   * @return false if {@code seq} is beyond {@code deliveredSeq}, the room's head on this node
   */
  boolean markRead(ServerSession from, long seq, long deliveredSeq) {
    if (seq > deliveredSeq) {
      return false;
    }
    Long previous = readUpTo.get(from.user());
    if (previous != null && previous >= seq) {
      return true;
    }
    readUpTo.put(from.user(), seq);
    room.broadcastExcept(
        from, new OutboundFrame(EnvelopeCodec.readReceiptNotice(room.id(), from.user(), seq)));
    return true;
  }

  private boolean isOnline(UserId user) {
    return sessionsPerUser.containsKey(user) || remote.containsKey(user);
  }

  private void announceChange(UserId user, boolean before) {
    boolean now = isOnline(user);
    if (now != before) {
      room.broadcastExcept(null, presence(user, now));
    }
  }

  private OutboundFrame presence(UserId user, boolean online) {
    return new OutboundFrame(EnvelopeCodec.presence(room.id(), user, online));
  }
}
