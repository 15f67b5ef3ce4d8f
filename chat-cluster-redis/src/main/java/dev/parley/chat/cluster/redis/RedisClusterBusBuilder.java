package dev.parley.chat.cluster.redis;

import dev.parley.chat.cluster.redis.internal.BusConfig;
import dev.parley.chat.cluster.redis.internal.BusMetrics;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Configures a {@link RedisClusterBus}. Only {@link #uri} is required.
 *
 * <p>Not thread-safe: configure it on one thread, then call {@link #build()}.
 */
public final class RedisClusterBusBuilder {
  /** Default key prefix: nodes with the same prefix on the same Redis form one cluster. */
  public static final String DEFAULT_KEY_PREFIX = "parley";

  /** Default lease time. */
  public static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(10);

  /** Shortest lease time accepted: a lease is renewed every third of it. */
  public static final Duration MIN_LEASE_TIME = Duration.ofMillis(300);

  private static final Pattern KEY_PREFIX = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  private RedisURI uri;
  private String keyPrefix = DEFAULT_KEY_PREFIX;
  private Duration leaseTime = DEFAULT_LEASE_TIME;
  private Clock clock = Clock.systemUTC();
  // Object, not MeterRegistry: the builder must load and run without Micrometer.
  private Object meterRegistry = BusMetrics.GLOBAL_REGISTRY;

  RedisClusterBusBuilder() {}

  /**
   * Where Redis is, as a Redis URI: {@code redis://[[user:]password@]host[:port][/database]}, or
   * {@code rediss://...} for TLS. Required. One Redis server, or a primary with replicas watched by
   * Redis Sentinel: {@code
   * redis-sentinel://[password@]sentinel1[:port][,sentinel2[:port]...][/database]#masterName} (port
   * 26379 by default). With Sentinel the bus asks the sentinels for the current primary whenever it
   * connects, so after a failover it reconnects to the promoted replica by itself. Redis Cluster is
   * not supported.
   *
   * @throws IllegalArgumentException if {@code uri} is not a Redis URI, or a Sentinel URI without a
   *     master name
   */
  public RedisClusterBusBuilder uri(String uri) {
    Objects.requireNonNull(uri, "uri");
    try {
      this.uri = RedisURI.create(uri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "uri must be a Redis URI such as redis://127.0.0.1:6379 (one server) or"
              + " redis-sentinel://127.0.0.1:26379/0#mymaster (Sentinel), was '"
              + redact(uri)
              + "': "
              + e.getMessage(),
          e);
    }
    return this;
  }

  /** Same as {@link #uri(String)}. */
  public RedisClusterBusBuilder uri(URI uri) {
    Objects.requireNonNull(uri, "uri");
    return uri(uri.toString());
  }

  /**
   * The prefix of every Redis key and of the channel the bus uses: 1 to 100 ASCII letters, digits,
   * {@code .}, {@code _}, {@code :} or {@code -}. Nodes with the same prefix on the same Redis form
   * one cluster; different prefixes keep clusters apart. Default {@value #DEFAULT_KEY_PREFIX}.
   */
  public RedisClusterBusBuilder keyPrefix(String keyPrefix) {
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    if (!KEY_PREFIX.matcher(keyPrefix).matches()) {
      throw new IllegalArgumentException(
          "keyPrefix must be 1 to 100 ASCII letters, digits, '.', '_', ':' or '-', was '"
              + keyPrefix
              + "'");
    }
    this.keyPrefix = keyPrefix;
    return this;
  }

  /**
   * How long a node that stopped renewing its lease still counts as live; the lease is renewed, and
   * the other nodes' leases checked, every third of it. A node that crashed is dropped by the
   * others within about {@code leaseTime * 4 / 3}. At least {@link #MIN_LEASE_TIME}; default 10
   * seconds ({@link #DEFAULT_LEASE_TIME}).
   */
  public RedisClusterBusBuilder leaseTime(Duration leaseTime) {
    Objects.requireNonNull(leaseTime, "leaseTime");
    if (leaseTime.compareTo(MIN_LEASE_TIME) < 0) {
      throw new IllegalArgumentException(
          "leaseTime must be at least " + MIN_LEASE_TIME + ", was " + leaseTime);
    }
    this.leaseTime = leaseTime;
    return this;
  }

  /**
   * The clock lease expiry times are written and checked in (epoch milliseconds). All nodes of a
   * cluster compare each other's expiry times with their own clock, so their clocks must agree to
   * well within a renewal period. Default: the system clock in UTC.
   */
  public RedisClusterBusBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * Where the bus records its meters (publish latency, events waiting, lease state; the list is in
   * {@code docs/metrics.md}). Micrometer ({@code io.micrometer:micrometer-core}) is optional: call
   * this only with Micrometer on the class path. Default: Micrometer's {@code
   * Metrics.globalRegistry} when Micrometer is on the class path, nothing when it is not. {@code
   * null} records nothing.
   */
  // An application that calls this reads micrometer.core itself (it made the registry).
  @SuppressWarnings("exports")
  public RedisClusterBusBuilder meterRegistry(MeterRegistry registry) {
    this.meterRegistry = registry;
    return this;
  }

  /**
   * A bus with these settings. It connects only when the server {@linkplain RedisClusterBus#start
   * starts} it.
   *
   * @throws IllegalStateException if no {@link #uri} was set
   */
  public RedisClusterBus build() {
    if (uri == null) {
      throw new IllegalStateException("set where Redis is: uri(\"redis://host:6379\")");
    }
    return new RedisClusterBus(new BusConfig(uri, keyPrefix, leaseTime, clock), meterRegistry);
  }

  private static String redact(String uri) {
    return uri.replaceAll("//[^@/]*@", "//***@");
  }
}
