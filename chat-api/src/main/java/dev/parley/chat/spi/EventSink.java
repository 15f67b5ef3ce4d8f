package dev.parley.chat.spi;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the server's {@link ChatEvent}s go: a message queue (RabbitMQ in {@code
 * chat-events-rabbitmq}) or anything else that takes them off the send path. Sending a chat message
 * never waits for a sink: the server hands events over from its own relay thread, after they
 * happened.
 *
 * <p>Contract (checked by {@code dev.parley.chat.testkit.events.EventSinkConformanceSuite}):
 *
 * <ul>
 *   <li><b>At least once.</b> The future of {@link #publish} completes normally only once every
 *       event of the batch is as durable as the sink promises (for a broker: confirmed). A failed
 *       future means some, none or all of them may have arrived; the caller publishes the same
 *       events again, with the same ids, so consumers must drop repeats by {@link ChatEvent#id()}.
 *   <li><b>In order.</b> A batch arrives in list order, and a batch published after the previous
 *       one's future completed arrives after it. The caller publishes one batch at a time.
 *   <li><b>Fails, does not block.</b> {@code publish} returns at once; a sink that cannot reach its
 *       destination fails the future (after its own timeout), never blocks the calling thread.
 * </ul>
 *
 * <p>Implementations are thread-safe; futures may complete on any thread.
 */
public interface EventSink extends AutoCloseable {
  /** Publishes {@code events}, in order; completes when all are durably accepted. */
  CompletableFuture<Void> publish(List<ChatEvent> events);

  /** Releases the sink's connections and threads; later publishes fail. */
  @Override
  void close();
}
