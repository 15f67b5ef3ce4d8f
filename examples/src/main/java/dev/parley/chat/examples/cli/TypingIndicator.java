package dev.parley.chat.examples.cli;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who is typing in which room, as the server reported it. A typing signal that is not refreshed
 * within {@link #EXPIRY} is forgotten, as docs/protocol.md asks of clients, so a member whose
 * "stopped" signal was lost does not look busy forever. Thread-safe: the client's callback thread
 * records, the terminal's threads read.
 */
final class TypingIndicator {
  /** How long a typing signal counts without a refresh; senders refresh every few seconds. */
  static final Duration EXPIRY = Duration.ofSeconds(6);

  private final Clock clock;

  /** Per room, who typed and when their last signal came. Guarded by {@code this}. */
  private final Map<RoomId, Map<UserId, Instant>> typing = new HashMap<>();

  TypingIndicator(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Records a typing signal: {@code active} true while {@code user} types in {@code room}. */
  synchronized void update(RoomId room, UserId user, boolean active) {
    if (active) {
      typing.computeIfAbsent(room, r -> new HashMap<>()).put(user, clock.instant());
    } else {
      forget(room, user);
    }
  }

  /** Forgets {@code user}'s typing in {@code room}: their message arrived, or they left. */
  synchronized void forget(RoomId room, UserId user) {
    Map<UserId, Instant> users = typing.get(room);
    if (users != null) {
      users.remove(user);
      if (users.isEmpty()) {
        typing.remove(room);
      }
    }
  }

  /**
   * A short description for {@code room}: empty when nobody types, else {@code "alice is typing"},
   * {@code "alice and bob are typing"} or {@code "alice, bob and 3 more are typing"}.
   */
  synchronized String describe(RoomId room) {
    Map<UserId, Instant> users = typing.get(room);
    if (room == null || users == null) {
      return "";
    }
    Instant oldestCounted = clock.instant().minus(EXPIRY);
    users.values().removeIf(at -> at.isBefore(oldestCounted));
    List<String> names = users.keySet().stream().map(UserId::value).sorted().toList();
    return switch (names.size()) {
      case 0 -> "";
      case 1 -> names.get(0) + " is typing";
      case 2 -> names.get(0) + " and " + names.get(1) + " are typing";
      default ->
          names.get(0) + ", " + names.get(1) + " and " + (names.size() - 2) + " more are typing";
    };
  }
}
