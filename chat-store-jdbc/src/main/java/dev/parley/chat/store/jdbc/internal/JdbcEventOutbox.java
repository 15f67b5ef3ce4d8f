package dev.parley.chat.store.jdbc.internal;

import dev.parley.chat.protocol.EventCodec;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.spi.EventOutbox;
import dev.parley.chat.store.jdbc.JdbcStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC store's {@link EventOutbox}: table {@code parley_event_outbox}, whose message events the
 * {@link AppendWriter} writes in the append's transaction, and the one-row lease table {@code
 * parley_event_relay_lease}. Lease times are epoch milliseconds by the holder's clock, so the nodes
 * of a cluster need clocks that agree to well within the lease's time to live. Every call runs on
 * the given executor. Thread-safe.
 */
public final class JdbcEventOutbox implements EventOutbox {
  private static final Logger log = LoggerFactory.getLogger(JdbcEventOutbox.class);

  private static final String NEXT =
      "SELECT position, body FROM parley_event_outbox ORDER BY position";
  private static final String DELETE = "DELETE FROM parley_event_outbox WHERE position = ?";
  private static final String BOUNDS =
      "SELECT MIN(position), MAX(position) FROM parley_event_outbox";
  private static final String ADDED_AT =
      "SELECT added_at_ms FROM parley_event_outbox WHERE position = ?";
  private static final String TAKE_LEASE =
      "UPDATE parley_event_relay_lease SET owner = ?, expires_at_ms = ?"
          + " WHERE name = 'relay' AND (owner = ? OR owner = '' OR expires_at_ms <= ?)";
  private static final String RELEASE_LEASE =
      "UPDATE parley_event_relay_lease SET owner = '', expires_at_ms = 0"
          + " WHERE name = 'relay' AND owner = ?";

  private final DataSource dataSource;
  private final Executor executor;
  private final Clock clock;
  private final BooleanSupplier ready;

  /**
   * @param ready whether the schema is in place (the store may still be connecting)
   */
  public JdbcEventOutbox(
      DataSource dataSource, Executor executor, Clock clock, BooleanSupplier ready) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ready = Objects.requireNonNull(ready, "ready");
  }

  @Override
  public CompletableFuture<Void> add(List<ChatEvent> events) {
    List<ChatEvent> copy = List.copyOf(events);
    long now = clock.millis();
    return run(
        "add events to the outbox",
        c ->
            batch(c, Sql.INSERT_EVENT, copy, (insert, event) -> Sql.bindEvent(insert, event, now)));
  }

  /**
   * Inserts {@code events} on {@code c} inside the caller's transaction, which commits or rolls
   * them back with its own change (a room's creation, a role change). Nothing for no events.
   */
  public void insert(Connection c, List<ChatEvent> events) throws SQLException {
    if (events.isEmpty()) {
      return;
    }
    long now = clock.millis();
    try (PreparedStatement insert = c.prepareStatement(Sql.INSERT_EVENT)) {
      for (ChatEvent event : events) {
        Sql.bindEvent(insert, event, now);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  @FunctionalInterface
  private interface Binder<T> {
    void bind(PreparedStatement statement, T item) throws SQLException;
  }

  /** Runs {@code sql} once per item, as one batch in one transaction; nothing for no items. */
  private static <T> Void batch(Connection c, String sql, List<T> items, Binder<T> binder)
      throws SQLException {
    if (items.isEmpty()) {
      return null;
    }
    c.setAutoCommit(false);
    try (PreparedStatement statement = c.prepareStatement(sql)) {
      for (T item : items) {
        binder.bind(statement, item);
        statement.addBatch();
      }
      statement.executeBatch();
      c.commit();
    } catch (SQLException | RuntimeException e) {
      AppendWriter.rollbackQuietly(c, e);
      throw e;
    }
    return null;
  }

  @Override
  public CompletableFuture<List<Entry>> next(int limit) {
    if (limit <= 0) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("limit must be positive, was " + limit));
    }
    return run(
        "read the outbox",
        c -> {
          List<Entry> entries = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(NEXT)) {
            s.setMaxRows(limit);
            s.setFetchSize(Math.min(limit, 500));
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next() && entries.size() < limit) {
                long position = rs.getLong(1);
                ChatEvent event;
                try {
                  event = EventCodec.decode(rs.getBytes(2));
                } catch (IllegalArgumentException e) {
                  // written by this code, so only a damaged row or a newer version's kind: keep it
                  // out of the way, never block the rest behind it
                  log.error(
                      "Outbox row {} cannot be read and is skipped: {}", position, e.getMessage());
                  deleteOne(c, position);
                  continue;
                }
                entries.add(new Entry(position, event));
              }
            }
          }
          return entries;
        });
  }

  private static void deleteOne(Connection c, long position) throws SQLException {
    try (PreparedStatement d = c.prepareStatement(DELETE)) {
      d.setLong(1, position);
      d.executeUpdate();
    }
  }

  @Override
  public CompletableFuture<Void> remove(List<Entry> entries) {
    List<Entry> copy = List.copyOf(entries);
    return run(
        "remove relayed events from the outbox",
        c -> batch(c, DELETE, copy, (delete, entry) -> delete.setLong(1, entry.position())));
  }

  /**
   * The backlog from the lowest and highest position, without counting rows: positions are given in
   * order and removed mostly from the low end, so the span is a close upper bound at any size.
   */
  @Override
  public CompletableFuture<Backlog> backlog() {
    return run(
        "measure the outbox",
        c -> {
          long min;
          long max;
          try (PreparedStatement s = c.prepareStatement(BOUNDS);
              ResultSet rs = s.executeQuery()) {
            rs.next();
            min = rs.getLong(1);
            if (rs.wasNull()) {
              return Backlog.EMPTY;
            }
            max = rs.getLong(2);
          }
          Optional<Instant> oldest = Optional.empty();
          try (PreparedStatement s = c.prepareStatement(ADDED_AT)) {
            s.setLong(1, min);
            try (ResultSet rs = s.executeQuery()) {
              if (rs.next()) {
                oldest = Optional.of(Instant.ofEpochMilli(rs.getLong(1)));
              }
            }
          }
          return new Backlog(max - min + 1, oldest);
        });
  }

  @Override
  public CompletableFuture<Boolean> holdRelayLease(String owner, Duration ttl) {
    Objects.requireNonNull(owner, "owner");
    if (owner.isEmpty() || owner.length() > 128) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("a lease owner has 1 to 128 characters"));
    }
    return run(
        "take the relay lease",
        c -> {
          long now = clock.millis();
          try (PreparedStatement s = c.prepareStatement(TAKE_LEASE)) {
            s.setString(1, owner);
            s.setLong(2, now + ttl.toMillis());
            s.setString(3, owner);
            s.setLong(4, now);
            return s.executeUpdate() == 1;
          }
        });
  }

  @Override
  public CompletableFuture<Void> releaseRelayLease(String owner) {
    return run(
        "release the relay lease",
        c -> {
          try (PreparedStatement s = c.prepareStatement(RELEASE_LEASE)) {
            s.setString(1, owner);
            s.executeUpdate();
          }
          return null;
        });
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> CompletableFuture<T> run(String what, Work<T> work) {
    if (!ready.getAsBoolean()) {
      return CompletableFuture.failedFuture(
          new JdbcStoreException("could not " + what + ": the store is not connected yet", null));
    }
    try {
      return CompletableFuture.supplyAsync(
          () -> {
            try (Connection c = dataSource.getConnection()) {
              return work.run(c);
            } catch (SQLException e) {
              throw new JdbcStoreException(
                  "could not " + what + ": " + AppendWriter.withoutValues(e).getMessage(), e);
            }
          },
          executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new IllegalStateException("the store is closed", e));
    }
  }
}
