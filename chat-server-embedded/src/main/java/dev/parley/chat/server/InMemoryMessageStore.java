package dev.parley.chat.server;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.spi.EventOutbox;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.RoomPosition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link MessageStore} in the process's heap: fast, and gone when the process ends. Keeps the
 * newest {@code maxPerRoom} messages of each room; older ones are dropped from the oldest end and
 * reported through {@link RoomPosition#firstSeq()}. Idempotency covers the messages still kept: a
 * sender's client message id names one message in any room. Messages keep their attachments
 * (without links), and {@link #referencedBlobs()} answers from a count of the kept messages that
 * reference each blob. Its {@link #outbox()} is an {@link InMemoryEventOutbox}: a stored message's
 * event is added under the room's lock, in seq order.
 *
 * <p>Thread-safe: each room has its own lock, so rooms never wait for each other. Every method
 * completes its future before returning, on the caller's thread, without I/O.
 */
public final class InMemoryMessageStore implements MessageStore {
  private final int maxPerRoom;
  private final long epoch;
  private final Map<RoomId, RoomLog> rooms = new ConcurrentHashMap<>();
  private final Map<SenderKey, ChatMessage> byClientId = new ConcurrentHashMap<>();

  /** Per blob id (attachment or thumbnail), how many references kept messages make to it. */
  private final Map<String, Integer> blobReferences = new ConcurrentHashMap<>();

  private final InMemoryEventOutbox outbox = new InMemoryEventOutbox();

  /**
   * A store that keeps up to {@code maxPerRoom} messages per room. Its history lives and dies with
   * this object, so every room reports {@code epoch}: give each store instance a different one, and
   * clients that resume against a new instance (a restarted server) learn that the history they
   * knew is gone.
   *
   * @throws IllegalArgumentException if {@code maxPerRoom} is not positive or {@code epoch} is 0
   */
  public InMemoryMessageStore(int maxPerRoom, long epoch) {
    if (maxPerRoom <= 0) {
      throw new IllegalArgumentException("maxPerRoom must be positive, was " + maxPerRoom);
    }
    if (epoch <= 0) {
      throw new IllegalArgumentException("epoch must be positive, was " + epoch);
    }
    this.maxPerRoom = maxPerRoom;
    this.epoch = epoch;
  }

  /** A store keeping up to {@code maxPerRoom} messages per room, with a random epoch. */
  public InMemoryMessageStore(int maxPerRoom) {
    this(maxPerRoom, randomEpoch());
  }

  /** A store with the default limit, {@value ChatServerBuilder#DEFAULT_IN_MEMORY_HISTORY}. */
  public InMemoryMessageStore() {
    this(ChatServerBuilder.DEFAULT_IN_MEMORY_HISTORY);
  }

  private static long randomEpoch() {
    return 1 + (new java.security.SecureRandom().nextLong() >>> 2);
  }

  @Override
  public CompletableFuture<AppendResult> append(AppendRequest request) {
    RoomLog log = rooms.computeIfAbsent(request.room(), r -> new RoomLog());
    synchronized (log) {
      SenderKey key = new SenderKey(request.sender(), request.clientMessageId());
      ChatMessage existing = byClientId.get(key);
      if (existing != null) {
        return CompletableFuture.completedFuture(new AppendResult(existing, true));
      }
      ChatMessage message =
          new ChatMessage(
              request.room(),
              log.headSeq + 1,
              request.id(),
              request.sender(),
              request.clientMessageId(),
              request.timestamp(),
              request.text(),
              request.payload(),
              request.attachments().stream().map(Attachment::withoutLinks).toList());
      // the map decides between racing appends of one key to two rooms (two room locks)
      existing = byClientId.putIfAbsent(key, message);
      if (existing != null) {
        return CompletableFuture.completedFuture(new AppendResult(existing, true));
      }
      log.headSeq = message.seq();
      log.add(message);
      if (request.deliveredLive() != null) {
        outbox.addOne(ChatEvent.MessageStored.of(message, request.deliveredLive()));
      }
      return CompletableFuture.completedFuture(new AppendResult(message, false));
    }
  }

  @Override
  public Optional<EventOutbox> outbox() {
    return Optional.of(outbox);
  }

  @Override
  public CompletableFuture<HistorySlice> read(
      RoomId room, long fromSeq, ReadDirection direction, int limit) {
    Optional<IllegalArgumentException> invalid = MessageStore.checkRead(fromSeq, limit);
    if (invalid.isPresent()) {
      return CompletableFuture.failedFuture(invalid.get());
    }
    RoomLog log = rooms.get(room);
    if (log == null) {
      return CompletableFuture.completedFuture(
          new HistorySlice(List.of(), false, new RoomPosition(0, 0, epoch)));
    }
    synchronized (log) {
      RoomPosition position = log.position();
      if (log.isEmpty()) {
        return CompletableFuture.completedFuture(new HistorySlice(List.of(), false, position));
      }
      long first = position.firstSeq();
      long head = position.headSeq();
      List<ChatMessage> out = new ArrayList<>();
      boolean hasMore;
      if (direction == ReadDirection.FORWARD) {
        long start = Math.max(fromSeq, first);
        long end = Math.min(head, start + limit - 1);
        for (long seq = start; seq <= end; seq++) {
          out.add(log.at(seq, first));
        }
        hasMore = end < head;
      } else {
        long start = fromSeq == 0 ? head : Math.min(fromSeq, head);
        long end = Math.max(first, start - limit + 1);
        for (long seq = end; seq <= start; seq++) {
          out.add(log.at(seq, first));
        }
        hasMore = end > first && start >= first;
      }
      return CompletableFuture.completedFuture(
          new HistorySlice(Collections.unmodifiableList(out), hasMore, position));
    }
  }

  /** The blobs the kept messages reference; an append counts once its future has completed. */
  @Override
  public CompletableFuture<Set<String>> referencedBlobs() {
    return CompletableFuture.completedFuture(Set.copyOf(blobReferences.keySet()));
  }

  private void countReferences(ChatMessage message, int delta) {
    for (Attachment a : message.attachments()) {
      count(a.id(), delta);
      if (!a.thumbnailId().isEmpty()) {
        count(a.thumbnailId(), delta);
      }
    }
  }

  private void count(String blob, int delta) {
    blobReferences.compute(
        blob,
        (id, n) -> {
          int references = (n == null ? 0 : n) + delta;
          return references > 0 ? references : null;
        });
  }

  @Override
  public CompletableFuture<RoomPosition> position(RoomId room) {
    RoomLog log = rooms.get(room);
    if (log == null) {
      return CompletableFuture.completedFuture(new RoomPosition(0, 0, epoch));
    }
    synchronized (log) {
      return CompletableFuture.completedFuture(log.position());
    }
  }

  /** Drops everything. */
  @Override
  public void close() {
    rooms.clear();
    byClientId.clear();
    blobReferences.clear();
  }

  private record SenderKey(UserId sender, ClientMessageId clientMessageId) {}

  /** One room's kept messages in a ring, oldest first; guarded by its own monitor. */
  private final class RoomLog {
    private ChatMessage[] ring = new ChatMessage[16];
    private int start;
    private int size;
    long headSeq;

    boolean isEmpty() {
      return size == 0;
    }

    void add(ChatMessage message) {
      if (size == maxPerRoom) {
        ChatMessage dropped = ring[start];
        ring[start] = null;
        start = (start + 1) % ring.length;
        size--;
        byClientId.remove(new SenderKey(dropped.sender(), dropped.clientMessageId()), dropped);
        countReferences(dropped, -1);
      }
      if (size == ring.length) {
        ChatMessage[] bigger = new ChatMessage[Math.min(maxPerRoom, ring.length * 2)];
        for (int i = 0; i < size; i++) {
          bigger[i] = ring[(start + i) % ring.length];
        }
        ring = bigger;
        start = 0;
      }
      ring[(start + size) % ring.length] = message;
      size++;
      countReferences(message, 1);
    }

    RoomPosition position() {
      if (size == 0) {
        return new RoomPosition(headSeq, 0, epoch);
      }
      return new RoomPosition(headSeq, ring[start].seq(), epoch);
    }

    ChatMessage at(long seq, long firstSeq) {
      return ring[(int) ((start + (seq - firstSeq)) % ring.length)];
    }
  }
}
