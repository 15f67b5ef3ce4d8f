package dev.parley.chat.cluster.redis.internal;

import io.lettuce.core.RedisURI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A bus's settings, checked by the public builder.
 *
 * @param uri where Redis is
 * @param keyPrefix the cluster's key prefix
 * @param leaseTime how long a silent node still counts as live
 * @param clock the time leases are written and read in
 */
public record BusConfig(RedisURI uri, String keyPrefix, Duration leaseTime, Clock clock) {
  /** Checks the fields. */
  public BusConfig {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    Objects.requireNonNull(leaseTime, "leaseTime");
    Objects.requireNonNull(clock, "clock");
  }

  /** How often the lease is renewed and the lease set scanned: a third of the lease time. */
  public Duration renewalPeriod() {
    return leaseTime.dividedBy(3);
  }

  /**
   * Where Redis is, for messages: host and port (or socket), or the Sentinel master's name and the
   * sentinels asked for it; never the password.
   */
  public String where() {
    if (!uri.getSentinels().isEmpty()) {
      return "the primary of "
          + uri.getSentinelMasterId()
          + " per Sentinel "
          + uri.getSentinels().stream()
              .map(s -> s.getHost() + ":" + s.getPort())
              .collect(Collectors.joining(","));
    }
    return uri.getSocket() != null ? uri.getSocket() : uri.getHost() + ":" + uri.getPort();
  }
}
