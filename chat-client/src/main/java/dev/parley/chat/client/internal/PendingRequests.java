package dev.parley.chat.client.internal;

import dev.parley.chat.api.RoomId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * The session's requests waiting for an answer, by request id (which is also the order they were
 * made in). Bounded: {@link #isFull()} tells the session to refuse new requests with {@code
 * LIMIT_EXCEEDED}. Not thread-safe: guarded by the session's lock.
 */
final class PendingRequests {
  private final TreeMap<Long, PendingRequest> byId = new TreeMap<>();
  private final int max;

  PendingRequests(int max) {
    this.max = max;
  }

  boolean isFull() {
    return byId.size() >= max;
  }

  int size() {
    return byId.size();
  }

  void add(PendingRequest request) {
    byId.put(request.id, request);
  }

  /** The request with this id, or null. */
  PendingRequest get(long id) {
    return byId.get(id);
  }

  /** Removes and returns the request with this id (its timeout cancelled), or null. */
  PendingRequest remove(long id) {
    PendingRequest request = byId.remove(id);
    if (request != null) {
      request.cancelTimeout();
    }
    return request;
  }

  /** The pending request of this kind for this room, if any. */
  PendingRequest find(PendingRequest.Kind kind, RoomId room) {
    for (PendingRequest request : byId.values()) {
      if (request.kind == kind && request.room.equals(room)) {
        return request;
      }
    }
    return null;
  }

  /** Every request still waiting, in the order they were made. */
  List<PendingRequest> inOrder() {
    return new ArrayList<>(byId.values());
  }

  /**
   * Removes every request matching {@code kind} (any kind when null) and {@code room} (any when
   * null).
   */
  List<PendingRequest> removeAll(PendingRequest.Kind kind, RoomId room) {
    List<PendingRequest> removed = new ArrayList<>();
    for (Iterator<PendingRequest> it = byId.values().iterator(); it.hasNext(); ) {
      PendingRequest request = it.next();
      if ((kind == null || request.kind == kind) && (room == null || request.room.equals(room))) {
        it.remove();
        request.cancelTimeout();
        removed.add(request);
      }
    }
    return removed;
  }
}
