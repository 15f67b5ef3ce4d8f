package dev.parley.chat.server.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * How the server guards the calls it makes to its dependencies (the message store, the cluster
 * bus): part of the {@link ServerSettings} snapshot. Immutable and thread-safe.
 *
 * @param callTimeout how long one call may take before it counts as failed
 * @param failureRateThreshold percentage of failed calls among the last {@code windowSize} that
 *     opens the breaker
 * @param windowSize how many recent calls the failure rate is computed over (and how many must have
 *     been made before it is)
 * @param openDuration how long an open breaker refuses calls before it lets probes through; also
 *     the retry-after clients are given while it is open
 * @param maxPendingCalls most store calls waiting for an answer at once; more are refused
 * @param reconnectInitial first delay before trying again to start a dependency that was down
 * @param reconnectMax longest delay between such attempts
 */
public record BreakerSettings(
    Duration callTimeout,
    int failureRateThreshold,
    int windowSize,
    Duration openDuration,
    int maxPendingCalls,
    Duration reconnectInitial,
    Duration reconnectMax) {

  /** Checks that nothing is missing. */
  public BreakerSettings {
    Objects.requireNonNull(callTimeout, "callTimeout");
    Objects.requireNonNull(openDuration, "openDuration");
    Objects.requireNonNull(reconnectInitial, "reconnectInitial");
    Objects.requireNonNull(reconnectMax, "reconnectMax");
  }
}
