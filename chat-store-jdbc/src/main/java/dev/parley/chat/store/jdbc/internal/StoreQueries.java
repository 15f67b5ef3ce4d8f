package dev.parley.chat.store.jdbc.internal;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import dev.parley.chat.spi.RoomPosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;

/**
 * History reads and retention sweeps. Each read runs in one repeatable-read transaction, so the
 * room's row and its messages come from the same snapshot and a concurrent trim can never make a
 * slice skip a message silently. Thread-safe (stateless apart from its data source).
 */
public final class StoreQueries {
  private final DataSource dataSource;
  private final RandomGenerator random;

  /** Queries on {@code dataSource}; {@code random} gives new rooms their epochs. */
  public StoreQueries(DataSource dataSource, RandomGenerator random) {
    this.dataSource = dataSource;
    this.random = random;
  }

  /** Seqs {@code lo..hi} a read covers, or {@code null} when it covers none. */
  private record Range(long lo, long hi, boolean hasMore) {}

  private static Range range(RoomRow row, long fromSeq, ReadDirection direction, int limit) {
    long head = row.headSeq();
    long first = row.keptFrom();
    if (head == 0 || first > head) {
      return null;
    }
    if (direction == ReadDirection.FORWARD) {
      long start = Math.max(fromSeq, first);
      if (start > head) {
        return null;
      }
      long end = Math.min(head, start + limit - 1);
      return new Range(start, end, end < head);
    }
    long start = fromSeq == 0 ? head : Math.min(fromSeq, head);
    if (start < first) {
      return null;
    }
    long end = Math.max(first, start - limit + 1);
    return new Range(end, start, end > first);
  }

  /** The slice when {@code cache} holds all of it, judged against {@code row}. */
  public static Optional<HistorySlice> fromCache(
      RoomCache cache, RoomRow row, long fromSeq, ReadDirection direction, int limit) {
    Range r = range(row, fromSeq, direction, limit);
    if (r == null) {
      return Optional.of(new HistorySlice(List.of(), false, row.position()));
    }
    return cache
        .range(r.lo(), r.hi())
        .map(ms -> new HistorySlice(Collections.unmodifiableList(ms), r.hasMore(), row.position()));
  }

  /** Reads a slice from the database (or the cache, once the row is fresh). */
  public HistorySlice read(
      RoomCache cache, RoomId room, long fromSeq, ReadDirection direction, int limit)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setAutoCommit(false);
      try {
        Optional<RoomRow> found = Sql.selectRoom(c, Sql.SELECT_ROOM, room);
        if (found.isEmpty()) {
          // a room never written to: give it its row (and epoch) now; it has no messages
          c.commit();
          c.setAutoCommit(true);
          RoomRow created = Sql.ensureRoom(c, room, random);
          cache.learn(created);
          return new HistorySlice(List.of(), false, created.position());
        }
        RoomRow row = found.get();
        cache.learn(row);
        Optional<HistorySlice> hit = fromCache(cache, row, fromSeq, direction, limit);
        if (hit.isPresent()) {
          c.commit();
          return hit.get();
        }
        Range r = range(row, fromSeq, direction, limit);
        List<ChatMessage> messages = select(c, room, r, direction);
        c.commit();
        long expected = r.hi() - r.lo() + 1;
        if (messages.size() != expected) {
          throw new SQLException(
              "room "
                  + room
                  + " lacks messages "
                  + r.lo()
                  + ".."
                  + r.hi()
                  + " that its row says are kept (found "
                  + messages.size()
                  + ")");
        }
        cache.add(messages);
        return new HistorySlice(
            Collections.unmodifiableList(messages), r.hasMore(), row.position());
      } catch (SQLException | RuntimeException e) {
        AppendWriter.rollbackQuietly(c, e);
        throw e;
      } finally {
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      }
    }
  }

  private static List<ChatMessage> select(
      Connection c, RoomId room, Range r, ReadDirection direction) throws SQLException {
    boolean forward = direction == ReadDirection.FORWARD;
    int count = (int) (r.hi() - r.lo() + 1);
    List<ChatMessage> out = new ArrayList<>(count);
    try (PreparedStatement s = c.prepareStatement(forward ? Sql.READ_FORWARD : Sql.READ_BACKWARD)) {
      s.setString(1, room.value());
      s.setLong(2, forward ? r.lo() : r.hi());
      s.setInt(3, count);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(Sql.message(room, rs));
        }
      }
    }
    if (!forward) {
      Collections.reverse(out);
    }
    return out;
  }

  /**
   * The ids of the blobs that kept messages reference, each once: what attachment retention must
   * keep. Sees every committed append.
   */
  public Set<String> referencedBlobs() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      Set<String> blobs = new HashSet<>();
      try (PreparedStatement s = c.prepareStatement(Sql.REFERENCED_BLOBS);
          ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          blobs.add(rs.getString(1));
        }
      }
      return blobs;
    }
  }

  /** The room's position, creating its row (and epoch) when it has none yet. */
  public RoomPosition position(RoomCache cache, RoomId room) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      RoomRow row = Sql.ensureRoom(c, room, random);
      cache.learn(row);
      return row.position();
    }
  }

  /**
   * Removes messages sent before {@code cutoff}, from each room's oldest end only, and tells {@code
   * trimmed} each room's new row.
   *
   * @return how many messages were removed
   */
  public long trimOlderThan(Instant cutoff, BiConsumer<RoomId, RoomRow> trimmed)
      throws SQLException {
    Map<RoomId, Long> expired = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      try (PreparedStatement s = c.prepareStatement(Sql.EXPIRED_HEADS)) {
        s.setLong(1, cutoff.getEpochSecond());
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            expired.put(RoomId.of(rs.getString(1)), rs.getLong(2));
          }
        }
      }
      long removed = 0;
      for (Map.Entry<RoomId, Long> e : expired.entrySet()) {
        removed += trimRoom(c, e.getKey(), e.getValue() + 1, trimmed);
      }
      return removed;
    }
  }

  private static long trimRoom(
      Connection c, RoomId room, long keepFrom, BiConsumer<RoomId, RoomRow> trimmed)
      throws SQLException {
    c.setAutoCommit(false);
    try {
      Optional<RoomRow> locked = Sql.selectRoom(c, Sql.LOCK_ROOM, room);
      if (locked.isEmpty() || keepFrom <= locked.get().keptFrom()) {
        c.commit();
        return 0;
      }
      RoomRow row = locked.get();
      long newKeptFrom = Math.min(keepFrom, row.headSeq() + 1);
      int removed;
      try (PreparedStatement d = c.prepareStatement(Sql.DELETE_BELOW);
          PreparedStatement u = c.prepareStatement(Sql.UPDATE_ROOM)) {
        d.setString(1, room.value());
        d.setLong(2, newKeptFrom);
        removed = d.executeUpdate();
        u.setLong(1, row.headSeq());
        u.setLong(2, newKeptFrom);
        u.setString(3, room.value());
        u.executeUpdate();
      }
      c.commit();
      trimmed.accept(room, new RoomRow(row.epoch(), row.headSeq(), newKeptFrom));
      return removed;
    } catch (SQLException | RuntimeException e) {
      AppendWriter.rollbackQuietly(c, e);
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }
}
