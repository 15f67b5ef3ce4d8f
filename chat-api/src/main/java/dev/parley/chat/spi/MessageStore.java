package dev.parley.chat.spi;

import dev.parley.chat.api.RoomId;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where messages live. The store is the authority on each room's order: it assigns sequence numbers
 * and enforces idempotency, so any number of server nodes sharing one store agree.
 *
 * <p>Contract (checked by {@code MessageStoreConformanceSuite} in {@code chat-testkit}):
 *
 * <ul>
 *   <li>{@link #append} gives a room's messages seqs 1, 2, 3... with no gap and no repeat, even
 *       under concurrent appends; the returned future completes only once the message is as durable
 *       as the store promises.
 *   <li>Appends to one room made one after another by one thread get increasing seqs in that order
 *       (the server appends each session's sends in the order they arrived).
 *   <li>A failed append is never overtaken by its sender: once an append fails, every later append
 *       of the same sender to the same room that was made before the failure was reported (before
 *       the failed future completed) fails too, and none of them is stored; their futures fail in
 *       the order the appends were made. So a sender that resends what failed, in order and with
 *       the same client message ids, has its messages stored in the order it made them. (A store
 *       that loses its database connection in the middle of a batch must not store that sender's
 *       later appends on a new connection ahead of the failed one.) Appends of other senders, and
 *       of this sender to other rooms, are not affected. Appends made after the failure was
 *       reported are stored as usual: holding a connection's later sends behind the failed one's
 *       resend is the server's job.
 *   <li>An append with a (sender, client message id) already stored, in any room, returns the
 *       stored message with {@code duplicate = true} and stores nothing (the caller sees from the
 *       message's room whether the id was reused in another room).
 *   <li>Reads see every append whose future has completed.
 * </ul>
 *
 * <p>Implementations are thread-safe. Methods must not block the caller for I/O: return a future
 * and complete it from the store's own threads. Futures may complete on any thread; callers do not
 * run long work in their continuations.
 */
public interface MessageStore extends AutoCloseable {
  /** Stores a message, assigning its seq, or finds the one it duplicates. */
  CompletableFuture<AppendResult> append(AppendRequest request);

  /**
   * Reads up to {@code limit} messages of a room. {@code FORWARD} reads seqs {@code >= fromSeq}
   * upward; {@code BACKWARD} reads seqs {@code <= fromSeq} downward ({@code fromSeq = 0} means from
   * the newest). The slice's messages are always in ascending seq order.
   */
  CompletableFuture<HistorySlice> read(
      RoomId room, long fromSeq, ReadDirection direction, int limit);

  /** The room's current head and oldest kept seq, without reading messages. */
  CompletableFuture<RoomPosition> position(RoomId room);

  /**
   * The ids of every blob that a kept message references, as attachment or thumbnail ({@link
   * dev.parley.chat.api.Attachment#id()}, {@link dev.parley.chat.api.Attachment#thumbnailId()}):
   * what attachment retention must not delete. A message removed from the store (trimmed by
   * retention, or deleted) no longer counts. Reads see every append whose future has completed.
   *
   * <p>The default fails with {@link UnsupportedOperationException}: a store that cannot answer
   * turns attachment retention off (the server logs it), and nothing is deleted.
   */
  default CompletableFuture<Set<String>> referencedBlobs() {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(
            getClass().getName() + " does not report the blobs its messages reference"));
  }

  /**
   * The store's transactional outbox for events ({@link EventOutbox}), if it keeps one: then it
   * writes a stored message's event in the append's transaction whenever the request has {@link
   * AppendRequest#deliveredLive()}. Empty by default: the server then keeps events in memory, after
   * the append completed, and a crash loses those not yet relayed.
   */
  default Optional<EventOutbox> outbox() {
    return Optional.empty();
  }

  /**
   * The error a store gives for {@link #read} arguments outside the contract ({@code limit} not
   * positive, {@code fromSeq} negative), if any; for implementations.
   */
  static Optional<IllegalArgumentException> checkRead(long fromSeq, int limit) {
    if (limit <= 0) {
      return Optional.of(new IllegalArgumentException("limit must be positive, was " + limit));
    }
    if (fromSeq < 0) {
      return Optional.of(
          new IllegalArgumentException("fromSeq must not be negative, was " + fromSeq));
    }
    return Optional.empty();
  }

  /** Releases the store's resources. */
  @Override
  void close();

  /** Which way {@link #read} scans. */
  enum ReadDirection {
    /** Toward older messages. */
    BACKWARD,
    /** Toward newer messages. */
    FORWARD
  }
}
