package dev.parley.chat.examples.notify;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.events.rabbitmq.RabbitMqEventSink;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.testkit.time.MutableClock;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One test's world: an exchange and a queue of its own on the local RabbitMQ, a database of its
 * own, a clock the test moves, a notifier that records what it is given, and a real {@link
 * RabbitMqEventSink} to publish with. {@link #close()} deletes the queue and the exchange and drops
 * the database.
 *
 * <p>Not thread-safe, except {@link #delivered()}, which the worker's flusher thread fills.
 */
final class NotifyFixture implements AutoCloseable {
  /** When the tests' story starts. */
  static final Instant T0 = Instant.parse("2026-12-06T08:00:00Z");

  static final RoomId LOBBY = RoomId.of("team.lobby");
  static final UserId ALICE = UserId.of("alice");
  static final UserId BOB = UserId.of("bob");
  static final UserId CAROL = UserId.of("carol");
  static final UserId DAVE = UserId.of("dave");

  final String exchange = TestServices.unique("events");
  final String queue = TestServices.unique("notify");
  final MutableClock clock = new MutableClock(T0);
  final TestServices.TestDatabase database;
  final List<Notification> delivered = new CopyOnWriteArrayList<>();
  private final Connection admin;
  private final RabbitMqEventSink sink;

  NotifyFixture(TestServices.TestDatabase database, RabbitMqEventSink.Format format)
      throws Exception {
    this.database = database;
    this.admin = TestServices.connect();
    this.sink =
        RabbitMqEventSink.builder()
            .uri(TestServices.RABBITMQ_URI)
            .exchange(exchange)
            .format(format)
            .build();
  }

  /** A worker builder on this fixture's broker objects, database and clock, flushing often. */
  NotificationWorker.Builder worker() {
    return NotificationWorker.builder()
        .uri(TestServices.RABBITMQ_URI)
        .exchange(exchange)
        .queue(queue)
        .dataSource(database.dataSource())
        .clock(clock)
        .notifier(delivered::add)
        .prefetch(8)
        .flushInterval(Duration.ofMillis(50))
        .retryDelay(Duration.ofMillis(20));
  }

  /** Publishes through the real sink and waits for the broker's confirm. */
  void publish(List<ChatEvent> events) throws Exception {
    sink.publish(events).get(10, TimeUnit.SECONDS);
  }

  /** Publishes one message as it is, bypassing the sink (for bad bytes). */
  void publishRaw(String routingKey, String contentType, byte[] body) throws Exception {
    try (Channel c = admin.createChannel()) {
      c.confirmSelect();
      c.basicPublish(
          exchange,
          routingKey,
          new AMQP.BasicProperties.Builder().contentType(contentType).deliveryMode(2).build(),
          body);
      c.waitForConfirmsOrDie(10_000);
    }
  }

  /** Messages ready in the queue (not counting those delivered and not yet acknowledged). */
  long ready() throws Exception {
    try (Channel c = admin.createChannel()) {
      return c.queueDeclarePassive(queue).getMessageCount();
    }
  }

  /** The members joining the lobby: alice, bob, carol and dave; then dave leaves. */
  static List<ChatEvent> members() {
    return List.of(
        new ChatEvent.MemberJoined("member.joined:team.lobby:alice", T0, LOBBY, ALICE),
        new ChatEvent.MemberJoined("member.joined:team.lobby:bob", T0, LOBBY, BOB),
        new ChatEvent.MemberJoined("member.joined:team.lobby:carol", T0, LOBBY, CAROL),
        new ChatEvent.MemberJoined("member.joined:team.lobby:dave", T0, LOBBY, DAVE),
        new ChatEvent.MemberLeft("member.left:team.lobby:dave", T0.plusMillis(500), LOBBY, DAVE));
  }

  /**
   * Messages {@code from} to {@code to} from alice in the lobby, seq = number, sent live to bob.
   */
  static List<ChatEvent> messages(int from, int to, Instant firstAt, Duration apart) {
    List<ChatEvent> events = new ArrayList<>();
    for (int seq = from; seq <= to; seq++) {
      events.add(message(LOBBY, seq, firstAt.plus(apart.multipliedBy(seq - from)), ALICE, BOB));
    }
    return events;
  }

  /**
   * A stored message of {@code room}, sent by {@code sender} and delivered live to {@code live}.
   */
  static ChatEvent.MessageStored message(
      RoomId room, long seq, Instant at, UserId sender, UserId... live) {
    return new ChatEvent.MessageStored(
        "message.stored:" + room + ":" + seq,
        at,
        room,
        seq,
        MessageId.of(room.value().replaceAll("[^A-Za-z0-9]", "") + seq),
        sender,
        ClientMessageId.of("c" + seq),
        Arrays.asList(live));
  }

  /** A row of the notification log. */
  record Row(
      String id,
      String user,
      String room,
      long count,
      long firstSeq,
      long lastSeq,
      Instant windowStart,
      boolean delivered) {}

  /** The notification log, by user, room and window start. */
  List<Row> notifications() throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (java.sql.Connection c = database.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id, user_id, room_id, message_count, first_seq, last_seq, window_start,"
                    + " delivered_at FROM notifications ORDER BY user_id, room_id, window_start");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        rows.add(
            new Row(
                r.getString(1),
                r.getString(2),
                r.getString(3),
                r.getLong(4),
                r.getLong(5),
                r.getLong(6),
                Instant.ofEpochMilli(r.getLong(7)),
                r.getObject(8) != null));
      }
    }
    return rows;
  }

  /** Open windows as "user room count first..last". */
  List<String> windows() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (java.sql.Connection c = database.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT user_id, room_id, message_count, first_seq, last_seq FROM notify_windows"
                    + " ORDER BY user_id, room_id");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        rows.add(
            r.getString(1)
                + " "
                + r.getString(2)
                + " "
                + r.getLong(3)
                + " "
                + r.getLong(4)
                + ".."
                + r.getLong(5));
      }
    }
    return rows;
  }

  /** How many event ids the worker has recorded as applied. */
  long seen() throws SQLException {
    try (java.sql.Connection c = database.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM notify_seen_events");
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getLong(1);
    }
  }

  @Override
  public void close() throws IOException, SQLException, TimeoutException {
    try {
      sink.close();
      try (Channel c = admin.createChannel()) {
        c.queueDelete(queue);
        c.exchangeDelete(exchange);
      }
      admin.close();
    } finally {
      database.close();
    }
  }
}
