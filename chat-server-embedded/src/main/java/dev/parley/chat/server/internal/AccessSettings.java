package dev.parley.chat.server.internal;

import dev.parley.chat.spi.RoomAccessStore;
import java.time.Duration;
import java.util.Objects;

/**
 * How the server keeps rooms' access state: where, and how long a node trusts what it read. Part of
 * {@link ServerSettings}; immutable and thread-safe.
 *
 * @param store the application's access store, or {@code null} for an in-memory one the server
 *     creates
 * @param cacheTtl how long a read of a user's access in a room is used before it is read again
 *     (what a change made on another node waits for, at most, before it takes effect here)
 * @param cacheMaxEntries most (room, user) entries the cache holds
 */
public record AccessSettings(RoomAccessStore store, Duration cacheTtl, int cacheMaxEntries) {
  /** Checks the values. */
  public AccessSettings {
    Objects.requireNonNull(cacheTtl, "cacheTtl");
    if (cacheTtl.isNegative() || cacheTtl.isZero() || cacheMaxEntries < 1) {
      throw new IllegalArgumentException("cacheTtl and cacheMaxEntries must be positive");
    }
  }
}
