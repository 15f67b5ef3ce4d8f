package dev.parley.chat.server.internal;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.Presence;
import dev.parley.chat.protocol.internal.ReadReceipt;
import dev.parley.chat.protocol.internal.Typing;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import dev.parley.chat.spi.RoomPosition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room loaded on this node: its member sessions, who is online, read receipts, and the delivery
 * position. Thread-safe: every method holds the room's monitor, which is also what orders the
 * frames each member receives for this room (Joined before any live Message; Messages in seq
 * order). Sends to connections only queue bytes, so holding the monitor while fanning out is cheap
 * and never blocks on a peer.
 *
 * <p>Lifecycle: created by {@link RoomRegistry} when the first member joins, with the store's head
 * as its delivery position; retired (and removed from the registry) when its last member leaves. A
 * retired room refuses joins, and the joiner loads a fresh one.
 */
final class Room {
  private static final Logger log = LoggerFactory.getLogger(Room.class);

  /** Out-of-order completions held back at most; a larger gap means a lost append. */
  static final int MAX_REORDER = 10_000;

  private final RoomId id;
  private final RoomRegistry registry;
  private final Set<ServerSession> members = new LinkedHashSet<>();

  /** The members as an array, rebuilt on join and leave, so fan-out iterates a snapshot. */
  private ServerSession[] fanOut = new ServerSession[0];

  private final Map<UserId, Integer> sessionsPerUser = new HashMap<>();

  /** Users online in this room on other nodes, each with the nodes they are on. */
  private final Map<UserId, Set<String>> remote = new HashMap<>();

  private final Map<UserId, Long> readUpTo = new HashMap<>();
  private final TreeMap<Long, ChatMessage> early = new TreeMap<>();
  private long deliveredSeq;
  private final long epoch;
  private boolean retired;
  private boolean catchingUp;
  private boolean gapCheckPending;

  /** Joiners waiting until this node has delivered up to a seq: (seq, future). */
  private final List<Map.Entry<Long, CompletableFuture<Void>>> waiters = new ArrayList<>();

  Room(
      RoomId id,
      RoomRegistry registry,
      RoomPosition position,
      Set<ClusterBus.RemotePresence> remotePresence) {
    this.id = id;
    this.registry = registry;
    this.deliveredSeq = position.headSeq();
    this.epoch = position.epoch();
    for (ClusterBus.RemotePresence p : remotePresence) {
      remote.computeIfAbsent(p.user(), u -> new HashSet<>()).add(p.nodeId());
    }
  }

  RoomId id() {
    return id;
  }

  /**
   * Adds a session and queues its Joined frame, atomically with respect to deliveries: the session
   * receives live messages from {@code deliveredSeq + 1} on.
   *
   * @param firstSeq the oldest seq the store keeps, for the Joined frame
   * @return false if the room is retired (the caller loads a new one and retries)
   */
  synchronized boolean join(ServerSession session, long requestId, long firstSeq) {
    if (retired) {
      return false;
    }
    boolean added = members.add(session);
    if (added) {
      fanOut = members.toArray(ServerSession[]::new);
      int count = sessionsPerUser.merge(session.user(), 1, Integer::sum);
      if (count == 1) {
        registry.bus().publishPresence(id, session.user(), true);
        if (!remote.containsKey(session.user())) {
          broadcastExcept(session, presence(session.user(), true));
        }
      }
    }
    long first = Math.min(firstSeq, deliveredSeq);
    var joined = Envelopes.joined(id, new RoomPosition(deliveredSeq, first, epoch), onlineUsers());
    session.deliver(
        new OutboundFrame(Envelope.newBuilder().setRequestId(requestId).setJoined(joined).build()));
    return true;
  }

  /** The Joined entry for a session rejoining during Connect (sent inside Welcome). */
  synchronized dev.parley.chat.protocol.internal.Joined rejoin(
      ServerSession session, long firstSeq) {
    if (retired) {
      return null;
    }
    if (members.add(session)) {
      fanOut = members.toArray(ServerSession[]::new);
      int count = sessionsPerUser.merge(session.user(), 1, Integer::sum);
      if (count == 1) {
        registry.bus().publishPresence(id, session.user(), true);
        if (!remote.containsKey(session.user())) {
          broadcastExcept(session, presence(session.user(), true));
        }
      }
    }
    return Envelopes.joined(
        id, new RoomPosition(deliveredSeq, Math.min(firstSeq, deliveredSeq), epoch), onlineUsers());
  }

  /** Removes a session; retires the room when it was the last member. */
  synchronized void leave(ServerSession session) {
    if (!members.remove(session)) {
      return;
    }
    fanOut = members.toArray(ServerSession[]::new);
    int left = sessionsPerUser.merge(session.user(), -1, Integer::sum);
    if (left <= 0) {
      sessionsPerUser.remove(session.user());
      registry.bus().publishPresence(id, session.user(), false);
      if (!remote.containsKey(session.user())) {
        broadcastExcept(null, presence(session.user(), false));
      }
    }
    if (members.isEmpty()) {
      retired = true;
      releaseWaiters();
      registry.retire(this);
    }
  }

  /**
   * Delivers a stored message to every member, in seq order. A message that completes before an
   * earlier one is held until the gap closes; one already delivered is ignored.
   */
  synchronized void publish(ChatMessage message) {
    long seq = message.seq();
    if (seq <= deliveredSeq) {
      return;
    }
    if (seq > deliveredSeq + 1) {
      early.put(seq, message);
      if (early.size() < MAX_REORDER) {
        if (!gapCheckPending) {
          gapCheckPending = true;
          registry.checkGapLater(this);
        }
        return;
      }
      // The missing predecessors are not coming (an append that never completed). Rather than
      // stall the room, move on: clients see the gap in seqs and read it from history.
      log.warn(
          "room {}: seqs {}..{} never completed; delivering past them",
          id,
          deliveredSeq + 1,
          early.firstKey() - 1);
      message = early.pollFirstEntry().getValue();
    }
    deliverNow(message);
    while (!early.isEmpty() && early.firstKey() == deliveredSeq + 1) {
      deliverNow(early.pollFirstEntry().getValue());
    }
    early.headMap(deliveredSeq, true).clear();
  }

  /**
   * Called a moment after a message arrived ahead of its predecessors: if the gap is still open
   * (the bus lost a message, or its node died before publishing it), reads it from the store.
   */
  void gapCheck() {
    boolean open;
    synchronized (this) {
      gapCheckPending = false;
      open = !early.isEmpty();
    }
    if (open) {
      catchUp();
    }
  }

  /**
   * Reads from the store whatever followed the last delivered message and delivers it in order,
   * page by page. What the store no longer keeps is skipped (clients see the gap in seqs and ask
   * history, which reports it). At most one catch-up runs at a time.
   */
  void catchUp() {
    long from;
    synchronized (this) {
      if (retired || catchingUp) {
        return;
      }
      catchingUp = true;
      from = deliveredSeq + 1;
    }
    registry
        .store()
        .read(id, from, ReadDirection.FORWARD, CATCH_UP_PAGE)
        .whenComplete(
            (slice, failure) -> {
              boolean more = false;
              synchronized (this) {
                catchingUp = false;
                if (failure != null) {
                  log.debug("room {}: catch-up from seq {} failed", id, from, failure);
                } else {
                  more = applyCatchUp(slice);
                }
              }
              if (more) {
                catchUp();
              }
            });
  }

  /** Pages of a catch-up read. */
  static final int CATCH_UP_PAGE = 256;

  private boolean applyCatchUp(HistorySlice slice) {
    if (retired) {
      return false;
    }
    if (slice.position().epoch() != epoch) {
      log.warn(
          "room {}: the store's epoch changed under a loaded room; members resume on reconnect",
          id);
      return false;
    }
    List<ChatMessage> messages = slice.messages();
    if (!messages.isEmpty() && messages.get(0).seq() > deliveredSeq + 1) {
      // The store no longer keeps what came in between (retention): move past it.
      log.debug(
          "room {}: seqs {}..{} are gone from the store; moving past them",
          id,
          deliveredSeq + 1,
          messages.get(0).seq() - 1);
      deliveredSeq = messages.get(0).seq() - 1;
      early.headMap(deliveredSeq, true).clear();
    }
    for (ChatMessage message : messages) {
      publish(message);
    }
    releaseWaiters();
    return !messages.isEmpty() && (slice.hasMore() || waitingBeyondDelivered());
  }

  // --- Presence on other nodes ---

  /** A user went online or offline on another node. */
  synchronized void remotePresence(String nodeId, UserId user, boolean online) {
    if (retired) {
      return;
    }
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
  synchronized void nodeDown(String nodeId) {
    if (retired) {
      return;
    }
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
  synchronized void reconcilePresence(Set<ClusterBus.RemotePresence> current) {
    if (retired) {
      return;
    }
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

  private boolean isOnline(UserId user) {
    return sessionsPerUser.containsKey(user) || remote.containsKey(user);
  }

  private void announceChange(UserId user, boolean before) {
    boolean now = isOnline(user);
    if (now != before) {
      broadcastExcept(null, presence(user, now));
    }
  }

  private List<String> onlineUsers() {
    Set<UserId> users = new HashSet<>(sessionsPerUser.keySet());
    users.addAll(remote.keySet());
    return users.stream().map(UserId::value).sorted().toList();
  }

  private void deliverNow(ChatMessage message) {
    deliveredSeq = message.seq();
    broadcastExcept(null, new OutboundFrame(Envelopes.delivery(message)));
    releaseWaiters();
  }

  /**
   * Completes once this node has delivered the room up to {@code seq} (at most {@link
   * #REACH_TIMEOUT_MILLIS} later): a session that joins or resumes here must not be told of a head
   * below what the store already had, which it may have seen on another node. Reads from the store
   * what the bus has not brought yet.
   */
  CompletableFuture<Void> reach(long seq) {
    CompletableFuture<Void> reached = new CompletableFuture<>();
    synchronized (this) {
      if (retired || deliveredSeq >= seq) {
        return CompletableFuture.completedFuture(null);
      }
      waiters.add(Map.entry(seq, reached));
    }
    catchUp();
    return reached.completeOnTimeout(null, REACH_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** The longest a join waits for this node to catch up with the store. */
  static final long REACH_TIMEOUT_MILLIS = 5_000;

  /** Completes the waiters this node has caught up with, off this monitor. */
  private void releaseWaiters() {
    if (waiters.isEmpty()) {
      return;
    }
    for (var it = waiters.iterator(); it.hasNext(); ) {
      var waiter = it.next();
      if (retired || waiter.getKey() <= deliveredSeq) {
        it.remove();
        registry.complete(waiter.getValue());
      }
    }
  }

  private boolean waitingBeyondDelivered() {
    for (var waiter : waiters) {
      if (waiter.getKey() > deliveredSeq) {
        return true;
      }
    }
    return false;
  }

  synchronized void typing(ServerSession from, boolean active) {
    if (!members.contains(from)) {
      return;
    }
    broadcastExcept(
        from,
        new OutboundFrame(
            Envelope.newBuilder()
                .setTyping(
                    Typing.newBuilder()
                        .setRoom(id.value())
                        .setUser(from.user().value())
                        .setActive(active))
                .build()));
  }

  /**
   * Records and fans out a read receipt. Receipts only move forward; an older one is ignored.
   *
   * @return false if {@code seq} is beyond the room's head
   */
  synchronized boolean markRead(ServerSession from, long seq) {
    if (seq > deliveredSeq) {
      return false;
    }
    Long previous = readUpTo.get(from.user());
    if (previous != null && previous >= seq) {
      return true;
    }
    readUpTo.put(from.user(), seq);
    broadcastExcept(
        from,
        new OutboundFrame(
            Envelope.newBuilder()
                .setReadReceipt(
                    ReadReceipt.newBuilder()
                        .setRoom(id.value())
                        .setUser(from.user().value())
                        .setSeq(seq))
                .build()));
    return true;
  }

  synchronized long deliveredSeq() {
    return deliveredSeq;
  }

  synchronized List<ServerSession> membersSnapshot() {
    return new ArrayList<>(members);
  }

  private OutboundFrame presence(UserId user, boolean online) {
    return new OutboundFrame(
        Envelope.newBuilder()
            .setPresence(
                Presence.newBuilder().setRoom(id.value()).setUser(user.value()).setOnline(online))
            .build());
  }

  private void broadcastExcept(ServerSession except, OutboundFrame frame) {
    for (ServerSession member : fanOut) {
      if (member != except) {
        member.deliver(frame);
      }
    }
  }
}
