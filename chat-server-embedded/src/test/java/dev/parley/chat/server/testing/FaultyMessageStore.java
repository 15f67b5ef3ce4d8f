package dev.parley.chat.server.testing;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.RoomPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A store in front of a real one that fails or hangs on demand, as a database that went away or
 * stopped answering would. {@link #fail()}: every call fails at once; {@link #hang()}: every call
 * waits, unanswered; {@link #heal()}: calls go through again, and the ones that waited go on to the
 * real store in the order they were made (a database that was only slow). Thread-safe.
 */
public final class FaultyMessageStore implements MessageStore {
  private enum Mode {
    HEALTHY,
    FAILING,
    HANGING
  }

  private final MessageStore store;
  private final AtomicInteger calls = new AtomicInteger();
  private final List<Runnable> waiting = new ArrayList<>();
  private Mode mode = Mode.HEALTHY;

  public FaultyMessageStore(MessageStore store) {
    this.store = store;
  }

  /** From now on, every call fails at once. */
  public synchronized void fail() {
    mode = Mode.FAILING;
  }

  /** From now on, every call waits until {@link #heal()}. */
  public synchronized void hang() {
    mode = Mode.HANGING;
  }

  /** Calls go through again; the ones that waited go to the real store, oldest first. */
  public void heal() {
    List<Runnable> release;
    synchronized (this) {
      mode = Mode.HEALTHY;
      release = new ArrayList<>(waiting);
      waiting.clear();
    }
    release.forEach(Runnable::run);
  }

  /** Calls that reached this store so far. */
  public int calls() {
    return calls.get();
  }

  /** Calls waiting now (while hanging). */
  public synchronized int waiting() {
    return waiting.size();
  }

  private <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> real) {
    calls.incrementAndGet();
    synchronized (this) {
      switch (mode) {
        case FAILING -> {
          return CompletableFuture.failedFuture(
              new IllegalStateException("the database is unreachable"));
        }
        case HANGING -> {
          CompletableFuture<T> later = new CompletableFuture<>();
          waiting.add(
              () ->
                  real.get()
                      .whenComplete(
                          (value, failure) -> {
                            if (failure == null) {
                              later.complete(value);
                            } else {
                              later.completeExceptionally(failure);
                            }
                          }));
          return later;
        }
        case HEALTHY -> {
          // below
        }
      }
    }
    return real.get();
  }

  @Override
  public CompletableFuture<AppendResult> append(AppendRequest request) {
    return call(() -> store.append(request));
  }

  @Override
  public CompletableFuture<HistorySlice> read(
      RoomId room, long fromSeq, ReadDirection direction, int limit) {
    return call(() -> store.read(room, fromSeq, direction, limit));
  }

  @Override
  public CompletableFuture<RoomPosition> position(RoomId room) {
    return call(() -> store.position(room));
  }

  @Override
  public CompletableFuture<Set<String>> referencedBlobs() {
    return call(store::referencedBlobs);
  }

  @Override
  public void close() {
    store.close();
  }
}
