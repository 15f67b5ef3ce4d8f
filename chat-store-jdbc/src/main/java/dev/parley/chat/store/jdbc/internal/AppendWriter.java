package dev.parley.chat.store.jdbc.internal;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.store.jdbc.JdbcStoreException;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits appends: each writer thread owns a queue and a share of the rooms (by hash), takes the
 * appends waiting in its queue, as many as are there up to the batch limit, and commits them in one
 * transaction (group commit). A room's appends are committed by one thread in arrival order, so
 * each sender's messages keep the order it sent them in. Inside it, each room's row is locked
 * ({@code SELECT ... FOR UPDATE}, rooms in name order so two writers never deadlock), seqs continue
 * from the row's head, duplicates are found by (sender, client message id), and the row's head
 * moves on: seqs are given in commit order, with no gap, by any number of writers and processes.
 * Futures complete after the commit, on the completion executor (in commit order when it is
 * single-threaded), so the writer can start the next transaction while callers act on the last.
 *
 * <p>If a batch fails, each of its appends is retried in a transaction of its own, so one bad
 * append does not fail the other senders' appends. A failed append is never overtaken by its
 * sender: once an append fails, every later append of the same sender to the same room made before
 * that failure was reported (its future completed) fails too, unstored, so a resend of the failed
 * one still lands before them. Without this, a database connection lost mid-batch failed the first
 * appends and stored the later ones on a fresh connection, ahead of the resends. Thread-safe.
 */
public final class AppendWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AppendWriter.class);

  /** Told of each room's newly committed messages and row, on the writer thread. */
  public interface CommitListener {
    /** Called after a commit that touched {@code room}. */
    void committed(RoomId room, List<ChatMessage> added, RoomRow row);
  }

  private record Pending(
      AppendRequest request, CompletableFuture<AppendResult> future, long ticket) {
    RoomSender key() {
      return new RoomSender(request.room(), request.sender());
    }
  }

  private record RoomSender(RoomId room, UserId sender) {}

  /**
   * A sender's failed append in a room: appends of that sender to that room with a ticket after
   * {@code from} fail unstored while a failure they follow has not been reported yet, and after
   * that as long as their ticket is below {@code until} (they were made before the report). Each
   * append it fails is a failure too, which keeps it up until that one is reported: a sender's
   * append made after hearing of the first failure but before hearing of the later ones must not
   * overtake those.
   */
  private static final class Fence {
    final long from;
    final AtomicInteger unreported = new AtomicInteger();
    volatile long until;

    Fence(long from) {
      this.from = from;
    }

    boolean covers(long ticket) {
      return ticket > from && (unreported.get() > 0 || ticket < until);
    }

    boolean closed() {
      return unreported.get() == 0;
    }
  }

  /** Fences kept at most; older closed ones are dropped (their appends have long been taken). */
  private static final int MAX_FENCES = 10_000;

  /** Numbers appends in the order they were made. */
  private final AtomicLong tickets = new AtomicLong();

  private final Map<RoomSender, Fence> fences = new ConcurrentHashMap<>();

  private record SenderKey(UserId sender, ClientMessageId clientMessageId) {}

  private record Outcome(Pending pending, AppendResult result) {}

  private record RoomChange(RoomId room, List<ChatMessage> added, RoomRow row) {}

  private final DataSource dataSource;
  private final String transactionSetup;
  private final int maxBatch;
  private final long maxMessagesPerRoom;
  private final RandomGenerator random;
  private final CommitListener listener;
  private final Predicate<RoomId> knownRooms;
  private final Executor completions;
  private final List<BlockingQueue<Pending>> queues = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final StoreMetrics metrics;
  private volatile boolean closing;

  /**
   * Starts {@code writers} threads.
   *
   * @param transactionSetup a statement run at the start of every transaction, or {@code null}
   * @param maxMessagesPerRoom count retention applied in each transaction, 0 for none
   * @param knownRooms whether a room's row is known to exist (rows are never deleted), so the
   *     writer need not create it
   * @param metrics where transactions, batch sizes, failures and the queue depth are recorded
   */
  public AppendWriter(
      DataSource dataSource,
      String transactionSetup,
      int writers,
      int maxBatch,
      int maxPending,
      long maxMessagesPerRoom,
      RandomGenerator random,
      CommitListener listener,
      Predicate<RoomId> knownRooms,
      Executor completions,
      StoreMetrics metrics) {
    this.metrics = metrics;
    this.knownRooms = knownRooms;
    this.completions = completions;
    this.dataSource = dataSource;
    this.transactionSetup = transactionSetup;
    this.maxBatch = maxBatch;
    this.maxMessagesPerRoom = maxMessagesPerRoom;
    this.random = random;
    this.listener = listener;
    int perQueue = Math.max(1, maxPending / writers);
    for (int i = 0; i < writers; i++) {
      BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(perQueue);
      queues.add(queue);
      Thread t = new Thread(() -> run(queue), "parley-store-writer-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    metrics.bindQueueDepth(this::waiting);
  }

  /** Appends waiting for a writer, over all queues. */
  private int waiting() {
    int waiting = 0;
    for (BlockingQueue<Pending> queue : queues) {
      waiting += queue.size();
    }
    return waiting;
  }

  /** Queues an append; the future fails at once if the queue is full or the writer closed. */
  public CompletableFuture<AppendResult> append(AppendRequest request) {
    CompletableFuture<AppendResult> future = new CompletableFuture<>();
    BlockingQueue<Pending> queue =
        queues.get(Math.floorMod(request.room().hashCode(), queues.size()));
    Pending pending = new Pending(request, future, tickets.incrementAndGet());
    if (closing) {
      future.completeExceptionally(new IllegalStateException("the message store is closed"));
    } else if (!queue.offer(pending)) {
      metrics.appendFailed(StoreMetrics.Failure.QUEUE_FULL);
      future.completeExceptionally(
          new RejectedExecutionException(
              "the message store has " + queue.size() + " appends waiting; try again"));
    } else if (closing && queue.remove(pending)) {
      // closed while queuing: the writer may already have stopped
      future.completeExceptionally(new IllegalStateException("the message store is closed"));
    }
    return future;
  }

  private void run(BlockingQueue<Pending> queue) {
    List<Pending> batch = new ArrayList<>(maxBatch);
    while (true) {
      Pending first;
      try {
        first = queue.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (first == null) {
        if (closing) {
          return;
        }
        continue;
      }
      batch.add(first);
      queue.drainTo(batch, maxBatch - 1);
      commit(batch);
      batch.clear();
    }
  }

  private void commit(List<Pending> batch) {
    batch.removeIf(this::failIfFenced);
    if (batch.isEmpty()) {
      return;
    }
    long start = metrics.start();
    try {
      Result result = transaction(batch);
      // recorded before any caller hears of the commit, so a caller that waited for its appends
      // finds them counted
      metrics.transaction(batch.size(), start, true);
      finish(result);
    } catch (SQLException | RuntimeException e) {
      metrics.transaction(batch.size(), start, false);
      if (batch.size() > 1) {
        log.debug(
            "A batch of {} appends failed; retrying each alone: {}",
            batch.size(),
            withoutValues(e).toString());
      }
      for (Pending p : batch) {
        if (!failIfFenced(p)) {
          commitAlone(p, batch.size() == 1 ? e : null);
        }
      }
    }
  }

  /**
   * Commits one append in its own transaction. A unique-key conflict means another transaction
   * stored the same client message id (in another room) at the same time: once that one has
   * committed, the next try finds it, so conflicts are tried again a few times.
   */
  private void commitAlone(Pending p, Exception first) {
    Exception last = first;
    for (int attempt = first == null ? 0 : 1; attempt < MAX_ATTEMPTS_ALONE; attempt++) {
      if (last != null && !isUniqueViolation(last)) {
        break;
      }
      long start = metrics.start();
      try {
        Result result = transaction(List.of(p));
        metrics.transaction(1, start, true);
        finish(result);
        return;
      } catch (SQLException | RuntimeException e) {
        metrics.transaction(1, start, false);
        last = e;
      }
    }
    fail(p, last);
  }

  private static final int MAX_ATTEMPTS_ALONE = 4;

  private static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        for (SQLException n = sql; n != null; n = n.getNextException()) {
          if (Sql.UNIQUE_VIOLATION.equals(n.getSQLState())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * The failure without the rows' values: a JDBC batch failure lists every row it held, and a
   * database's detail lines may quote the failing row, message text included. What is left is the
   * first line of the database's own error and its SQLSTATE, which say what went wrong.
   */
  static SQLException withoutValues(Exception e) {
    Throwable cause = e;
    if (e instanceof BatchUpdateException batch && batch.getNextException() != null) {
      cause = batch.getNextException();
    }
    String message = String.valueOf(cause.getMessage());
    int newline = message.indexOf('\n');
    String firstLine = newline < 0 ? message : message.substring(0, newline);
    String state = cause instanceof SQLException sql ? sql.getSQLState() : null;
    return new SQLException(cause.getClass().getSimpleName() + ": " + firstLine.strip(), state);
  }

  private void fail(Pending p, Exception failure) {
    SQLException e = withoutValues(failure);
    metrics.appendFailed(StoreMetrics.Failure.DATABASE);
    log.warn("Append to room {} failed: {}", p.request().room(), e.toString());
    Fence fence = new Fence(p.ticket());
    if (fences.size() >= MAX_FENCES) {
      fences.values().removeIf(Fence::closed);
    }
    fences.put(p.key(), fence);
    failBehind(
        fence, p, new JdbcStoreException("could not store the message: " + e.getMessage(), e));
  }

  /** Fails {@code p}, keeping {@code fence} up until the caller has heard of it. */
  private void failBehind(Fence fence, Pending p, JdbcStoreException failure) {
    fence.unreported.incrementAndGet();
    completions.execute(
        () -> {
          try {
            p.future().completeExceptionally(failure);
          } finally {
            // appends made from now on come after the caller heard of this failure
            fence.until = Math.max(fence.until, tickets.get() + 1);
            fence.unreported.decrementAndGet();
          }
        });
  }

  /**
   * Fails {@code p} unstored if an earlier append of its sender to its room failed and {@code p}
   * was made before that failure was reported; drops a fence that no longer covers anything.
   */
  private boolean failIfFenced(Pending p) {
    RoomSender key = p.key();
    Fence fence = fences.get(key);
    if (fence == null) {
      return false;
    }
    if (fence.covers(p.ticket())) {
      metrics.appendFailed(StoreMetrics.Failure.FENCED);
      failBehind(
          fence,
          p,
          new JdbcStoreException(
              "could not store the message: an earlier message of "
                  + key.sender()
                  + " to "
                  + key.room()
                  + " failed, and this one may not overtake it; resend both in order",
              null));
      return true;
    }
    if (fence.closed() && p.ticket() >= fence.until) {
      fences.remove(key, fence);
    }
    return false;
  }

  private void finish(Result result) {
    // the cache learns before any caller hears of the commit, so a read that follows an
    // acknowledgement finds the message
    for (RoomChange change : result.changes()) {
      try {
        listener.committed(change.room(), change.added(), change.row());
      } catch (RuntimeException e) {
        log.error("Commit listener failed for room {}", change.room(), e);
      }
    }
    completions.execute(
        () -> {
          for (Outcome o : result.outcomes()) {
            o.pending().future().complete(o.result());
          }
        });
  }

  private record Result(List<Outcome> outcomes, List<RoomChange> changes) {}

  private Result transaction(List<Pending> batch) throws SQLException {
    Map<RoomId, List<Pending>> byRoom = new TreeMap<>(Comparator.comparing(RoomId::value));
    for (Pending p : batch) {
      byRoom.computeIfAbsent(p.request().room(), r -> new ArrayList<>()).add(p);
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      for (RoomId room : byRoom.keySet()) {
        if (!knownRooms.test(room)) {
          Sql.ensureRoom(c, room, random);
        }
      }
      c.setAutoCommit(false);
      try {
        if (transactionSetup != null) {
          try (Statement s = c.createStatement()) {
            s.execute(transactionSetup);
          }
        }
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        List<RoomChange> changes = new ArrayList<>(byRoom.size());
        try (PreparedStatement insert = c.prepareStatement(Sql.INSERT_MESSAGE);
            PreparedStatement blobs = c.prepareStatement(Sql.INSERT_MESSAGE_BLOB);
            PreparedStatement events =
                anyEvents(batch) ? c.prepareStatement(Sql.INSERT_EVENT) : null;
            PreparedStatement update = c.prepareStatement(Sql.UPDATE_ROOM)) {
          Inserts inserts = new Inserts(insert, blobs, events);
          // lock every room of the batch (in name order), then look up all its keys at once: no
          // other transaction can store one of them in these rooms until this one ends
          Map<RoomId, RoomRow> rows = new HashMap<>();
          for (RoomId room : byRoom.keySet()) {
            rows.put(
                room,
                Sql.selectRoom(c, Sql.LOCK_ROOM, room)
                    .orElseThrow(() -> new SQLException("room row missing: " + room)));
          }
          Map<SenderKey, ChatMessage> known = findStored(c, batch);
          for (Map.Entry<RoomId, List<Pending>> e : byRoom.entrySet()) {
            RoomId room = e.getKey();
            changes.add(
                appendToRoom(
                    c, room, rows.get(room), e.getValue(), known, inserts, update, outcomes));
          }
          inserts.execute();
        }
        c.commit();
        return new Result(outcomes, changes);
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    }
  }

  /** Whether an append of {@code batch} asks for its event. */
  private static boolean anyEvents(List<Pending> batch) {
    for (Pending p : batch) {
      if (p.request().deliveredLive() != null) {
        return true;
      }
    }
    return false;
  }

  private RoomChange appendToRoom(
      Connection c,
      RoomId room,
      RoomRow row,
      List<Pending> pending,
      Map<SenderKey, ChatMessage> inBatch,
      Inserts inserts,
      PreparedStatement update,
      List<Outcome> outcomes)
      throws SQLException {
    long head = row.headSeq();
    List<ChatMessage> added = new ArrayList<>();
    for (Pending p : pending) {
      AppendRequest r = p.request();
      SenderKey key = new SenderKey(r.sender(), r.clientMessageId());
      ChatMessage earlier = inBatch.get(key);
      if (earlier != null) {
        outcomes.add(new Outcome(p, new AppendResult(earlier, true)));
        continue;
      }
      ChatMessage m =
          new ChatMessage(
              room,
              ++head,
              r.id(),
              r.sender(),
              r.clientMessageId(),
              r.timestamp(),
              r.text(),
              r.payload(),
              r.attachments().stream().map(Attachment::withoutLinks).toList());
      inserts.add(m, r.deliveredLive());
      inBatch.put(key, m);
      added.add(m);
      outcomes.add(new Outcome(p, new AppendResult(m, false)));
    }
    long keptFrom = row.keptFrom();
    if (maxMessagesPerRoom > 0 && head - keptFrom + 1 > maxMessagesPerRoom) {
      keptFrom = head - maxMessagesPerRoom + 1;
      // the new rows are still in the insert batch: only rows already stored can be below keptFrom
      // unless the batch alone is over the limit, which the delete after the insert handles
      // (the rows of the messages' blobs go with them)
      try (PreparedStatement delete = c.prepareStatement(Sql.DELETE_BELOW)) {
        inserts.execute();
        delete.setString(1, room.value());
        delete.setLong(2, keptFrom);
        delete.executeUpdate();
      }
    }
    if (head != row.headSeq() || keptFrom != row.keptFrom()) {
      update.setLong(1, head);
      update.setLong(2, keptFrom);
      update.setString(3, room.value());
      update.executeUpdate();
    }
    return new RoomChange(room, added, new RoomRow(row.epoch(), head, keptFrom));
  }

  /**
   * A transaction's pending inserts: message rows, the rows of the blobs each references, which
   * must follow their message's row, and the outbox rows of the messages' events, added in the
   * order of the messages (each room's rows are locked, so a room's events are numbered by seq).
   * {@code events} is null when no append of the transaction asks for its event.
   */
  private static final class Inserts {
    private final PreparedStatement messages;
    private final PreparedStatement blobs;
    private final PreparedStatement events;
    private boolean anyBlobs;
    private boolean anyEvents;

    Inserts(PreparedStatement messages, PreparedStatement blobs, PreparedStatement events) {
      this.messages = messages;
      this.blobs = blobs;
      this.events = events;
    }

    /** Adds a message, and its event unless {@code deliveredLive} is null. */
    void add(ChatMessage m, Set<UserId> deliveredLive) throws SQLException {
      Sql.bindMessage(messages, m);
      messages.addBatch();
      if (!m.attachments().isEmpty()) {
        Sql.bindBlobs(blobs, m);
        anyBlobs = true;
      }
      if (deliveredLive != null) {
        Sql.bindEvent(
            events, ChatEvent.MessageStored.of(m, deliveredLive), m.timestamp().toEpochMilli());
        events.addBatch();
        anyEvents = true;
      }
    }

    void execute() throws SQLException {
      messages.executeBatch();
      if (anyBlobs) {
        blobs.executeBatch();
        anyBlobs = false;
      }
      if (anyEvents) {
        events.executeBatch();
        anyEvents = false;
      }
    }
  }

  /**
   * The stored messages among {@code pending}'s keys, in a few queries. Another transaction may
   * store one of these keys in another room meanwhile; the unique constraint then fails this
   * transaction, and the retry alone finds that message.
   */
  private static Map<SenderKey, ChatMessage> findStored(Connection c, List<Pending> pending)
      throws SQLException {
    Map<SenderKey, ChatMessage> found = new HashMap<>();
    List<SenderKey> keys = new ArrayList<>(new LinkedHashSet<>(keys(pending)));
    for (int from = 0; from < keys.size(); from += Sql.MAX_KEYS_PER_LOOKUP) {
      List<SenderKey> chunk =
          keys.subList(from, Math.min(keys.size(), from + Sql.MAX_KEYS_PER_LOOKUP));
      try (PreparedStatement find = c.prepareStatement(Sql.findByClientIds(chunk.size()))) {
        int i = 1;
        for (SenderKey key : chunk) {
          find.setString(i++, key.sender().value());
          find.setString(i++, key.clientMessageId().value());
        }
        try (ResultSet rs = find.executeQuery()) {
          while (rs.next()) {
            ChatMessage m = Sql.message(RoomId.of(rs.getString(Sql.ROOM_AFTER_MESSAGE)), rs);
            found.put(new SenderKey(m.sender(), m.clientMessageId()), m);
          }
        }
      }
    }
    return found;
  }

  private static List<SenderKey> keys(List<Pending> pending) {
    List<SenderKey> keys = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      keys.add(new SenderKey(p.request().sender(), p.request().clientMessageId()));
    }
    return keys;
  }

  static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** Stops taking appends, commits those already queued, and waits for the writer threads. */
  @Override
  public void close() {
    closing = true;
    metrics.close();
    for (Thread t : threads) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (BlockingQueue<Pending> queue : queues) {
      Pending left;
      while ((left = queue.poll()) != null) {
        left.future().completeExceptionally(new IllegalStateException("the message store closed"));
      }
    }
  }
}
