package dev.parley.chat.testkit.store;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import dev.parley.chat.spi.EventOutbox;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.RoomPosition;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One store for several server nodes in one JVM (tests, benchmarks, demos of a cluster), for code
 * that closes each node's store with the node: a node that stops must not close the store the
 * others still use. (A server itself never closes a store it was given.) This forwards every call
 * to the store it wraps, except {@link #close()}, which does nothing; {@link #closeShared()} closes
 * the wrapped store once every node has stopped.
 *
 * <p>Thread-safe if the wrapped store is; futures complete wherever the wrapped store completes
 * them.
 */
public final class SharedMessageStore implements MessageStore {
  private final MessageStore store;

  /** Shares {@code store}. */
  public SharedMessageStore(MessageStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  public CompletableFuture<AppendResult> append(AppendRequest request) {
    return store.append(request);
  }

  @Override
  public CompletableFuture<HistorySlice> read(
      RoomId room, long fromSeq, ReadDirection direction, int limit) {
    return store.read(room, fromSeq, direction, limit);
  }

  @Override
  public CompletableFuture<RoomPosition> position(RoomId room) {
    return store.position(room);
  }

  @Override
  public CompletableFuture<Set<String>> referencedBlobs() {
    return store.referencedBlobs();
  }

  /**
   * The wrapped store's outbox: the nodes share it, and its relay lease, as they share a database.
   */
  @Override
  public Optional<EventOutbox> outbox() {
    return store.outbox();
  }

  /** Does nothing: the nodes sharing this store stop one by one. */
  @Override
  public void close() {}

  /** Closes the wrapped store. */
  public void closeShared() {
    store.close();
  }
}
