package dev.parley.chat.examples.cli;

import dev.parley.chat.client.RoomHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Tells a room that this user is typing, at most once per {@link #REFRESH} while keys are pressed,
 * and that they stopped once the line is sent or cleared. Lines that are commands ({@code /join
 * ...}) are not typing. Thread-safe; {@link RoomHandle#typing} never blocks, so it is called on the
 * terminal's input thread.
 */
final class TypingSignal {
  /** The shortest time between two "typing" signals; receivers forget one after 6 seconds. */
  static final Duration REFRESH = Duration.ofSeconds(3);

  private final Clock clock;

  /** The room told "typing", or null. Guarded by {@code this}. */
  private RoomHandle signalled;

  /** When it was last told. Guarded by {@code this}. */
  private Instant signalledAt;

  TypingSignal(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A key was typed; {@code line} is the text typed so far, {@code room} where it will go (null
   * when in no room).
   */
  synchronized void keyTyped(RoomHandle room, String line) {
    boolean command = line.startsWith("/") && !line.startsWith("//");
    if (room == null || command || line.isBlank()) {
      stopped();
      return;
    }
    if (signalled != null && signalled != room) {
      stopped();
    }
    Instant now = clock.instant();
    if (signalled == null || !now.isBefore(signalledAt.plus(REFRESH))) {
      if (room.typing(true)) {
        signalled = room;
        signalledAt = now;
      }
    }
  }

  /** The line was sent or cleared: tells the room, if it was told "typing", that this stopped. */
  synchronized void stopped() {
    if (signalled != null) {
      signalled.typing(false);
      signalled = null;
      signalledAt = null;
    }
  }
}
