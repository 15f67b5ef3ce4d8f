package dev.parley.chat.examples.notify;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.ChatEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The worker's tables and the SQL on them, in plain SQL that H2 and PostgreSQL both accept. Each
 * method that changes state runs on a connection whose transaction the caller owns.
 *
 * <p>Stateless apart from its settings, and thread-safe.
 */
final class NotificationStore {
  /** The tables, created if missing. */
  static final List<String> SCHEMA =
      List.of(
          "CREATE TABLE IF NOT EXISTS notify_seen_events ("
              + " event_id VARCHAR(256) NOT NULL PRIMARY KEY,"
              + " seen_at BIGINT NOT NULL)",
          "CREATE INDEX IF NOT EXISTS notify_seen_events_at ON notify_seen_events (seen_at)",
          "CREATE TABLE IF NOT EXISTS notify_members ("
              + " room_id VARCHAR(128) NOT NULL,"
              + " user_id VARCHAR(64) NOT NULL,"
              + " member BOOLEAN NOT NULL,"
              + " changed_at BIGINT NOT NULL,"
              + " PRIMARY KEY (room_id, user_id))",
          "CREATE TABLE IF NOT EXISTS notify_windows ("
              + " user_id VARCHAR(64) NOT NULL,"
              + " room_id VARCHAR(128) NOT NULL,"
              + " window_start BIGINT NOT NULL,"
              + " window_end BIGINT NOT NULL,"
              + " message_count BIGINT NOT NULL,"
              + " first_seq BIGINT NOT NULL,"
              + " last_seq BIGINT NOT NULL,"
              + " PRIMARY KEY (user_id, room_id))",
          "CREATE TABLE IF NOT EXISTS notifications ("
              + " id VARCHAR(64) NOT NULL PRIMARY KEY,"
              + " user_id VARCHAR(64) NOT NULL,"
              + " room_id VARCHAR(128) NOT NULL,"
              + " window_start BIGINT NOT NULL,"
              + " window_end BIGINT NOT NULL,"
              + " message_count BIGINT NOT NULL,"
              + " first_seq BIGINT NOT NULL,"
              + " last_seq BIGINT NOT NULL,"
              + " created_at BIGINT NOT NULL,"
              + " delivered_at BIGINT,"
              + " CONSTRAINT notifications_window UNIQUE (user_id, room_id, window_start))",
          "CREATE INDEX IF NOT EXISTS notifications_undelivered ON notifications (delivered_at)");

  private final Duration window;

  NotificationStore(Duration window) {
    this.window = window;
  }

  /** Creates the tables that are missing. */
  static void createTables(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      for (String sql : SCHEMA) {
        s.execute(sql);
      }
    }
  }

  /**
   * Records {@code eventId} as seen; false if it was seen before. On false the transaction may be
   * unusable (PostgreSQL) and must be rolled back.
   */
  boolean markSeen(Connection c, String eventId, long nowMs) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("INSERT INTO notify_seen_events (event_id, seen_at) VALUES (?, ?)")) {
      s.setString(1, eventId);
      s.setLong(2, nowMs);
      s.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Records that {@code user} joined ({@code member} true) or left a room at {@code atMs}, unless a
   * later change of the same membership was recorded already (a redelivered, older event).
   */
  void changeMembership(Connection c, RoomId room, UserId user, boolean member, long atMs)
      throws SQLException {
    Long changedAt = null;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT changed_at FROM notify_members WHERE room_id = ? AND user_id = ? FOR UPDATE")) {
      s.setString(1, room.value());
      s.setString(2, user.value());
      try (ResultSet r = s.executeQuery()) {
        if (r.next()) {
          changedAt = r.getLong(1);
        }
      }
    }
    if (changedAt == null) {
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO notify_members (room_id, user_id, member, changed_at)"
                  + " VALUES (?, ?, ?, ?)")) {
        s.setString(1, room.value());
        s.setString(2, user.value());
        s.setBoolean(3, member);
        s.setLong(4, atMs);
        s.executeUpdate();
      }
    } else if (atMs >= changedAt) {
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE notify_members SET member = ?, changed_at = ?"
                  + " WHERE room_id = ? AND user_id = ?")) {
        s.setBoolean(1, member);
        s.setLong(2, atMs);
        s.setString(3, room.value());
        s.setString(4, user.value());
        s.executeUpdate();
      }
    }
  }

  /**
   * The users a stored message notifies: the room's members, less who got it live and its sender.
   */
  Set<UserId> recipients(Connection c, ChatEvent.MessageStored m) throws SQLException {
    Set<UserId> members = new TreeSet<>();
    if (m.roomId().isDirect()) {
      String[] two = m.roomId().value().substring(RoomId.DIRECT_PREFIX.length()).split(":", -1);
      for (String user : two) {
        try {
          UserId id = UserId.of(user);
          if (m.roomId().isDirectMember(id)) {
            members.add(id);
          }
        } catch (IllegalArgumentException malformed) {
          // not a well-formed direct room: nobody to notify
        }
      }
    } else {
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT user_id FROM notify_members WHERE room_id = ? AND member = TRUE")) {
        s.setString(1, m.roomId().value());
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            members.add(UserId.of(r.getString(1)));
          }
        }
      }
    }
    members.removeAll(new HashSet<>(m.deliveredLive()));
    members.remove(m.sender());
    return members;
  }

  /**
   * Counts message {@code m} into {@code user}'s open window of its room, or opens a window at the
   * message's time. A window that has ended by the message's time is closed first (its notification
   * written). Returns the notifications written.
   */
  int addToWindow(Connection c, UserId user, ChatEvent.MessageStored m, long nowMs)
      throws SQLException {
    long atMs = m.at().toEpochMilli();
    OpenWindow open = null;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT window_start, window_end, message_count, first_seq, last_seq"
                + " FROM notify_windows WHERE user_id = ? AND room_id = ? FOR UPDATE")) {
      s.setString(1, user.value());
      s.setString(2, m.roomId().value());
      try (ResultSet r = s.executeQuery()) {
        if (r.next()) {
          open =
              new OpenWindow(
                  user,
                  m.roomId(),
                  r.getLong(1),
                  r.getLong(2),
                  r.getLong(3),
                  r.getLong(4),
                  r.getLong(5));
        }
      }
    }
    if (open != null && atMs < open.end()) {
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE notify_windows SET message_count = message_count + 1,"
                  + " first_seq = ?, last_seq = ? WHERE user_id = ? AND room_id = ?")) {
        s.setLong(1, Math.min(open.firstSeq(), m.seq()));
        s.setLong(2, Math.max(open.lastSeq(), m.seq()));
        s.setString(3, user.value());
        s.setString(4, m.roomId().value());
        s.executeUpdate();
      }
      return 0;
    }
    int written = open == null ? 0 : close(c, open, nowMs);
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO notify_windows (user_id, room_id, window_start, window_end,"
                + " message_count, first_seq, last_seq) VALUES (?, ?, ?, ?, 1, ?, ?)")) {
      s.setString(1, user.value());
      s.setString(2, m.roomId().value());
      s.setLong(3, atMs);
      s.setLong(4, atMs + window.toMillis());
      s.setLong(5, m.seq());
      s.setLong(6, m.seq());
      s.executeUpdate();
    }
    return written;
  }

  /** Closes every window that has ended by {@code nowMs}; returns the notifications written. */
  int closeDueWindows(Connection c, long nowMs) throws SQLException {
    List<OpenWindow> due = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT user_id, room_id, window_start, window_end, message_count, first_seq, last_seq"
                + " FROM notify_windows WHERE window_end <= ? FOR UPDATE")) {
      s.setLong(1, nowMs);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          due.add(
              new OpenWindow(
                  UserId.of(r.getString(1)),
                  RoomId.of(r.getString(2)),
                  r.getLong(3),
                  r.getLong(4),
                  r.getLong(5),
                  r.getLong(6),
                  r.getLong(7)));
        }
      }
    }
    int written = 0;
    for (OpenWindow w : due) {
      written += close(c, w, nowMs);
    }
    return written;
  }

  /**
   * Deletes the window and writes its notification, once: the delete must find the row, and the
   * notifications table's unique key (user, room, window start) backs it up.
   */
  private int close(Connection c, OpenWindow w, long nowMs) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "DELETE FROM notify_windows WHERE user_id = ? AND room_id = ? AND window_start = ?")) {
      s.setString(1, w.user().value());
      s.setString(2, w.room().value());
      s.setLong(3, w.start());
      if (s.executeUpdate() != 1) {
        return 0;
      }
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO notifications (id, user_id, room_id, window_start, window_end,"
                + " message_count, first_seq, last_seq, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, notificationId(w.user(), w.room(), w.start()));
      s.setString(2, w.user().value());
      s.setString(3, w.room().value());
      s.setLong(4, w.start());
      s.setLong(5, w.end());
      s.setLong(6, w.count());
      s.setLong(7, w.firstSeq());
      s.setLong(8, w.lastSeq());
      s.setLong(9, nowMs);
      s.executeUpdate();
    }
    return 1;
  }

  /** Notifications not yet delivered, oldest first, at most {@code limit}. */
  List<Notification> undelivered(Connection c, int limit) throws SQLException {
    List<Notification> list = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT id, user_id, room_id, message_count, first_seq, last_seq, window_start,"
                + " window_end FROM notifications WHERE delivered_at IS NULL"
                + " ORDER BY created_at, id")) {
      s.setMaxRows(limit);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          list.add(
              new Notification(
                  r.getString(1),
                  UserId.of(r.getString(2)),
                  RoomId.of(r.getString(3)),
                  r.getLong(4),
                  r.getLong(5),
                  r.getLong(6),
                  Instant.ofEpochMilli(r.getLong(7)),
                  Instant.ofEpochMilli(r.getLong(8))));
        }
      }
    }
    return list;
  }

  /** Marks a notification delivered (once; a second mark changes nothing). */
  void markDelivered(Connection c, String id, long nowMs) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE notifications SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL")) {
      s.setLong(1, nowMs);
      s.setString(2, id);
      s.executeUpdate();
    }
  }

  /** Forgets event ids and delivered notifications older than {@code beforeMs}. */
  void prune(Connection c, long beforeMs) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("DELETE FROM notify_seen_events WHERE seen_at < ?")) {
      s.setLong(1, beforeMs);
      s.executeUpdate();
    }
    try (PreparedStatement s =
        c.prepareStatement("DELETE FROM notifications WHERE delivered_at < ?")) {
      s.setLong(1, beforeMs);
      s.executeUpdate();
    }
  }

  /** The stable id of a window's notification: a name-based UUID of user, room and start. */
  static String notificationId(UserId user, RoomId room, long windowStartMs) {
    String name = user.value() + "\n" + room.value() + "\n" + windowStartMs;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** A window as stored. */
  record OpenWindow(
      UserId user, RoomId room, long start, long end, long count, long firstSeq, long lastSeq) {}
}
