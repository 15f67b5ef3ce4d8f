package dev.parley.chat.cluster.redis.internal;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import java.nio.charset.StandardCharsets;

/**
 * The Redis keys of one cluster, all under its prefix {@code p}:
 *
 * <ul>
 *   <li>{@code p:events}: the pub/sub channel every event goes through;
 *   <li>{@code p:nodes}: sorted set, node id to lease expiry (epoch milliseconds);
 *   <li>{@code p:presence:<room>}: set of {@code "<user> <node>"}, who is online in the room where;
 *   <li>{@code p:announced:<node>}: set of {@code "<room> <user>"}, what the node announced, so
 *       whoever removes the node finds its presence entries.
 * </ul>
 *
 * <p>A space separates the parts of an entry: room and user ids cannot contain one. Immutable and
 * thread-safe.
 */
public final class RedisKeys {
  private final String prefix;
  private final byte[] channel;
  private final byte[] nodes;

  /** The keys of the cluster under {@code prefix}. */
  public RedisKeys(String prefix) {
    this.prefix = prefix;
    this.channel = bytes(prefix + ":events");
    this.nodes = bytes(prefix + ":nodes");
  }

  /** The pub/sub channel. */
  public byte[] channel() {
    return channel.clone();
  }

  /** The lease set. */
  public byte[] nodes() {
    return nodes.clone();
  }

  /** What every room's presence key starts with; the room id follows. */
  public byte[] presencePrefix() {
    return bytes(prefix + ":presence:");
  }

  /** Who is online in {@code room}, on which node. */
  public byte[] presence(RoomId room) {
    return bytes(prefix + ":presence:" + room.value());
  }

  /** What {@code node} announced. */
  public byte[] announced(String node) {
    return bytes(prefix + ":announced:" + node);
  }

  /** The entry of {@code user} on {@code node} in a room's presence set. */
  public static byte[] presenceEntry(UserId user, String node) {
    return bytes(user.value() + " " + node);
  }

  /** The entry of {@code user} in {@code room} in a node's announced set. */
  public static byte[] announcedEntry(RoomId room, UserId user) {
    return bytes(room.value() + " " + user.value());
  }

  /** UTF-8 bytes of {@code s}. */
  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The string of UTF-8 {@code bytes}. */
  public static String string(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
