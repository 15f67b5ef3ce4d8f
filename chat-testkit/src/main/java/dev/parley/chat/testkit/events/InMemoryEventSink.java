package dev.parley.chat.testkit.events;

import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.spi.EventSink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link EventSink} that keeps what it is given in a list, for tests: {@link #received()} is
 * everything that arrived, in arrival order, repeats included. It can be made to fail like a sink
 * whose broker went away: {@link #cutAfter(int)} lets a number of events more arrive and fails
 * every publish from there on (the batch that crossed the line arrives in part), until {@link
 * #restore()}.
 *
 * <p>Thread-safe. {@link #publish} completes its future before it returns, on the calling thread;
 * it never blocks.
 */
public final class InMemoryEventSink implements EventSink {
  private final List<ChatEvent> received = new ArrayList<>();
  private int allowance = Integer.MAX_VALUE;
  private boolean closed;

  /** A sink that accepts everything until cut or closed. */
  public InMemoryEventSink() {}

  @Override
  public CompletableFuture<Void> publish(List<ChatEvent> events) {
    List<ChatEvent> batch = List.copyOf(Objects.requireNonNull(events, "events"));
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("the sink is closed"));
      }
      for (ChatEvent event : batch) {
        if (allowance == 0) {
          return CompletableFuture.failedFuture(
              new IOException("the destination is cut (" + received.size() + " events arrived)"));
        }
        if (allowance != Integer.MAX_VALUE) {
          allowance--;
        }
        received.add(event);
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Everything that arrived so far, in arrival order, repeats included; a copy. */
  public synchronized List<ChatEvent> received() {
    return List.copyOf(received);
  }

  /**
   * Cuts the destination after {@code events} more events: they arrive, and every publish fails
   * from then on, until {@link #restore()}. {@code cutAfter(0)} cuts at once.
   */
  public synchronized void cutAfter(int events) {
    if (events < 0) {
      throw new IllegalArgumentException("events must be 0 or more, was " + events);
    }
    allowance = events;
  }

  /** Accepts events again after {@link #cutAfter(int)}. */
  public synchronized void restore() {
    allowance = Integer.MAX_VALUE;
  }

  /** Makes later publishes fail; idempotent. What arrived stays readable. */
  @Override
  public synchronized void close() {
    closed = true;
  }
}
