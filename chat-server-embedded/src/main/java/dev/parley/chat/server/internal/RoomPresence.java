package dev.parley.chat.server.internal;

import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.spi.ClusterBus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The room presence stage: who is online in one room (on this node and, through the bus, on
 * others), typing signals and read receipts, and the frames that announce them to the members.
 *
 * <p>Presence changes are gathered over the presence window ({@link PresenceSettings}) and
 * announced together: each changed user's state at the end of the window, once, in one {@code
 * PresenceBatch} frame to members that asked for it and one {@code Presence} frame per user to the
 * others. The room announces what it gathered before any other frame it sends, so presence keeps
 * its place among the room's frames. A room with more online users than the large-room threshold
 * announces only its online count, and forwards no typing or read receipts: otherwise each member
 * would get a frame for every other member.
 *
 * <p>Guarded by its {@link Room}'s monitor: every method is called with it held.
 */
final class RoomPresence {
  private final Room room;
  private final ClusterBus bus;
  private final Map<UserId, Integer> sessionsPerUser = new HashMap<>();

  /** Users online in this room on other nodes, each with the nodes they are on. */
  private final Map<UserId, Set<String>> remote = new HashMap<>();

  private final Map<UserId, Long> readUpTo = new HashMap<>();

  private final PresenceSettings settings;

  /**
   * Users whose presence changed since the last announcement, in the order they first changed, each
   * with the number of its last change.
   */
  private final Map<UserId, Long> changed = new LinkedHashMap<>();

  /** Numbers the changes, so that a member who joined mid-window skips what its Joined told it. */
  private long changes;

  /** Members that joined since the last announcement, with the change number their Joined saw. */
  private final Map<ServerSession, Long> joinedThisWindow = new HashMap<>();

  private boolean announcementScheduled;

  /** The online count last announced in a large room, so that an unchanged count is not resent. */
  private int announcedCount = -1;

  RoomPresence(
      Room room,
      ClusterBus bus,
      PresenceSettings settings,
      Set<ClusterBus.RemotePresence> remotePresence) {
    this.room = room;
    this.bus = bus;
    this.settings = settings;
    for (ClusterBus.RemotePresence p : remotePresence) {
      remote.computeIfAbsent(p.user(), u -> new HashSet<>()).add(p.nodeId());
    }
  }

  /**
   * A session of {@code session.user()} became a member; the user's first one announces them. The
   * session's Joined, made after this call, tells it of every change so far, so the announcement at
   * the end of this window gives it only what changes later.
   */
  void sessionJoined(ServerSession session) {
    int count = sessionsPerUser.merge(session.user(), 1, Integer::sum);
    boolean announces = count == 1 && !remote.containsKey(session.user());
    if (count == 1) {
      bus.publishPresence(room.id(), session.user(), true);
    }
    if (announces || !changed.isEmpty()) {
      // recorded first: with a zero window the announcement happens inside changed(...)
      joinedThisWindow.put(session, changes + (announces ? 1 : 0));
    }
    if (announces) {
      changed(session.user());
    }
  }

  /** {@code session} is no longer a member. */
  void sessionRemoved(ServerSession session) {
    joinedThisWindow.remove(session);
    sessionLeft(session.user());
  }

  /** A session of {@code user} is no longer a member; the user's last one announces them gone. */
  void sessionLeft(UserId user) {
    int left = sessionsPerUser.merge(user, -1, Integer::sum);
    if (left <= 0) {
      sessionsPerUser.remove(user);
      bus.publishPresence(room.id(), user, false);
      if (!remote.containsKey(user)) {
        changed(user);
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

  /** How many users have a session in the room, here or on another node. */
  int onlineCount() {
    int count = sessionsPerUser.size();
    for (UserId user : remote.keySet()) {
      if (!sessionsPerUser.containsKey(user)) {
        count++;
      }
    }
    return count;
  }

  /** Whether the room has more online users than the large-room threshold. */
  boolean isLarge() {
    return onlineCount() > settings.largeRoomThreshold();
  }

  /** What a joiner is told of who is online: the names, or {@code null} in a large room. */
  List<String> onlineForJoiner() {
    return isLarge() ? null : onlineUsers();
  }

  /** Users with a session in the room, here or on another node, sorted. */
  List<String> onlineUsers() {
    Set<UserId> users = new HashSet<>(sessionsPerUser.keySet());
    users.addAll(remote.keySet());
    return users.stream().map(UserId::value).sorted().toList();
  }

  void typing(ServerSession from, boolean active) {
    if (isLarge()) {
      return;
    }
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
    if (isLarge()) {
      return true;
    }
    room.broadcastExcept(
        from, new OutboundFrame(EnvelopeCodec.readReceiptNotice(room.id(), from.user(), seq)));
    return true;
  }

  private boolean isOnline(UserId user) {
    return sessionsPerUser.containsKey(user) || remote.containsKey(user);
  }

  private void announceChange(UserId user, boolean before) {
    if (isOnline(user) != before) {
      changed(user);
    }
  }

  private void changed(UserId user) {
    changed.put(user, ++changes);
    if (settings.window().isZero()) {
      announce();
    } else if (!announcementScheduled) {
      announcementScheduled = true;
      room.registry().flushPresenceLater(room);
    }
  }

  /** The presence window is over: announce what was gathered. */
  void windowEnded() {
    announcementScheduled = false;
    announce();
  }

  /**
   * Announces the gathered changes now, each changed user's current state once. Called at the end
   * of the window, and before the room sends any other frame. A member that joined in this window
   * hears only of changes after its Joined, and nobody hears of their own user.
   */
  void announce() {
    if (changed.isEmpty()) {
      joinedThisWindow.clear();
      return;
    }
    int count = onlineCount();
    boolean large = count > settings.largeRoomThreshold();
    int n = large ? 0 : changed.size();
    UserId[] users = new UserId[n];
    long[] numbers = new long[n];
    boolean[] states = new boolean[n];
    OutboundFrame[] singles = new OutboundFrame[n];
    int i = 0;
    for (Map.Entry<UserId, Long> change :
        large ? Map.<UserId, Long>of().entrySet() : changed.entrySet()) {
      users[i] = change.getKey();
      numbers[i] = change.getValue();
      states[i] = isOnline(change.getKey());
      i++;
    }
    changed.clear();
    OutboundFrame shared = null;
    if (!large) {
      shared = batch(users, numbers, states, Long.MIN_VALUE, null, count);
    } else if (count != announcedCount) {
      shared = batch(users, numbers, states, Long.MIN_VALUE, null, count);
    }
    announcedCount = large ? count : -1;
    FrameTally tally = new FrameTally();
    for (ServerSession member : room.members()) {
      Long since = joinedThisWindow.get(member);
      if (member.presenceBatches()) {
        OutboundFrame frame =
            since == null || large ? shared : batch(users, numbers, states, since, member, count);
        if (frame != null) {
          member.deliver(frame, tally);
        }
      } else {
        for (int k = 0; k < n; k++) {
          if ((since == null || numbers[k] > since) && !users[k].equals(member.user())) {
            if (singles[k] == null) {
              singles[k] = presence(users[k], states[k]);
            }
            member.deliver(singles[k], tally);
          }
        }
      }
    }
    joinedThisWindow.clear();
    tally.recordTo(room.registry().metrics());
  }

  /**
   * A batch of the changes numbered after {@code since}, leaving out {@code member}'s own user;
   * null if that leaves none.
   */
  private OutboundFrame batch(
      UserId[] users,
      long[] numbers,
      boolean[] states,
      long since,
      ServerSession member,
      int count) {
    List<String> online = new ArrayList<>();
    List<String> offline = new ArrayList<>();
    for (int k = 0; k < users.length; k++) {
      if (numbers[k] > since && (member == null || !users[k].equals(member.user()))) {
        (states[k] ? online : offline).add(users[k].value());
      }
    }
    if (member != null && online.isEmpty() && offline.isEmpty()) {
      return null;
    }
    return new OutboundFrame(EnvelopeCodec.presenceBatch(room.id(), online, offline, count));
  }

  private OutboundFrame presence(UserId user, boolean online) {
    return new OutboundFrame(EnvelopeCodec.presence(room.id(), user, online));
  }
}
