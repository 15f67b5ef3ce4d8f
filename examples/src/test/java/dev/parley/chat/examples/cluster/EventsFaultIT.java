package dev.parley.chat.examples.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.events.rabbitmq.RabbitMqEventSink;
import dev.parley.chat.examples.notify.NotificationWorker;
import dev.parley.chat.protocol.EventCodec;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.testkit.net.ChaosProxy;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events reach RabbitMQ through faults: two {@link ClusterNode}s in child JVMs share a fresh
 * PostgreSQL database and Redis, and hand their events to RabbitMQ through a {@link ChaosProxy} in
 * this JVM. Senders (Java clients that know both nodes and resend what was not acknowledged) send
 * {@value #MESSAGES} messages over {@value #ROOMS} rooms at a steady rate while the proxy cuts
 * every connection to the broker twice, for {@link #CUT} each, and the node that holds the relay
 * lease is killed with SIGKILL once in between, while events flow. A consumer reads a durable queue
 * bound to {@code message.stored.#} with manual acks.
 *
 * <p>Checked: every message stored in PostgreSQL has its event in the queue (0 lost), each room's
 * first arrivals are in seq order, every delivery is a stored message's event, and a worker that
 * drops repeats by event id has exactly one effect per message; the repeats are counted. The counts
 * are logged in one line (the failsafe report's output file).
 *
 * <p>Needs PostgreSQL ({@code PARLEY_TEST_PG_URL}, default {@code
 * jdbc:postgresql://127.0.0.1:5432/test}, user postgres, trust authentication; the test creates and
 * drops a database of its own), Redis ({@code PARLEY_TEST_REDIS_URI}, default {@code
 * redis://127.0.0.1:6379}) and RabbitMQ ({@code PARLEY_TEST_RABBITMQ_URI}, default {@code
 * amqp://guest:guest@127.0.0.1:5672/%2f}). Without them it is skipped, with how to start them,
 * except when the environment variable {@code CI} is {@code true}: there it fails.
 */
@Timeout(120)
class EventsFaultIT {
  private static final Logger LOG = LoggerFactory.getLogger(EventsFaultIT.class);

  private static final String PG_URL =
      System.getenv().getOrDefault("PARLEY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String PG_USER =
      System.getenv().getOrDefault("PARLEY_TEST_PG_USER", "postgres");
  private static final String PG_PASSWORD =
      System.getenv().getOrDefault("PARLEY_TEST_PG_PASSWORD", "");
  private static final String REDIS_URI =
      System.getenv().getOrDefault("PARLEY_TEST_REDIS_URI", "redis://127.0.0.1:6379");
  private static final String RABBITMQ_URI =
      System.getenv()
          .getOrDefault("PARLEY_TEST_RABBITMQ_URI", "amqp://guest:guest@127.0.0.1:5672/%2f");

  private static final int MESSAGES = 600;
  private static final int ROOMS = 3;
  private static final int SENDERS = 6; // two per room, one starting on each node
  private static final Duration SEND_EVERY = Duration.ofMillis(220); // per sender: ~27 a second
  private static final Duration CUT = Duration.ofMillis(1500);
  private static final Duration LEASE_TTL = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final String suffix =
      UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
  private final String database = "parley_events_" + suffix;
  private final String keyPrefix = "parley-test-events-" + suffix;
  private final String exchange = "parley.test.events." + suffix;
  private final String queue = "parley.test.events." + suffix + ".worker";
  private final String notifyQueue = "parley.test.events." + suffix + ".notify";
  private NotificationWorker worker;
  private final Path logs = Path.of("target", "events-fault-" + suffix);
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final List<ChatClient> clients = new ArrayList<>();
  private final Consumer consumer = new Consumer();
  private ChaosProxy proxy;
  private com.rabbitmq.client.Connection rabbit;
  private boolean databaseCreated;
  private boolean servicesUp;
  private Connection db;

  /** A node in its child JVM. */
  private record Node(String id, int port, int httpPort, Process process, Path log) {
    URI webSocketUri() {
      return URI.create("ws://127.0.0.1:" + port + "/chat");
    }
  }

  @BeforeEach
  void services() throws Exception {
    String pg = problem(() -> DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD).close());
    String redis = problem(() -> redis(r -> r.ping()));
    String amqp = problem(() -> rabbitFactory().newConnection("parley-test-ping").close());
    List<String> missing = new ArrayList<>();
    if (pg != null) {
      missing.add("PostgreSQL at " + PG_URL + " as " + PG_USER + " (" + pg + ")");
    }
    if (redis != null) {
      missing.add("Redis at " + REDIS_URI + " (" + redis + ")");
    }
    if (amqp != null) {
      missing.add("RabbitMQ at " + redacted(RABBITMQ_URI) + " (" + amqp + ")");
    }
    if (!missing.isEmpty()) {
      String how =
          "EventsFaultIT needs "
              + String.join(", ", missing)
              + ". Start PostgreSQL (trust authentication, database 'test'), Redis (redis-server)"
              + " and RabbitMQ (rabbitmq-server -detached, user guest) on their usual ports, or"
              + " point PARLEY_TEST_PG_URL, PARLEY_TEST_REDIS_URI and PARLEY_TEST_RABBITMQ_URI at"
              + " them, to run it.";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("CI must run the events fault test. " + how);
      }
      Assumptions.abort(how);
    }
    servicesUp = true;

    try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
      databaseCreated = true;
    }
    rabbit = rabbitFactory().newConnection("parley-events-fault-test");
    try (Channel admin = rabbit.createChannel()) {
      admin.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
      admin.queueDeclare(queue, true, false, false, Map.of());
      admin.queueBind(queue, exchange, "message.stored.#");
    }
    // The example notification worker on a queue of its own (it gets every publish too), with
    // its de-duplication in an H2 database: the effects must happen once per message.
    worker =
        NotificationWorker.builder()
            .uri(RABBITMQ_URI)
            .exchange(exchange)
            .queue(notifyQueue)
            .jdbcUrl("jdbc:h2:mem:events-fault-" + suffix + ";DB_CLOSE_DELAY=-1", "sa", "")
            .build();
    URI broker = URI.create(RABBITMQ_URI);
    proxy =
        new ChaosProxy(
                new InetSocketAddress(
                    broker.getHost(), broker.getPort() < 0 ? 5672 : broker.getPort()))
            .start();
    Files.createDirectories(logs);
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (ChatClient client : clients) {
      client.close();
    }
    for (Node node : nodes.values()) {
      node.process().destroy(); // SIGTERM: the node drains (it has no clients left) and stops
    }
    for (Node node : nodes.values()) {
      if (!node.process().waitFor(15, TimeUnit.SECONDS)) {
        node.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (proxy != null) {
      proxy.close();
    }
    if (worker != null) {
      worker.close();
    }
    if (rabbit != null) {
      try (Channel admin = rabbit.createChannel()) {
        admin.queueDelete(notifyQueue);
        admin.queueDelete(queue);
        admin.exchangeDelete(exchange);
      } finally {
        rabbit.close();
      }
    }
    if (db != null) {
      db.close();
    }
    if (databaseCreated) {
      try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
    }
    if (servicesUp) {
      redis(
          r -> {
            List<String> keys = new ArrayList<>();
            ScanIterator.scan(r, ScanArgs.Builder.matches(keyPrefix + ":*").limit(500))
                .forEachRemaining(keys::add);
            return keys.isEmpty() ? 0L : r.del(keys.toArray(String[]::new));
          });
    }
  }

  @Test
  void everyMessagesEventReachesRabbitMqThroughTwoCutsAndAKilledRelay() throws Exception {
    int[] ports = freePorts(4);
    launch("node-a", ports[0], ports[1]);
    launch("node-b", ports[2], ports[3]);
    for (Node node : nodes.values()) {
      awaitReady(node);
    }
    consumer.start();

    // Senders: each client knows both nodes; half of them try node-a first, half node-b.
    clients.add(client(nodes.get("node-a"), nodes.get("node-b")));
    clients.add(client(nodes.get("node-b"), nodes.get("node-a")));
    List<RoomHandle> senders = new ArrayList<>();
    for (int i = 0; i < SENDERS; i++) {
      ChatSession session =
          clients
              .get(i % 2)
              .connect("sender-" + i, new ChatListener() {})
              .get(20, TimeUnit.SECONDS);
      senders.add(session.join(room(i % ROOMS)).get(20, TimeUnit.SECONDS));
    }

    List<CompletableFuture<SendReceipt>> sends = new CopyOnWriteArrayList<>();
    AtomicInteger sent = new AtomicInteger();
    ScheduledExecutorService pace = Executors.newScheduledThreadPool(1);
    long started = System.nanoTime();
    try {
      int perSender = MESSAGES / SENDERS;
      for (int i = 0; i < SENDERS; i++) {
        RoomHandle sender = senders.get(i);
        String name = "sender-" + i;
        AtomicInteger next = new AtomicInteger();
        long offset = SEND_EVERY.toMillis() * i / SENDERS;
        pace.scheduleAtFixedRate(
            () -> {
              int n = next.getAndIncrement();
              if (n < perSender) {
                sends.add(sender.send(name + " message " + n));
                sent.incrementAndGet();
              }
            },
            offset,
            SEND_EVERY.toMillis(),
            TimeUnit.MILLISECONDS);
      }

      // The faults, while the senders go on. First a cut: the relay's publishes fail, the sink's
      // breaker opens, and events wait in the outbox.
      awaitFlowing(MESSAGES / 10);
      String killed = leaseOwner();
      assertThat(killed).as("the relay lease's owner").isIn(nodes.keySet());
      String survivor = killed.equals("node-a") ? "node-b" : "node-a";
      startCut();
      Thread.sleep(CUT.toMillis());
      endCut();

      // The relaying node is killed as the first event published after the cut arrives: it is
      // in the middle of publishing what waited, which it has not removed from the outbox yet.
      Process relaying = nodes.get(killed).process();
      CompletableFuture<Integer> kill =
          consumer.onArrival(Duration.ZERO, () -> relaying.destroyForcibly());
      int arrivalsAtKill = kill.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      long killedAt = System.nanoTime();
      int sentAtKill = sent.get();
      assertThat(relaying.waitFor(10, TimeUnit.SECONDS)).isTrue();
      LOG.info(
          "Killed {} (SIGKILL) while it relayed, at delivery {}; {} events in the outbox; {} of {}"
              + " sent",
          killed,
          arrivalsAtKill,
          outboxRows(),
          sentAtKill,
          MESSAGES);

      // The second cut falls on the survivor's first publish after it took the lease over (the
      // killed node's last deliveries arrive within moments of the kill; the lease lasts longer).
      CompletableFuture<Integer> secondCut =
          consumer.onArrival(Duration.ofSeconds(1), this::startCut);
      secondCut.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      long takeOverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      int sentAtSecondCut = sent.get();
      Thread.sleep(CUT.toMillis());
      endCut();
      assertThat(leaseOwner()).as("the relay lease's owner after the kill").isEqualTo(survivor);

      await("all " + MESSAGES + " sends made")
          .atMost(Duration.ofSeconds(60))
          .until(() -> sent.get() >= MESSAGES);
      for (CompletableFuture<SendReceipt> send : sends) {
        send.get(WAIT.toSeconds(), TimeUnit.SECONDS); // resent by the client until acknowledged
      }
      long sendingSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

      // Every stored message's event arrives, and the outbox empties (nothing left to republish).
      await("every stored message's event in the queue and an empty outbox")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  consumer.distinctIds().containsAll(storedIds(storedMessages()))
                      && outboxRows() == 0);
      Map<String, List<Long>> stored = storedMessages();
      Set<String> storedIds = storedIds(stored);
      List<Arrival> arrivals = consumer.arrivals();
      Set<String> distinct = consumer.distinctIds();

      Set<String> lost = new HashSet<>(storedIds);
      lost.removeAll(distinct);
      Set<String> unknown = new HashSet<>(distinct);
      unknown.removeAll(storedIds);
      int duplicates = arrivals.size() - distinct.size();
      long redelivered = arrivals.stream().filter(Arrival::redelivered).count();
      LOG.info(
          "Events fault run: {} messages sent, {} acknowledged, {} stored in {} rooms; {} deliveries,"
              + " {} distinct events, {} duplicates ({} flagged redelivered by the broker), {} lost,"
              + " {} unknown; {} broker cuts of {} ms, killed {} (SIGKILL) with the relay lease"
              + " after {} sends, the survivor publishing {} ms after the kill, second cut after {}"
              + " sends; worker effects {} (one per message); sending took {} s",
          sent.get(),
          sends.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count(),
          storedIds.size(),
          stored.size(),
          arrivals.size(),
          distinct.size(),
          duplicates,
          redelivered,
          lost.size(),
          unknown.size(),
          proxy.cutCount(),
          CUT.toMillis(),
          killed,
          sentAtKill,
          takeOverMillis,
          sentAtSecondCut,
          consumer.effects().values().stream().mapToInt(Integer::intValue).sum(),
          sendingSeconds);

      // Every message sent was stored exactly once, each room's seqs without a gap.
      assertThat(sent.get()).isEqualTo(MESSAGES);
      Set<String> receipts = new HashSet<>();
      for (CompletableFuture<SendReceipt> send : sends) {
        SendReceipt receipt = send.join();
        receipts.add(eventId(receipt.room().value(), receipt.seq()));
      }
      assertThat(receipts).as("each acknowledged message's place").hasSize(MESSAGES);
      assertThat(storedIds).isEqualTo(receipts);
      for (Map.Entry<String, List<Long>> room : stored.entrySet()) {
        assertThat(room.getValue())
            .as("seqs stored in %s", room.getKey())
            .isEqualTo(LongStream.rangeClosed(1, room.getValue().size()).boxed().toList());
      }

      // 0 lost, nothing unknown, each room's first arrivals in seq order.
      assertThat(lost).as("stored messages whose event never arrived").isEmpty();
      assertThat(unknown).as("events of no stored message").isEmpty();
      assertThat(firstArrivalsByRoom(arrivals)).isEqualTo(stored);
      for (Arrival a : arrivals) {
        assertThat(a.id()).isEqualTo(eventId(a.room(), a.seq()));
      }

      assertThat(consumer.problems).isEmpty();

      // The worker's de-duplication absorbs the repeats: one effect per message.
      assertThat(consumer.effects().keySet()).isEqualTo(storedIds);
      assertThat(consumer.effects().values()).containsOnly(1);
      assertThat(consumer.absorbed()).isEqualTo(duplicates);

      // The example NotificationWorker, on its own queue, applied each message's event once and
      // skipped every repeat by its id.
      await("the notification worker has every event")
          .atMost(WAIT)
          .until(() -> worker.stats().processed() + worker.stats().duplicates() >= arrivals.size());
      NotificationWorker.Stats stats = worker.stats();
      LOG.info(
          "Notification worker: {} events applied, {} repeats skipped, {} dropped, {} failed",
          stats.processed(),
          stats.duplicates(),
          stats.dropped(),
          stats.failed());
      assertThat(stats.processed()).isEqualTo(MESSAGES);
      assertThat(stats.duplicates()).isEqualTo(duplicates);
      assertThat(stats.dropped()).isZero();

      assertThat(proxy.cutCount()).as("broker cuts").isEqualTo(2);
      assertThat(nodes.get(killed).process().isAlive()).isFalse();
      assertThat(sentAtSecondCut)
          .as("the faults came while the senders were sending")
          .isLessThan(MESSAGES);
    } finally {
      pace.shutdownNow();
    }
  }

  // --- the faults ---

  /** Cuts every connection to the broker and refuses new ones until {@link #endCut()}. */
  private void startCut() {
    proxy.refuseNew(true);
    proxy.cutAll();
    LOG.info("Cut the connections to RabbitMQ (cut {})", proxy.cutCount());
  }

  private void endCut() {
    proxy.refuseNew(false);
  }

  /**
   * Waits until at least {@code atLeast} messages are stored and the events of all that were stored
   * when the wait began have arrived: the relay is publishing.
   */
  private void awaitFlowing(int atLeast) throws SQLException {
    await("at least " + atLeast + " messages stored")
        .atMost(WAIT)
        .until(() -> storedIds(storedMessages()).size() >= atLeast);
    Set<String> storedNow = storedIds(storedMessages());
    await("the events of " + storedNow.size() + " stored messages")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> consumer.distinctIds().containsAll(storedNow));
  }

  // --- the nodes ---

  private void launch(String id, int port, int httpPort) throws IOException {
    URI broker = URI.create(RABBITMQ_URI);
    String viaProxy =
        broker.getScheme()
            + "://"
            + broker.getRawUserInfo()
            + "@127.0.0.1:"
            + proxy.port()
            + broker.getRawPath();
    String jdbcUrl = PG_URL.substring(0, PG_URL.lastIndexOf('/') + 1) + database;
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
            "-cp",
            ClusterDemo.classPath(),
            ClusterNode.class.getName(),
            "--node-id",
            id,
            "--port",
            Integer.toString(port),
            "--http-port",
            Integer.toString(httpPort),
            "--redis",
            REDIS_URI,
            "--key-prefix",
            keyPrefix,
            "--jdbc-url",
            jdbcUrl,
            "--db-user",
            PG_USER,
            "--amqp-uri",
            viaProxy,
            "--events-exchange",
            exchange,
            "--event-lease-ttl",
            LEASE_TTL.toMillis() + "ms");
    Path log = logs.resolve(id + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // the command line sets everything; no PARLEY_* variable of this environment leaks in
    builder
        .environment()
        .keySet()
        .removeIf(name -> name.startsWith(ClusterNode.ENVIRONMENT_PREFIX));
    if (!PG_PASSWORD.isEmpty()) {
      builder.environment().put("PARLEY_DB_PASSWORD", PG_PASSWORD);
    }
    nodes.put(id, new Node(id, port, httpPort, builder.start(), log));
  }

  private static void awaitReady(Node node) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest readyz =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/readyz"))
            .timeout(Duration.ofSeconds(2))
            .build();
    await(node.id() + " to be ready (see " + node.log() + ")")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!node.process().isAlive()) {
                throw new AssertionError(node.id() + " exited: " + Files.readString(node.log()));
              }
              try {
                return http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode()
                    == 200;
              } catch (IOException e) {
                return false;
              }
            });
  }

  private static ChatClient client(Node first, Node second) {
    return ChatClient.builder()
        .endpoint(first.webSocketUri())
        .endpoint(second.webSocketUri())
        .connectTimeout(Duration.ofSeconds(2))
        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(500))
        .build();
  }

  // --- the database ---

  /** The test's own connection to the nodes' database, opened once. */
  private synchronized Connection database() throws SQLException {
    if (db == null) {
      String url = PG_URL.substring(0, PG_URL.lastIndexOf('/') + 1) + database;
      db = DriverManager.getConnection(url, PG_USER, PG_PASSWORD);
    }
    return db;
  }

  /** Each room's stored seqs, in order. */
  private Map<String, List<Long>> storedMessages() throws SQLException {
    Map<String, List<Long>> byRoom = new TreeMap<>();
    try (Statement s = database().createStatement();
        ResultSet rs =
            s.executeQuery("SELECT room_id, seq FROM parley_message ORDER BY room_id, seq")) {
      while (rs.next()) {
        byRoom.computeIfAbsent(rs.getString(1), r -> new ArrayList<>()).add(rs.getLong(2));
      }
    }
    return byRoom;
  }

  private long outboxRows() throws SQLException {
    try (Statement s = database().createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM parley_event_outbox")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private String leaseOwner() throws SQLException {
    try (Statement s = database().createStatement();
        ResultSet rs = s.executeQuery("SELECT owner FROM parley_event_relay_lease")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static Set<String> storedIds(Map<String, List<Long>> stored) {
    Set<String> ids = new HashSet<>();
    stored.forEach((room, seqs) -> seqs.forEach(seq -> ids.add(eventId(room, seq))));
    return ids;
  }

  private static String eventId(String room, long seq) {
    return "message.stored:" + room + ":" + seq;
  }

  private static RoomId room(int i) {
    return RoomId.of("fault-" + i);
  }

  /** Each room's seqs in the order their events first arrived. */
  private static Map<String, List<Long>> firstArrivalsByRoom(List<Arrival> arrivals) {
    Map<String, List<Long>> byRoom = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (Arrival a : arrivals) {
      if (seen.add(a.id())) {
        byRoom.computeIfAbsent(a.room(), r -> new ArrayList<>()).add(a.seq());
      }
    }
    return byRoom;
  }

  // --- the consumer ---

  /** An action to run on an arrival, not before {@code notBefore} ({@link System#nanoTime()}). */
  private record Trigger(long notBefore, Runnable action, CompletableFuture<Integer> fired) {}

  /** One delivery from the queue. */
  private record Arrival(String id, String room, long seq, boolean redelivered) {}

  /**
   * The queue's consumer, with manual acks, and the worker behind it: it records every delivery,
   * then applies each event once, dropping repeats by event id (as docs/events.md asks consumers to
   * do), and acks. Thread-safe; deliveries come on the AMQP client's consumer thread.
   */
  private final class Consumer {
    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> effects = new ConcurrentHashMap<>();
    private final AtomicInteger absorbed = new AtomicInteger();
    final List<String> problems = new CopyOnWriteArrayList<>();
    private final AtomicReference<Trigger> trigger = new AtomicReference<>();

    /**
     * Runs {@code action} on the consumer's thread when the first event arrives once {@code after}
     * has passed; the future completes with the number of deliveries up to that one.
     */
    CompletableFuture<Integer> onArrival(Duration after, Runnable action) {
      Trigger t =
          new Trigger(System.nanoTime() + after.toNanos(), action, new CompletableFuture<>());
      assertThat(trigger.compareAndSet(null, t)).as("one trigger at a time").isTrue();
      return t.fired();
    }

    void start() throws IOException {
      Channel channel = rabbit.createChannel();
      channel.basicQos(200);
      channel.basicConsume(
          queue,
          false,
          (tag, delivery) -> {
            ChatEvent event = EventCodec.decode(delivery.getBody());
            Object header =
                delivery.getProperties().getHeaders().get(RabbitMqEventSink.EVENT_ID_HEADER);
            String id = String.valueOf(header);
            if (!id.equals(event.id()) || !(event instanceof ChatEvent.MessageStored stored)) {
              problems.add("unexpected delivery " + id + ": " + event);
            } else {
              arrivals.add(
                  new Arrival(
                      id,
                      stored.roomId().value(),
                      stored.seq(),
                      delivery.getEnvelope().isRedeliver()));
              if (seen.add(id)) {
                effects.merge(id, 1, Integer::sum); // the worker's effect, once per event
              } else {
                absorbed.incrementAndGet(); // a repeat: dropped by id
              }
            }
            Trigger t = trigger.get();
            if (t != null && System.nanoTime() >= t.notBefore() && trigger.compareAndSet(t, null)) {
              try {
                t.action().run();
                t.fired().complete(arrivals.size());
              } catch (RuntimeException e) {
                t.fired().completeExceptionally(e);
              }
            }
            channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
          },
          tag -> {});
    }

    List<Arrival> arrivals() {
      return List.copyOf(arrivals);
    }

    Set<String> distinctIds() {
      return Set.copyOf(seen);
    }

    Map<String, Integer> effects() {
      return new HashMap<>(effects);
    }

    int absorbed() {
      return absorbed.get();
    }
  }

  // --- services ---

  private static ConnectionFactory rabbitFactory() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(RABBITMQ_URI);
    factory.setAutomaticRecoveryEnabled(false);
    factory.setConnectionTimeout(3_000);
    return factory;
  }

  private static <T> T redis(
      java.util.function.Function<io.lettuce.core.api.sync.RedisCommands<String, String>, T> work) {
    RedisClient client = RedisClient.create(RedisURI.create(REDIS_URI));
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      return work.apply(connection.sync());
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @FunctionalInterface
  private interface Check {
    void run() throws Exception;
  }

  /** What went wrong running {@code check}, or null if nothing did. */
  private static String problem(Check check) {
    try {
      check.run();
      return null;
    } catch (Exception e) {
      return e.toString();
    }
  }

  private static String redacted(String uri) {
    URI u = URI.create(uri);
    return u.getScheme() + "://" + u.getHost() + ":" + u.getPort() + u.getRawPath();
  }

  private static int[] freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0);
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }
}
