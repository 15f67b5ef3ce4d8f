package dev.parley.chat.transport.jws.internal;

import dev.parley.chat.spi.ServerTransportConfig;

/**
 * Decides, for one socket at one instant, what the transport's timer does with it. A pure function
 * of the socket's timestamps (nanoseconds from one ticker), so it is tested without sockets or
 * sleeps. Immutable and thread-safe.
 *
 * <ul>
 *   <li>Not upgraded {@code handshakeTimeout} after accept: {@link Action#EXPIRE_HANDSHAKE}.
 *   <li>Upgrade under way but not finished after twice that: {@link Action#DROP_STUCK}.
 *   <li>Open and silent (nothing received) for {@code pingInterval}, not yet pinged since it went
 *       silent: {@link Action#PING}.
 *   <li>Open and silent for two intervals: {@link Action#DROP_SILENT}.
 *   <li>Closing for two intervals without finishing (a peer that stopped reading keeps the close
 *       frame from being flushed): {@link Action#DROP_STUCK}.
 *   <li>This side's close frame written and the peer's not arrived {@link #closeTimeoutNanos()}
 *       later: {@link Action#DROP_UNANSWERED_CLOSE}.
 * </ul>
 *
 * @param handshakeTimeoutNanos see {@link ServerTransportConfig#handshakeTimeout()}
 * @param pingIntervalNanos see {@link ServerTransportConfig#pingInterval()}
 */
record LivenessPolicy(long handshakeTimeoutNanos, long pingIntervalNanos) {

  /** Where a socket is in its life, as far as timing goes. */
  enum Phase {
    /** Accepted; the upgrade request has not been accepted yet. */
    AWAITING_UPGRADE,
    /** The upgrade request was accepted and the answer is being prepared. */
    UPGRADING,
    /** Upgraded, and no close has started. */
    OPEN,
    /** A close started (by either side) but the socket is not closed yet. */
    CLOSING,
    /** This side's close frame is written; the peer's answer is awaited. */
    CLOSE_SENT
  }

  /** What to do with the socket now. */
  enum Action {
    NONE,
    PING,
    EXPIRE_HANDSHAKE,
    DROP_SILENT,
    DROP_STUCK,
    DROP_UNANSWERED_CLOSE
  }

  /** The longest this side waits for the peer to answer its close frame. */
  static final long MAX_CLOSE_TIMEOUT_NANOS = 1_000_000_000L;

  /** Validates the durations. */
  LivenessPolicy {
    if (handshakeTimeoutNanos <= 0 || pingIntervalNanos <= 0) {
      throw new IllegalArgumentException(
          "durations must be positive, were "
              + handshakeTimeoutNanos
              + " and "
              + pingIntervalNanos
              + " ns");
    }
  }

  /** The policy for a transport's config. */
  static LivenessPolicy of(ServerTransportConfig config) {
    return new LivenessPolicy(config.handshakeTimeout().toNanos(), config.pingInterval().toNanos());
  }

  /**
   * How long this side waits for the peer's close frame once its own is written: min(2 ping
   * intervals, {@value #MAX_CLOSE_TIMEOUT_NANOS} ns), the grace a shutdown gives every close.
   */
  long closeTimeoutNanos() {
    return Math.min(MAX_CLOSE_TIMEOUT_NANOS, 2 * pingIntervalNanos);
  }

  /** How often the timer should look: a quarter of the shortest duration, at least 1 ms. */
  long sweepPeriodNanos() {
    long shortest =
        Math.min(Math.min(handshakeTimeoutNanos, pingIntervalNanos), closeTimeoutNanos());
    return Math.max(1_000_000L, shortest / 4);
  }

  /**
   * Decides for one socket.
   *
   * @param now the current time
   * @param acceptedAt when the socket was accepted
   * @param lastReceivedAt when bytes last arrived (the accept time if none did)
   * @param pingedSinceReceive whether a ping went out after {@code lastReceivedAt}
   * @param closingSince when the close started in {@link Phase#CLOSING}, when this side's close
   *     frame was written in {@link Phase#CLOSE_SENT}; read in those phases only
   */
  Action decide(
      Phase phase,
      long now,
      long acceptedAt,
      long lastReceivedAt,
      boolean pingedSinceReceive,
      long closingSince) {
    return switch (phase) {
      case AWAITING_UPGRADE ->
          now - acceptedAt >= handshakeTimeoutNanos ? Action.EXPIRE_HANDSHAKE : Action.NONE;
      case UPGRADING ->
          now - acceptedAt >= 2 * handshakeTimeoutNanos ? Action.DROP_STUCK : Action.NONE;
      case OPEN -> {
        long silence = now - lastReceivedAt;
        if (silence >= 2 * pingIntervalNanos) {
          yield Action.DROP_SILENT;
        }
        yield silence >= pingIntervalNanos && !pingedSinceReceive ? Action.PING : Action.NONE;
      }
      case CLOSING -> now - closingSince >= 2 * pingIntervalNanos ? Action.DROP_STUCK : Action.NONE;
      case CLOSE_SENT ->
          now - closingSince >= closeTimeoutNanos() ? Action.DROP_UNANSWERED_CLOSE : Action.NONE;
    };
  }
}
