package dev.parley.chat.client.internal;

import java.time.Duration;

/**
 * Liveness of one connection, measured in inbound silence. Once nothing has arrived for one
 * interval the session sends a Ping (once per quiet spell); once nothing has arrived for two
 * intervals the connection is considered dead. Times are milliseconds from the injected clock. Not
 * thread-safe: guarded by the session's lock.
 */
final class Heartbeat {
  /** What the session should do at a check. */
  enum Action {
    /** The connection is alive and not quiet yet. */
    NOTHING,
    /** Quiet for an interval: send a Ping. */
    PING,
    /** Silent for two intervals: drop the connection. */
    DEAD
  }

  private final long intervalMillis;
  private long lastInboundMillis;
  private boolean pinged;

  Heartbeat(Duration interval, long nowMillis) {
    this.intervalMillis = Math.max(1, interval.toMillis());
    this.lastInboundMillis = nowMillis;
  }

  /** Something arrived from the server. */
  void inbound(long nowMillis) {
    lastInboundMillis = nowMillis;
    pinged = false;
  }

  Action check(long nowMillis) {
    long silence = nowMillis - lastInboundMillis;
    if (silence >= 2 * intervalMillis) {
      return Action.DEAD;
    }
    if (silence >= intervalMillis && !pinged) {
      pinged = true;
      return Action.PING;
    }
    return Action.NOTHING;
  }

  /** Milliseconds until the next check is due: when the quiet or the dead threshold is reached. */
  long nextCheckDelayMillis(long nowMillis) {
    long silence = Math.max(0, nowMillis - lastInboundMillis);
    long next = silence < intervalMillis ? intervalMillis - silence : 2 * intervalMillis - silence;
    return Math.max(1, next);
  }

  /** Milliseconds of silence after which the connection is dead. */
  long deadAfterMillis() {
    return 2 * intervalMillis;
  }
}
