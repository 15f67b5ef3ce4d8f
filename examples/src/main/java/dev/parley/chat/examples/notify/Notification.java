package dev.parley.chat.examples.notify;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import java.time.Instant;
import java.util.Objects;

/**
 * One notification: a member of a room was offline for {@code count} messages of it, seqs {@code
 * firstSeq} to {@code lastSeq}, within one coalescing window.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the notification's id, the same on every delivery attempt (a webhook's {@code
 *     Idempotency-Key}); derived from user, room and window start
 * @param user who to notify
 * @param room the room the messages were sent to
 * @param count how many messages the window holds
 * @param firstSeq the lowest seq among them
 * @param lastSeq the highest seq among them
 * @param windowStart when the window opened: the time of its first message
 * @param windowEnd when the window closed
 */
public record Notification(
    String id,
    UserId user,
    RoomId room,
    long count,
    long firstSeq,
    long lastSeq,
    Instant windowStart,
    Instant windowEnd) {

  /** Checks the fields. */
  public Notification {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(windowStart, "windowStart");
    Objects.requireNonNull(windowEnd, "windowEnd");
    if (count < 1 || firstSeq < 1 || lastSeq < firstSeq) {
      throw new IllegalArgumentException(
          "count " + count + " and seqs " + firstSeq + ".." + lastSeq + " do not make a window");
    }
  }

  /**
   * The notification as one line of JSON, the body a {@link WebhookNotifier} posts: {@code
   * {"id":...,"user":...,"room":...,"count":20,"firstSeq":1,"lastSeq":20,
   * "windowStart":"2026-12-06T08:00:00Z","windowEnd":...}}.
   */
  public String toJson() {
    return "{\"id\":"
        + quote(id)
        + ",\"user\":"
        + quote(user.value())
        + ",\"room\":"
        + quote(room.value())
        + ",\"count\":"
        + count
        + ",\"firstSeq\":"
        + firstSeq
        + ",\"lastSeq\":"
        + lastSeq
        + ",\"windowStart\":"
        + quote(windowStart.toString())
        + ",\"windowEnd\":"
        + quote(windowEnd.toString())
        + "}";
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
