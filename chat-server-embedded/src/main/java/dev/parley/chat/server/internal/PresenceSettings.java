package dev.parley.chat.server.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * How presence changes reach a room's members: gathered over {@code window} and sent as one frame
 * per member (zero: at once, one change at a time), and from which number of online users a room is
 * large, so that its members get the online count instead of names, and no typing or read receipts.
 * Immutable.
 *
 * @param window how long a room gathers presence changes before announcing them; zero for at once
 * @param largeRoomThreshold a room with more online users than this is large
 */
public record PresenceSettings(Duration window, int largeRoomThreshold) {
  /** Checks the values. */
  public PresenceSettings {
    Objects.requireNonNull(window, "window");
    if (window.isNegative() || largeRoomThreshold < 1) {
      throw new IllegalArgumentException(
          "window must not be negative and largeRoomThreshold must be positive");
    }
  }
}
