package dev.parley.chat.benchmarks.load;

import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.spi.EventSink;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * An {@link EventSink} that hands every batch to another sink and counts what came of it: events in
 * batches the other sink confirmed, and batches that failed (their future failed, or {@code
 * publish} threw). The events benchmark wraps the RabbitMQ sink in it to show that the relay really
 * published (broker up) or really kept failing (broker down), without turning the server's metrics
 * on, which would cost the send path something of its own.
 *
 * <p>Thread-safe. Counts are taken on whichever thread completes the other sink's future, before
 * the future this sink returned completes; {@link #close()} closes the other sink.
 */
final class CountingEventSink implements EventSink {
  private final EventSink sink;
  private final LongAdder confirmed = new LongAdder();
  private final LongAdder confirmedBatches = new LongAdder();
  private final LongAdder failedBatches = new LongAdder();

  CountingEventSink(EventSink sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  @Override
  public CompletableFuture<Void> publish(List<ChatEvent> events) {
    int size = events.size();
    CompletableFuture<Void> published;
    try {
      published = sink.publish(events);
    } catch (RuntimeException e) {
      failedBatches.increment();
      throw e;
    }
    return published.whenComplete(
        (v, failure) -> {
          if (failure == null) {
            confirmed.add(size);
            confirmedBatches.increment();
          } else {
            failedBatches.increment();
          }
        });
  }

  /** Events in batches the other sink confirmed so far. */
  long confirmed() {
    return confirmed.sum();
  }

  /** Batches the other sink confirmed so far. */
  long confirmedBatches() {
    return confirmedBatches.sum();
  }

  /** Batches that failed so far. */
  long failedBatches() {
    return failedBatches.sum();
  }

  @Override
  public void close() {
    sink.close();
  }
}
