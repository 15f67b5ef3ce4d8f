package dev.parley.chat.server.internal;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.RoomId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Keeps one session's sends to each room in the order they arrived when some of them are refused
 * after they arrived: failed by the store, or refused over a rate limit. Once a send has been
 * refused so (answered {@code UNAVAILABLE} or {@code RATE_LIMITED}), the session's later sends to
 * that room are refused as well, unstored, until the refused ones come again, earliest first: a
 * resend is admitted only when it is the earliest send still waiting, so a later send can never be
 * stored ahead of an earlier one's resend. Each waiting send keeps the place where it first
 * arrived. Other rooms and other sessions are not affected; a new connection starts with nothing
 * waiting (the Java client resends its outbox in order after a reconnect).
 *
 * <p>Thread-safe: admissions run on the connection's transport thread, failures on the store's
 * completion threads.
 */
final class SendOrder {
  /** Refused sends remembered per room; more are refused but not remembered until some leave. */
  static final int MAX_WAITING_PER_ROOM = 1_000;

  private long arrivals;

  /**
   * Per room, the refused sends by the place they first arrived at. Made when a first send waits,
   * as most sessions never have one.
   */
  private Map<RoomId, TreeMap<Long, ClientMessageId>> waiting = Map.of();

  /** The rooms whose earliest waiting send was refused over a rate limit (not by the store). */
  private Set<RoomId> rateLimited = Set.of();

  /**
   * Called for each send, in arrival order, before it goes to the store.
   *
   * @return the send's place in the order, to give to {@link #failed} if the store fails it; or -1
   *     if it must be refused now because an earlier send to the room is waiting for its resend
   */
  synchronized long admit(RoomId room, ClientMessageId id) {
    long place = ++arrivals;
    TreeMap<Long, ClientMessageId> refused = waiting.get(room);
    if (refused == null) {
      return place;
    }
    Map.Entry<Long, ClientMessageId> first = refused.firstEntry();
    if (first.getValue().equals(id)) {
      refused.pollFirstEntry();
      if (rateLimited.contains(room)) {
        rateLimited.remove(room);
      }
      if (refused.isEmpty()) {
        waiting.remove(room);
      }
      return first.getKey();
    }
    remember(refused, place, id);
    return -1;
  }

  /**
   * Whether a send of this session to {@code room} that arrived before {@code place} failed and
   * waits for its resend: a send admitted meanwhile must fail too rather than be stored ahead of it
   * (checked by stages that hold sends back before the store, such as before-store hooks).
   */
  synchronized boolean waitingBefore(RoomId room, long place) {
    TreeMap<Long, ClientMessageId> refused = waiting.get(room);
    return refused != null && refused.firstKey() < place;
  }

  /** The store failed the send admitted at {@code place}: it waits for its resend, in its place. */
  synchronized void failed(RoomId room, ClientMessageId id, long place) {
    if (waiting.isEmpty()) {
      waiting = new HashMap<>(4);
    }
    TreeMap<Long, ClientMessageId> refused = waiting.computeIfAbsent(room, r -> new TreeMap<>());
    remember(refused, place, id);
    if (rateLimited.contains(room) && refused.firstKey() == place) {
      rateLimited.remove(room); // the earliest waiting send is now one the store failed
    }
  }

  /**
   * A send to {@code room} refused over a rate limit before it was admitted: it waits for its
   * resend like one the store failed, at the place it arrives at now (or keeps the place it had,
   * when it was waiting already), so that none of the session's later sends to the room is stored
   * ahead of it.
   */
  synchronized void rateLimited(RoomId room, ClientMessageId id) {
    long place = admit(room, id);
    if (place >= 0) {
      failed(room, id, place);
      if (waiting.get(room).firstKey() == place) {
        if (rateLimited.isEmpty()) {
          rateLimited = new HashSet<>(4);
        }
        rateLimited.add(room);
      }
    }
  }

  /**
   * Whether the earliest send of {@code room} waiting for its resend was refused over a rate limit
   * (then a send held behind it is refused with {@code RATE_LIMITED} too, rather than {@code
   * UNAVAILABLE}).
   */
  synchronized boolean heldByRateLimit(RoomId room) {
    return rateLimited.contains(room);
  }

  private static void remember(
      TreeMap<Long, ClientMessageId> refused, long place, ClientMessageId id) {
    if (refused.size() < MAX_WAITING_PER_ROOM && !refused.containsValue(id)) {
      refused.put(place, id);
    }
  }
}
