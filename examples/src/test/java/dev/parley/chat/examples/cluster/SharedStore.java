package dev.parley.chat.examples.cluster;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.RoomPosition;
import java.util.concurrent.CompletableFuture;

/**
 * One in-memory store for several nodes in this JVM, standing in for the PostgreSQL they share in
 * production. A server closes its store when it stops, and {@link InMemoryMessageStore#close()}
 * forgets every message, so the nodes get this wrapper, whose {@link #close()} does nothing: a
 * drained node must not take the others' history with it. Thread-safe.
 */
final class SharedStore implements MessageStore {
  private final InMemoryMessageStore delegate = new InMemoryMessageStore();

  @Override
  public CompletableFuture<AppendResult> append(AppendRequest request) {
    return delegate.append(request);
  }

  @Override
  public CompletableFuture<HistorySlice> read(
      RoomId room, long fromSeq, ReadDirection direction, int limit) {
    return delegate.read(room, fromSeq, direction, limit);
  }

  @Override
  public CompletableFuture<RoomPosition> position(RoomId room) {
    return delegate.position(room);
  }

  /** The newest seq stored in {@code room}. */
  long headSeq(RoomId room) {
    return delegate.position(room).join().headSeq();
  }

  /** Does nothing: the store outlives the nodes that use it. */
  @Override
  public void close() {}
}
