package dev.parley.chat.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A set of load connections arranged in rooms of equal size, opened with a bounded number of
 * handshakes in flight. Not thread-safe: the runner drives it from one thread.
 */
final class Fleet {
  /** Tries per connection, the first included. */
  static final int ATTEMPTS = 5;

  private static final long RETRY_PAUSE_MILLIS = 200;

  private final LoadClient client;
  private final int roomSize;
  private final List<LoadConnection> connections = new ArrayList<>();
  private final String roomPrefix;
  private long retries;

  Fleet(LoadClient client, int roomSize, String roomPrefix) {
    this.client = client;
    this.roomSize = roomSize;
    this.roomPrefix = roomPrefix;
  }

  int size() {
    return connections.size();
  }

  /** The connections grouped by room, in room order. */
  List<List<LoadConnection>> rooms() {
    List<List<LoadConnection>> rooms = new ArrayList<>();
    for (int i = 0; i < connections.size(); i += roomSize) {
      rooms.add(connections.subList(i, Math.min(connections.size(), i + roomSize)));
    }
    return rooms;
  }

  /**
   * Opens connections until there are {@code total}, at most {@code inFlight} at a time, and waits
   * for all of them.
   *
   * @return how many failed
   */
  int growTo(int total, int inFlight) throws InterruptedException {
    List<LoadConnection> added = new ArrayList<>();
    for (int i = connections.size(); i < total; i++) {
      LoadConnection c = client.connection(i, roomPrefix + (i / roomSize));
      connections.add(c);
      added.add(c);
    }
    return open(added, inFlight);
  }

  /**
   * Opens (or reopens) the given connections, at most {@code inFlight} at a time, and waits. A
   * connection that fails is tried again, as a real client would, up to {@link #ATTEMPTS} times in
   * all with a growing pause between rounds.
   *
   * @return how many still failed after the last attempt
   */
  int open(List<LoadConnection> which, int inFlight) throws InterruptedException {
    List<LoadConnection> todo = which;
    for (int attempt = 1; ; attempt++) {
      List<LoadConnection> failed = openOnce(todo, inFlight);
      if (failed.isEmpty() || attempt == ATTEMPTS) {
        return failed.size();
      }
      retries += failed.size();
      Thread.sleep(RETRY_PAUSE_MILLIS * attempt);
      todo = failed;
    }
  }

  /** Connections tried again after a failure, over this fleet's life. */
  long retries() {
    return retries;
  }

  private List<LoadConnection> openOnce(List<LoadConnection> which, int inFlight)
      throws InterruptedException {
    Semaphore permits = new Semaphore(inFlight);
    List<CompletableFuture<LoadConnection>> pending = new ArrayList<>();
    for (LoadConnection c : which) {
      permits.acquire();
      CompletableFuture<LoadConnection> ready = client.connect(c);
      ready.whenComplete((ok, failure) -> permits.release());
      pending.add(ready);
    }
    List<LoadConnection> failed = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      try {
        pending.get(i).get(60, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        LoadConnection c = which.get(i);
        c.close();
        failed.add(c);
      }
    }
    return failed;
  }

  /** Closes every connection politely. */
  void closeAll() {
    for (LoadConnection c : connections) {
      c.close();
    }
  }
}
