package dev.parley.chat.store.jdbc;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.EventOutbox;
import dev.parley.chat.spi.MemberAccess;
import dev.parley.chat.spi.RoomAccessStore;
import dev.parley.chat.store.jdbc.internal.JdbcEventOutbox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * A {@link RoomAccessStore} in the message store's database (tables {@code parley_room_access},
 * {@code parley_room_member}, {@code parley_room_restriction}, created by the store's migrations),
 * so every node sharing the database shares every ban, mute, role and visibility. Get it from
 * {@link JdbcMessageStore#roomAccessStore()}; it uses that store's connection pool and is closed
 * with it ({@link #close()} does nothing).
 *
 * <p>Each change is one transaction that first locks the room's row: concurrent changes to one room
 * are serialised, and the last owner check holds across processes. A room's creation and role
 * changes write their events to the message store's event outbox ({@link
 * JdbcMessageStore#outbox()}) in that same transaction. Thread-safe; stages complete on the store's
 * access threads ({@code parley-store-access-*}).
 */
public final class JdbcRoomAccessStore implements RoomAccessStore {
  private final DataSource dataSource;
  private final Executor executor;
  private final JdbcEventOutbox outbox;

  JdbcRoomAccessStore(DataSource dataSource, Executor executor, JdbcEventOutbox outbox) {
    this.dataSource = dataSource;
    this.executor = executor;
    this.outbox = outbox;
  }

  /** One unit of work in a transaction. */
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> CompletionStage<T> transaction(Work<T> work) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
              T result = work.run(c);
              c.commit();
              return result;
            } catch (SQLException | RuntimeException e) {
              c.rollback();
              throw e;
            } finally {
              c.setAutoCommit(auto);
            }
          } catch (SQLException e) {
            throw new JdbcStoreException("room access store: " + e.getMessage(), e);
          }
        },
        executor);
  }

  /** True for the outbox of the message store that made this store: they share one database. */
  @Override
  public boolean addsEventsTo(EventOutbox outbox) {
    return outbox == this.outbox;
  }

  @Override
  public CompletionStage<Boolean> create(RoomId room, RoomVisibility visibility, UserId owner) {
    return create(room, visibility, owner, null);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The events go to {@link JdbcMessageStore#outbox()}, the outbox {@link #addsEventsTo} answers
   * true for.
   */
  @Override
  public CompletionStage<Boolean> create(
      RoomId room, RoomVisibility visibility, UserId owner, ChangeEvents events) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(visibility, "visibility");
    return transaction(
        c -> {
          if (lockRoom(c, room) != null) {
            return false;
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO parley_room_access (room_id, visibility) VALUES (?, ?)")) {
            s.setString(1, room.value());
            s.setString(2, visibility.name());
            s.executeUpdate();
          } catch (SQLException e) {
            if (isDuplicate(e)) {
              c.rollback(); // created by someone else meanwhile
              return false;
            }
            throw e;
          }
          if (owner != null) {
            putRole(c, room, owner, RoomRole.OWNER);
          }
          if (events != null) {
            outbox.insert(c, events.of(null, owner == null ? null : RoomRole.OWNER));
          }
          return true;
        });
  }

  @Override
  public CompletionStage<Optional<MemberAccess>> access(RoomId room, UserId user) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(user, "user");
    return transaction(
        c -> {
          RoomVisibility visibility;
          try (PreparedStatement s =
              c.prepareStatement("SELECT visibility FROM parley_room_access WHERE room_id = ?")) {
            s.setString(1, room.value());
            try (ResultSet r = s.executeQuery()) {
              if (!r.next()) {
                return Optional.empty();
              }
              visibility = RoomVisibility.valueOf(r.getString(1));
            }
          }
          RoomRole role = role(c, room, user);
          Instant bannedUntil = null;
          Instant mutedUntil = null;
          String banReason = "";
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT kind, until_ms, reason FROM parley_room_restriction"
                      + " WHERE room_id = ? AND user_id = ?")) {
            s.setString(1, room.value());
            s.setString(2, user.value());
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                Instant until = Instant.ofEpochMilli(r.getLong(2));
                if (Restriction.BAN.name().equals(r.getString(1))) {
                  bannedUntil = until;
                  banReason = r.getString(3);
                } else {
                  mutedUntil = until;
                }
              }
            }
          }
          return Optional.of(
              new MemberAccess(visibility, role, bannedUntil, banReason, mutedUntil));
        });
  }

  @Override
  public CompletionStage<Boolean> setVisibility(RoomId room, RoomVisibility visibility) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(visibility, "visibility");
    return transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE parley_room_access SET visibility = ? WHERE room_id = ?")) {
            s.setString(1, visibility.name());
            s.setString(2, room.value());
            return s.executeUpdate() > 0;
          }
        });
  }

  @Override
  public CompletionStage<RoleChange> setRole(RoomId room, UserId user, RoomRole role) {
    return setRole(room, user, role, null);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The events go to {@link JdbcMessageStore#outbox()}, the outbox {@link #addsEventsTo} answers
   * true for.
   */
  @Override
  public CompletionStage<RoleChange> setRole(
      RoomId room, UserId user, RoomRole role, ChangeEvents events) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(user, "user");
    return transaction(
        c -> {
          if (lockRoom(c, room) == null) {
            return RoleChange.NO_ROOM;
          }
          RoomRole current = role(c, room, user);
          if (current == RoomRole.OWNER && role != RoomRole.OWNER && owners(c, room) == 1) {
            return RoleChange.LAST_OWNER;
          }
          deleteRole(c, room, user);
          if (role != null) {
            putRole(c, room, user, role);
          }
          if (events != null) {
            outbox.insert(c, events.of(current, role));
          }
          return RoleChange.CHANGED;
        });
  }

  @Override
  public CompletionStage<Boolean> restrict(
      RoomId room, UserId user, Restriction kind, Instant until, String reason) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(until, "until");
    return transaction(
        c -> {
          if (lockRoom(c, room) == null) {
            return false;
          }
          deleteRestriction(c, room, user, kind);
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO parley_room_restriction (room_id, user_id, kind, until_ms, reason)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, room.value());
            s.setString(2, user.value());
            s.setString(3, kind.name());
            s.setLong(4, until.toEpochMilli());
            s.setString(5, reason == null ? "" : reason);
            s.executeUpdate();
          }
          return true;
        });
  }

  @Override
  public CompletionStage<Boolean> lift(RoomId room, UserId user, Restriction kind) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(kind, "kind");
    return transaction(
        c -> lockRoom(c, room) != null && deleteRestriction(c, room, user, kind) > 0);
  }

  /** Nothing: the message store that made this store owns its pool and threads. */
  @Override
  public void close() {}

  /** Locks the room's row; its visibility, or null if the room was not created. */
  private static RoomVisibility lockRoom(Connection c, RoomId room) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT visibility FROM parley_room_access WHERE room_id = ? FOR UPDATE")) {
      s.setString(1, room.value());
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? RoomVisibility.valueOf(r.getString(1)) : null;
      }
    }
  }

  private static RoomRole role(Connection c, RoomId room, UserId user) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT role FROM parley_room_member WHERE room_id = ? AND user_id = ?")) {
      s.setString(1, room.value());
      s.setString(2, user.value());
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? RoomRole.valueOf(r.getString(1)) : null;
      }
    }
  }

  private static long owners(Connection c, RoomId room) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT COUNT(*) FROM parley_room_member WHERE room_id = ? AND role = ?")) {
      s.setString(1, room.value());
      s.setString(2, RoomRole.OWNER.name());
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static void putRole(Connection c, RoomId room, UserId user, RoomRole role)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO parley_room_member (room_id, user_id, role) VALUES (?, ?, ?)")) {
      s.setString(1, room.value());
      s.setString(2, user.value());
      s.setString(3, role.name());
      s.executeUpdate();
    }
  }

  private static void deleteRole(Connection c, RoomId room, UserId user) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("DELETE FROM parley_room_member WHERE room_id = ? AND user_id = ?")) {
      s.setString(1, room.value());
      s.setString(2, user.value());
      s.executeUpdate();
    }
  }

  private static int deleteRestriction(Connection c, RoomId room, UserId user, Restriction kind)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "DELETE FROM parley_room_restriction WHERE room_id = ? AND user_id = ? AND kind = ?")) {
      s.setString(1, room.value());
      s.setString(2, user.value());
      s.setString(3, kind.name());
      return s.executeUpdate();
    }
  }

  /** Whether the failure is a unique constraint violated (SQLSTATE class 23, 23505). */
  private static boolean isDuplicate(SQLException e) {
    return "23505".equals(e.getSQLState());
  }
}
