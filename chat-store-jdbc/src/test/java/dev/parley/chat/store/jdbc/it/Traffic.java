package dev.parley.chat.store.jdbc.it;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Continuous sends: one thread per (user, room) sends texts {@code user:room:n} (n = 1, 2, ...),
 * each unique, with at most {@code window} sends of that thread unacknowledged, so the client's
 * outbox never fills up while the server is down. Every send is recorded with its future, and with
 * the server start during which its acknowledgement arrived. Thread-safe.
 */
public final class Traffic implements AutoCloseable {
  /** One send and what became of it. */
  public static final class Sent {
    public final String user;
    public final RoomId room;
    public final String text;
    public final CompletableFuture<SendReceipt> future;

    /** The server start during which the acknowledgement arrived; 0 while unacknowledged. */
    public volatile int ackedInStart;

    Sent(String user, RoomId room, String text, CompletableFuture<SendReceipt> future) {
      this.user = user;
      this.room = room;
      this.text = text;
      this.future = future;
    }

    /** The receipt, or {@code null} if the send is not (or not successfully) acknowledged. */
    public SendReceipt receipt() {
      return future.isDone() && !future.isCompletedExceptionally() ? future.join() : null;
    }
  }

  private final int window;
  private final Duration pause;
  private final List<Thread> threads = new ArrayList<>();
  private final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
  private final AtomicLong acknowledged = new AtomicLong();
  private volatile boolean running = true;
  private volatile int serverStart;

  public Traffic(int window, Duration pause) {
    this.window = window;
    this.pause = pause;
  }

  /** Adds a thread sending as {@code user} to {@code room}; it starts at once. */
  public void send(String user, RoomHandle room) {
    Thread t = new Thread(() -> sendLoop(user, room), "sender-" + user + "-" + room.id().value());
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  /** Tells the traffic which server start acknowledgements come from from now on. */
  public void serverStarted(int start) {
    serverStart = start;
  }

  private void sendLoop(String user, RoomHandle room) {
    Semaphore free = new Semaphore(window);
    long n = 0;
    try {
      while (running) {
        if (!free.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          continue;
        }
        String text = user + ":" + room.id().value() + ":" + ++n;
        CompletableFuture<SendReceipt> future;
        try {
          future = room.send(text);
        } catch (RuntimeException e) {
          future = CompletableFuture.failedFuture(e);
        }
        Sent s = new Sent(user, room.id(), text, future);
        sent.add(s);
        future.whenComplete(
            (receipt, failure) -> {
              if (receipt != null) {
                s.ackedInStart = serverStart;
                acknowledged.incrementAndGet();
              }
              free.release();
            });
        if (!pause.isZero()) {
          // Pacing, part of the traffic being generated: not a wait for a condition.
          Thread.sleep(pause.toMillis());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Acknowledgements received so far. */
  public long acknowledged() {
    return acknowledged.get();
  }

  /** Every send made so far, in no particular order across threads. */
  public List<Sent> all() {
    return new ArrayList<>(sent);
  }

  /** The sends not acknowledged (nor failed) yet. */
  public List<Sent> outstanding() {
    List<Sent> out = new ArrayList<>();
    for (Sent s : sent) {
      if (!s.future.isDone()) {
        out.add(s);
      }
    }
    return out;
  }

  /** Stops making new sends and waits for the sending threads to end. */
  public void stop() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
      if (t.isAlive()) {
        throw new IllegalStateException(t.getName() + " did not stop");
      }
    }
  }

  /** Stops making new sends without waiting. */
  @Override
  public void close() {
    running = false;
  }
}
