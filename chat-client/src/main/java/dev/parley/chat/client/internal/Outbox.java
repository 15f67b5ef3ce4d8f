package dev.parley.chat.client.internal;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.protocol.internal.Envelope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends not yet acknowledged, sent or waiting for a connection, in the order they were made.
 * Bounded by {@code maxOutbox}: when {@link #isFull()} the session fails a new send at once with
 * {@code LIMIT_EXCEEDED}. After a resume every entry goes out again, in order, with its original
 * client message id and request id, so the server stores each message once. Not thread-safe:
 * guarded by the session's lock.
 */
final class Outbox {
  /** One unacknowledged send. */
  static final class Entry {
    final long requestId;
    final RoomId room;
    final ClientMessageId clientMessageId;
    final Envelope frame;
    final CompletableFuture<SendReceipt> future = new CompletableFuture<>();

    /** How often the server refused it with a retryable error. */
    int refusals;

    /** Refused with a retryable error and not sent again yet. */
    boolean awaitingResend;

    Entry(long requestId, RoomId room, ClientMessageId clientMessageId, Envelope frame) {
      this.requestId = requestId;
      this.room = room;
      this.clientMessageId = clientMessageId;
      this.frame = frame;
    }
  }

  private final Map<String, Entry> byClientMessageId = new LinkedHashMap<>();
  private final Map<Long, Entry> byRequestId = new HashMap<>();
  private final int max;

  Outbox(int max) {
    this.max = max;
  }

  boolean isFull() {
    return byClientMessageId.size() >= max;
  }

  int size() {
    return byClientMessageId.size();
  }

  boolean contains(ClientMessageId id) {
    return byClientMessageId.containsKey(id.value());
  }

  void add(Entry entry) {
    byClientMessageId.put(entry.clientMessageId.value(), entry);
    byRequestId.put(entry.requestId, entry);
  }

  /** The entry a SendAck answers: by client message id, else by request id; null if none. */
  Entry removeAcknowledged(String clientMessageId, long requestId) {
    Entry entry = byClientMessageId.get(clientMessageId);
    if (entry == null) {
      entry = byRequestId.get(requestId);
    }
    if (entry != null) {
      remove(entry);
    }
    return entry;
  }

  /** The entry with this request id, still in the outbox, or null. */
  Entry get(long requestId) {
    return byRequestId.get(requestId);
  }

  /** The entry an Error answers, or null. */
  Entry removeByRequestId(long requestId) {
    Entry entry = byRequestId.get(requestId);
    if (entry != null) {
      remove(entry);
    }
    return entry;
  }

  /** Every entry, oldest first. */
  List<Entry> inOrder() {
    return new ArrayList<>(byClientMessageId.values());
  }

  /** Removes the entries of {@code room} (every entry when null), oldest first. */
  List<Entry> removeAll(RoomId room) {
    List<Entry> removed = new ArrayList<>();
    for (Iterator<Entry> it = byClientMessageId.values().iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      if (room == null || entry.room.equals(room)) {
        it.remove();
        byRequestId.remove(entry.requestId);
        removed.add(entry);
      }
    }
    return removed;
  }

  private void remove(Entry entry) {
    byClientMessageId.remove(entry.clientMessageId.value());
    byRequestId.remove(entry.requestId);
  }
}
