package dev.parley.chat.store.jdbc.internal;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.EventCodec;
import dev.parley.chat.spi.ChatEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** The store's SQL, all standard, and the mapping of rows to values. Stateless. */
public final class Sql {
  private Sql() {}

  /** SQLSTATE of a unique-constraint violation (the same on H2 and PostgreSQL). */
  static final String UNIQUE_VIOLATION = "23505";

  static final String MESSAGE_COLUMNS =
      "seq, message_id, sender, client_message_id, sent_at_seconds, sent_at_nanos, body, payload,"
          + " attachments";

  static final String INSERT_ROOM =
      "INSERT INTO parley_room (room_id, epoch, head_seq, kept_from) VALUES (?, ?, 0, 1)";
  static final String SELECT_ROOM =
      "SELECT epoch, head_seq, kept_from FROM parley_room WHERE room_id = ?";
  static final String LOCK_ROOM = SELECT_ROOM + " FOR UPDATE";
  static final String UPDATE_ROOM =
      "UPDATE parley_room SET head_seq = ?, kept_from = ? WHERE room_id = ?";
  static final String INSERT_MESSAGE =
      "INSERT INTO parley_message (room_id, "
          + MESSAGE_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  static final String INSERT_MESSAGE_BLOB =
      "INSERT INTO parley_message_blob (room_id, seq, blob_id) VALUES (?, ?, ?)";
  static final String REFERENCED_BLOBS = "SELECT DISTINCT blob_id FROM parley_message_blob";

  static final String INSERT_EVENT =
      "INSERT INTO parley_event_outbox (added_at_ms, body) VALUES (?, ?)";

  /** Binds an outbox row of {@link #INSERT_EVENT}. */
  static void bindEvent(PreparedStatement insert, ChatEvent event, long addedAtMillis)
      throws SQLException {
    insert.setLong(1, addedAtMillis);
    insert.setBytes(2, EventCodec.encode(event));
  }

  /** The column of the room in {@link #findByClientIds}. */
  static final int ROOM_AFTER_MESSAGE = 10;

  /** Most (sender, client message id) pairs looked up in one query. */
  static final int MAX_KEYS_PER_LOOKUP = 64;

  /**
   * Finds messages, in any room, by {@code keys} (sender, client message id) pairs; the room is the
   * last column ({@link #ROOM_AFTER_MESSAGE}).
   */
  static String findByClientIds(int keys) {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(MESSAGE_COLUMNS)
            .append(", room_id FROM parley_message WHERE (sender, client_message_id) IN (");
    for (int i = 0; i < keys; i++) {
      sql.append(i == 0 ? "(?, ?)" : ", (?, ?)");
    }
    return sql.append(")").toString();
  }

  static final String READ_FORWARD =
      "SELECT "
          + MESSAGE_COLUMNS
          + " FROM parley_message WHERE room_id = ? AND seq >= ? ORDER BY seq"
          + " FETCH FIRST ? ROWS ONLY";
  static final String READ_BACKWARD =
      "SELECT "
          + MESSAGE_COLUMNS
          + " FROM parley_message WHERE room_id = ? AND seq <= ? ORDER BY seq DESC"
          + " FETCH FIRST ? ROWS ONLY";
  static final String DELETE_BELOW = "DELETE FROM parley_message WHERE room_id = ? AND seq < ?";
  static final String EXPIRED_HEADS =
      "SELECT room_id, MAX(seq) FROM parley_message WHERE sent_at_seconds < ? GROUP BY room_id";

  /** The room's row, if it exists. */
  static Optional<RoomRow> selectRoom(Connection c, String sql, RoomId room) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, room.value());
      try (ResultSet r = s.executeQuery()) {
        return r.next()
            ? Optional.of(new RoomRow(r.getLong(1), r.getLong(2), r.getLong(3)))
            : Optional.empty();
      }
    }
  }

  /**
   * Reads the room's row, creating it with a new random epoch first if it is missing. Runs in its
   * own transactions when {@code c} is in auto-commit mode.
   */
  public static RoomRow ensureRoom(Connection c, RoomId room, RandomGenerator random)
      throws SQLException {
    Optional<RoomRow> row = selectRoom(c, SELECT_ROOM, room);
    if (row.isPresent()) {
      return row.get();
    }
    try (PreparedStatement s = c.prepareStatement(INSERT_ROOM)) {
      s.setString(1, room.value());
      s.setLong(2, newEpoch(random));
      s.executeUpdate();
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      // another writer created it first: use theirs
    }
    return selectRoom(c, SELECT_ROOM, room)
        .orElseThrow(() -> new SQLException("room row vanished: " + room));
  }

  static long newEpoch(RandomGenerator random) {
    return 1 + (random.nextLong() >>> 2);
  }

  static void bindMessage(PreparedStatement s, ChatMessage m) throws SQLException {
    s.setString(1, m.room().value());
    s.setLong(2, m.seq());
    s.setString(3, m.id().value());
    s.setString(4, m.sender().value());
    s.setString(5, m.clientMessageId().value());
    s.setLong(6, m.timestamp().getEpochSecond());
    s.setInt(7, m.timestamp().getNano());
    s.setBytes(8, m.text().getBytes(StandardCharsets.UTF_8));
    s.setBytes(9, m.payload());
    s.setString(10, AttachmentColumn.encode(m.attachments()));
  }

  /** Adds to {@code s}'s batch the blobs {@code m} references, each once. */
  static void bindBlobs(PreparedStatement s, ChatMessage m) throws SQLException {
    for (String blob : AttachmentColumn.blobIds(m.attachments())) {
      s.setString(1, m.room().value());
      s.setLong(2, m.seq());
      s.setString(3, blob);
      s.addBatch();
    }
  }

  static ChatMessage message(RoomId room, ResultSet r) throws SQLException {
    return new ChatMessage(
        room,
        r.getLong(1),
        MessageId.of(r.getString(2)),
        UserId.of(r.getString(3)),
        ClientMessageId.of(r.getString(4)),
        Instant.ofEpochSecond(r.getLong(5), r.getInt(6)),
        new String(r.getBytes(7), StandardCharsets.UTF_8),
        r.getBytes(8),
        attachments(r.getString(9)));
  }

  private static List<Attachment> attachments(String column) throws SQLException {
    try {
      return AttachmentColumn.decode(column);
    } catch (IllegalArgumentException e) {
      throw new SQLException(e.getMessage(), e);
    }
  }
}
