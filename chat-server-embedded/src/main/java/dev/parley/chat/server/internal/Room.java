package dev.parley.chat.server.internal;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.Presence;
import dev.parley.chat.protocol.internal.ReadReceipt;
import dev.parley.chat.protocol.internal.Typing;
import dev.parley.chat.spi.RoomPosition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
  private final Map<UserId, Long> readUpTo = new HashMap<>();
  private final TreeMap<Long, ChatMessage> early = new TreeMap<>();
  private long deliveredSeq;
  private final long epoch;
  private boolean retired;

  Room(RoomId id, RoomRegistry registry, RoomPosition position) {
    this.id = id;
    this.registry = registry;
    this.deliveredSeq = position.headSeq();
    this.epoch = position.epoch();
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
        broadcastExcept(session, presence(session.user(), true));
      }
    }
    long first = Math.min(firstSeq, deliveredSeq);
    var joined =
        Envelopes.joined(
            id,
            new RoomPosition(deliveredSeq, first, epoch),
            sessionsPerUser.keySet().stream().map(UserId::value).sorted().toList());
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
        broadcastExcept(session, presence(session.user(), true));
      }
    }
    return Envelopes.joined(
        id,
        new RoomPosition(deliveredSeq, Math.min(firstSeq, deliveredSeq), epoch),
        sessionsPerUser.keySet().stream().map(UserId::value).sorted().toList());
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
      broadcastExcept(null, presence(session.user(), false));
    }
    if (members.isEmpty()) {
      retired = true;
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

  private void deliverNow(ChatMessage message) {
    deliveredSeq = message.seq();
    broadcastExcept(null, new OutboundFrame(Envelopes.delivery(message)));
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
