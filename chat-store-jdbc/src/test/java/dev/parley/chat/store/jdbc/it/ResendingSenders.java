package dev.parley.chat.store.jdbc.it;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.OutgoingMessage;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Continuous sends that never give up on a message: one thread per (user, room) sends texts {@code
 * user:room:n} (n = 1, 2, ...) one at a time, each with its own client message id; a send whose
 * future fails (the client gave up after its own retries, as it does while the database fails over)
 * goes out again with the same client message id until it is acknowledged, before the next one. So
 * each sender's acknowledged messages are 1..n in order, and the store must hold each of them
 * exactly once. Records when each send was first made and when it was acknowledged. Thread-safe.
 */
public final class ResendingSenders implements AutoCloseable {
  /** One acknowledged send. */
  public record Acked(
      String user,
      RoomId room,
      long n,
      String text,
      SendReceipt receipt,
      long firstSentNanos,
      long ackedNanos,
      int attempts) {}

  private final List<Thread> threads = new ArrayList<>();
  private final ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
  private final AtomicLong refusals = new AtomicLong();
  private final ConcurrentLinkedQueue<String> abandoned = new ConcurrentLinkedQueue<>();
  private volatile boolean running = true;

  /** Adds a thread sending as {@code user} to {@code room}; it starts at once. */
  public void send(String user, RoomHandle room) {
    Thread t = new Thread(() -> loop(user, room), "sender-" + user + "-" + room.id().value());
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private void loop(String user, RoomHandle room) {
    long n = 0;
    while (running) {
      n++;
      String text = user + ":" + room.id().value() + ":" + n;
      OutgoingMessage message =
          OutgoingMessage.builder()
              .text(text)
              .clientMessageId(ClientMessageId.of(user + "-" + room.id().value() + "-" + n))
              .build();
      long first = System.nanoTime();
      int attempts = 0;
      SendReceipt receipt = null;
      // a message is resent until acknowledged, even after the traffic was told to stop
      while (receipt == null) {
        attempts++;
        try {
          receipt = room.send(message).get(120, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
          refusals.incrementAndGet();
          if (attempts > 50) {
            abandoned.add(text + " after " + attempts + " attempts: " + e);
            return;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      acked.add(new Acked(user, room.id(), n, text, receipt, first, System.nanoTime(), attempts));
    }
  }

  /** The acknowledged sends so far. */
  public List<Acked> acked() {
    return new ArrayList<>(acked);
  }

  /** How many acknowledged sends. */
  public int ackedCount() {
    return acked.size();
  }

  /** The sends given up on (each ends its sender): none in a run that went well. */
  public List<String> abandoned() {
    return new ArrayList<>(abandoned);
  }

  /**
   * Checks that nothing was given up on and that every sender had a send acknowledged that it first
   * made after {@code nanos}; adds what is wrong to {@code problems}.
   */
  public void checkEverySenderGotThrough(long nanos, List<String> problems) {
    for (String a : abandoned) {
      problems.add("gave up on " + a);
    }
    for (Thread t : threads) {
      String name = t.getName().substring("sender-".length());
      boolean through =
          acked.stream()
              .anyMatch(
                  a ->
                      (a.user() + "-" + a.room().value()).equals(name)
                          && a.firstSentNanos() > nanos);
      if (!through) {
        problems.add(name + " had no send acknowledged that it made after the failure");
      }
    }
  }

  /** How many times a send's future failed (each then went out again). */
  public long refusals() {
    return refusals.get();
  }

  /** Stops making new sends, and waits until the last ones are acknowledged. */
  public void stop() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(150));
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
