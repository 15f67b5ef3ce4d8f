package dev.parley.chat.cluster.redis.internal;

/**
 * The Lua scripts the bus runs, so that each change of presence or of the lease set happens at
 * once: a node removing another can never interleave with that node writing its presence anew. Keys
 * other than those in {@code KEYS} are derived inside the scripts, so the bus needs one Redis
 * server (or a primary with replicas), not Redis Cluster.
 */
final class RedisScripts {
  private RedisScripts() {}

  /**
   * Announces or withdraws one user, then publishes the event. KEYS: room presence set, node's
   * announced set. ARGV: "1" online or "0" offline, presence entry, announced entry, channel,
   * event.
   */
  static final String PRESENCE =
      """
      if ARGV[1] == '1' then
        redis.call('SADD', KEYS[1], ARGV[2])
        redis.call('SADD', KEYS[2], ARGV[3])
      else
        redis.call('SREM', KEYS[1], ARGV[2])
        redis.call('SREM', KEYS[2], ARGV[3])
      end
      redis.call('PUBLISH', ARGV[4], ARGV[5])
      return 1
      """;

  /**
   * Removes a node's lease and every presence entry it announced. With ARGV[3] "1" only if its
   * lease has run out by ARGV[2] (epoch ms). Returns 1 if the lease was there and removed. KEYS:
   * lease set, node's announced set. ARGV: node, now, "1" or "0", presence key prefix.
   */
  static final String DROP =
      """
      local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
      if ARGV[3] == '1' and ((not score) or tonumber(score) > tonumber(ARGV[2])) then
        return 0
      end
      local removed = redis.call('ZREM', KEYS[1], ARGV[1])
      for _, entry in ipairs(redis.call('SMEMBERS', KEYS[2])) do
        local space = string.find(entry, ' ', 1, true)
        if space then
          local room = string.sub(entry, 1, space - 1)
          local user = string.sub(entry, space + 1)
          redis.call('SREM', ARGV[4] .. room, user .. ' ' .. ARGV[1])
        end
      end
      redis.call('DEL', KEYS[2])
      return removed
      """;

  /**
   * Writes a node's presence anew after its lease went missing, then publishes the event. KEYS:
   * node's announced set. ARGV: presence key prefix, node, channel, event, then room and user
   * pairs.
   */
  static final String REWRITE =
      """
      for i = 5, #ARGV, 2 do
        redis.call('SADD', ARGV[1] .. ARGV[i], ARGV[i + 1] .. ' ' .. ARGV[2])
        redis.call('SADD', KEYS[1], ARGV[i] .. ' ' .. ARGV[i + 1])
      end
      redis.call('PUBLISH', ARGV[3], ARGV[4])
      return 1
      """;

  /**
   * The entries of a room's presence set whose node holds a lease past ARGV[1] (epoch ms). KEYS:
   * room presence set, lease set.
   */
  static final String READ_PRESENCE =
      """
      local live = {}
      for _, entry in ipairs(redis.call('SMEMBERS', KEYS[1])) do
        local space = string.find(entry, ' ', 1, true)
        if space then
          local score = redis.call('ZSCORE', KEYS[2], string.sub(entry, space + 1))
          if score and tonumber(score) > tonumber(ARGV[1]) then
            live[#live + 1] = entry
          end
        end
      end
      return live
      """;
}
