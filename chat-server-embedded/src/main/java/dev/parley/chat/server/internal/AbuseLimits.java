package dev.parley.chat.server.internal;

import dev.parley.chat.spi.OriginPolicy;
import java.util.Objects;

/**
 * The limits that keep one user, one address or one web page from taking more than its share of a
 * server, as {@link dev.parley.chat.server.ChatServerBuilder} validated them. Immutable and
 * thread-safe.
 *
 * @param sends sends per user, over all of the user's connections to this node
 * @param joins joins per user (not the rejoins of a resuming Connect), over all connections
 * @param historyReads history reads per user, over all connections
 * @param maxConnectionsPerUser connections one user may have open at once on this node
 * @param maxRoomsPerUser distinct rooms one user may be in at once, over all of the user's sessions
 * @param maxTokenBytes largest Connect token, in UTF-8 bytes
 * @param maxConnectionsPerAddress sockets one remote IP address may have open at once
 * @param originPolicy which browser pages may open a WebSocket
 */
public record AbuseLimits(
    Rate sends,
    Rate joins,
    Rate historyReads,
    int maxConnectionsPerUser,
    int maxRoomsPerUser,
    int maxTokenBytes,
    int maxConnectionsPerAddress,
    OriginPolicy originPolicy) {

  /** Checks that nothing is missing. */
  public AbuseLimits {
    Objects.requireNonNull(sends, "sends");
    Objects.requireNonNull(joins, "joins");
    Objects.requireNonNull(historyReads, "historyReads");
    Objects.requireNonNull(originPolicy, "originPolicy");
  }

  /**
   * A token bucket's size: {@code perSecond} sustained, up to {@code burst} at once.
   *
   * @param perSecond tokens added a second, at least 1
   * @param burst most tokens saved up, at least {@code perSecond}
   */
  public record Rate(int perSecond, int burst) {
    /** Checks the numbers. */
    public Rate {
      if (perSecond < 1 || burst < perSecond) {
        throw new IllegalArgumentException(
            "a rate needs perSecond >= 1 and burst >= perSecond, was " + perSecond + ", " + burst);
      }
    }

    @Override
    public String toString() {
      return perSecond + "/s, bursts of " + burst;
    }
  }
}
