package dev.parley.chat.server.internal;

import dev.parley.chat.spi.EventSink;
import java.time.Duration;
import java.util.Objects;

/**
 * How the server hands its events to a sink, copied from {@code EventOptions}. Immutable and
 * thread-safe.
 *
 * @param sink where events go
 * @param maxOutboxEvents the outbox's bound: at this many waiting events, new ones are dropped (and
 *     counted) until the relay has caught up below it
 * @param batchSize most events the relay publishes at once
 * @param pollInterval how often an idle relay looks for events another node wrote
 * @param leaseTtl how long the relay lease lasts unless renewed; a dead relay's node is replaced
 *     after at most this long
 * @param publishTimeout how long the relay waits for the sink to answer a batch
 * @param retryInitial the first wait after a failed batch, doubled per failure
 * @param retryMax the longest wait after failed batches
 * @param backlogInterval how often the outbox's backlog is measured
 */
public record EventSettings(
    EventSink sink,
    long maxOutboxEvents,
    int batchSize,
    Duration pollInterval,
    Duration leaseTtl,
    Duration publishTimeout,
    Duration retryInitial,
    Duration retryMax,
    Duration backlogInterval) {
  /** Checks that nothing is missing. */
  public EventSettings {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(leaseTtl, "leaseTtl");
    Objects.requireNonNull(publishTimeout, "publishTimeout");
    Objects.requireNonNull(retryInitial, "retryInitial");
    Objects.requireNonNull(retryMax, "retryMax");
    Objects.requireNonNull(backlogInterval, "backlogInterval");
  }
}
