package dev.parley.chat.server.internal;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.RoomId;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps one session's sends to each room in the order they arrived when the store fails some of
 * them. Once the store has failed a send (answered {@code UNAVAILABLE}), the session's later sends
 * to that room are refused with {@code UNAVAILABLE} as well, unstored, until the failed ones come
 * again, earliest first: a resend is admitted only when it is the earliest send still waiting, so a
 * later send can never be stored ahead of an earlier one's resend. Each waiting send keeps the
 * place where it first arrived. Other rooms and other sessions are not affected; a new connection
 * starts with nothing waiting (the Java client resends its outbox in order after a reconnect).
 *
 * <p>Thread-safe: admissions run on the connection's transport thread, failures on the store's
 * completion threads.
 */
final class SendOrder {
  /** Refused sends remembered per room; more are refused but not remembered until some leave. */
  static final int MAX_WAITING_PER_ROOM = 1_000;

  private long arrivals;

  /** Per room, the refused sends by the place they first arrived at. */
  /** Made when a first send waits, as most sessions never have one. */
  private Map<RoomId, TreeMap<Long, ClientMessageId>> waiting = Map.of();

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
    remember(waiting.computeIfAbsent(room, r -> new TreeMap<>()), place, id);
  }

  private static void remember(
      TreeMap<Long, ClientMessageId> refused, long place, ClientMessageId id) {
    if (refused.size() < MAX_WAITING_PER_ROOM && !refused.containsValue(id)) {
      refused.put(place, id);
    }
  }
}
