/**
 * A {@link dev.parley.chat.spi.ClusterBus} on Redis, for server nodes in several processes: see
 * {@link dev.parley.chat.cluster.redis.RedisClusterBus}.
 */
package dev.parley.chat.cluster.redis;
