package dev.parley.chat.cluster.redis;

/**
 * A {@link RedisClusterBus} could not join its cluster: Redis was unreachable or did not answer
 * when the bus started. Once started, the bus never throws for an outage; it reports it through
 * {@link RedisClusterBus#isHealthy()}.
 */
public final class RedisClusterBusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with {@code message}, caused by {@code cause}. */
  public RedisClusterBusException(String message, Throwable cause) {
    super(message + ": " + cause.getMessage(), cause);
  }
}
