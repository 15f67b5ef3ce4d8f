package dev.parley.chat.testkit.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.ClusterBus.RemotePresence;
import dev.parley.chat.testkit.cluster.RecordingClusterListener.Presence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ClusterBus} keeps: events reach every other node, in each publisher's
 * order, once, field for field, and never the sender; presence is heard and can be read back by a
 * node started later; a node that closes is dropped at once and one that crashes when its lease
 * runs out, each reported exactly once and with its presence gone; a bus starts once; listener
 * calls come one at a time on the bus's own thread.
 *
 * <p>Subclass it and implement {@link #newBus(String)} and {@link #crash(ClusterBus)}. Each test
 * works in a cluster of its own, named in {@link #newCluster()}, and closes every bus it made
 * afterwards. Tests wait by polling, up to {@link #timeout()}; the crash test takes about one lease
 * time, so give test buses a short one (2 or 3 seconds). Not thread-safe (one test at a time per
 * instance, as JUnit runs them).
 */
public abstract class ClusterBusConformanceSuite {
  /**
   * A new, unstarted bus for a node of cluster {@code cluster}: buses made with the same name hear
   * each other, and hear no bus of another name.
   */
  protected abstract ClusterBus newBus(String cluster) throws Exception;

  /** Stops {@code bus} the way a killed process stops: no goodbye, no withdrawn lease. */
  protected abstract void crash(ClusterBus bus) throws Exception;

  /** How often {@code bus} renews its lease. Default: a third of its lease time. */
  protected Duration renewalPeriod(ClusterBus bus) {
    return bus.leaseTime().dividedBy(3);
  }

  /** Allowance for scheduling and I/O on top of the contract's times. Default one second. */
  protected Duration slack() {
    return Duration.ofSeconds(1);
  }

  /** Longest wait for an event that should arrive promptly. Default 15 seconds. */
  protected Duration timeout() {
    return Duration.ofSeconds(15);
  }

  /** Messages each of two publishers sends in the ordering test. Default 2,000. */
  protected int messagesPerPublisher() {
    return 2_000;
  }

  /**
   * One started node of the test's cluster.
   *
   * @param id the node id
   * @param bus its bus
   * @param listener what it heard
   */
  protected record Node(String id, ClusterBus bus, RecordingClusterListener listener) {}

  private final List<ClusterBus> buses = new ArrayList<>();
  private String cluster;

  /** Names a new cluster for the next test. */
  @BeforeEach
  protected void newCluster() {
    cluster = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** Closes every bus the test made. */
  @AfterEach
  protected void closeBuses() {
    for (ClusterBus bus : buses) {
      try {
        bus.close();
      } catch (RuntimeException e) {
        // a test that broke the bus already failed
      }
    }
    buses.clear();
  }

  /** The name of this test's cluster. */
  protected String cluster() {
    return cluster;
  }

  /** A new unstarted bus of this test's cluster, closed after the test. */
  protected ClusterBus unstartedBus() throws Exception {
    ClusterBus bus = newBus(cluster);
    buses.add(bus);
    return bus;
  }

  /** Starts node {@code id} with a recording listener and waits until it is healthy. */
  protected Node startNode(String id) throws Exception {
    return startNode(id, new RecordingClusterListener());
  }

  /** Starts node {@code id} with {@code listener} and waits until it is healthy. */
  protected Node startNode(String id, RecordingClusterListener listener) throws Exception {
    ClusterBus bus = unstartedBus();
    bus.start(id, listener);
    awaitTrue("node " + id + " is healthy", timeout(), bus::isHealthy);
    return new Node(id, bus, listener);
  }

  @Test
  void messagesReachEveryOtherNodeButNotTheSender() throws Exception {
    Node a = startNode("a");
    Node b = startNode("b");
    Node c = startNode("c");
    ChatMessage hello = message(RoomId.of("lobby"), 1, "hello", new byte[] {1, 2, 3});
    a.bus().publishMessage(hello);
    awaitTrue(
        "b and c hear a's message",
        timeout(),
        () -> b.listener().messages().contains(hello) && c.listener().messages().contains(hello));

    ChatMessage marker = message(RoomId.of("lobby"), 2, "from c", new byte[0]);
    c.bus().publishMessage(marker);
    awaitTrue(
        "a and b hear c's message",
        timeout(),
        () -> a.listener().messages().contains(marker) && b.listener().messages().contains(marker));

    assertThat(a.listener().messages())
        .as("a does not hear its own message")
        .containsExactly(marker);
    assertThat(b.listener().messages()).containsExactlyInAnyOrder(hello, marker);
    assertThat(c.listener().messages()).as("c does not hear its own").containsExactly(hello);
  }

  @Test
  void eachPublishersMessagesArriveInOrderAndOnce() throws Exception {
    Node a = startNode("a");
    Node b = startNode("b");
    Node receiver = startNode("r");
    int count = messagesPerPublisher();
    RoomId roomA = RoomId.of("order-a");
    RoomId roomB = RoomId.of("order-b");
    Thread other = new Thread(() -> publishNumbered(b.bus(), roomB, count), "publisher-b");
    other.start();
    publishNumbered(a.bus(), roomA, count);
    other.join(timeout().toMillis());

    // each publisher's last message comes after all its others, and so does any duplicate; a bus
    // that lost messages must have asked to resync, and then only their order is checked
    awaitTrue(
        "every node hears the last message of each other publisher, or asks to resync",
        timeout(),
        () ->
            (hasSeq(receiver, roomA, count) || receiver.listener().resyncs() > 0)
                && (hasSeq(receiver, roomB, count) || receiver.listener().resyncs() > 0)
                && (hasSeq(a, roomB, count) || a.listener().resyncs() > 0)
                && (hasSeq(b, roomA, count) || b.listener().resyncs() > 0));
    assertInOrderOnce(receiver, roomA, count);
    assertInOrderOnce(receiver, roomB, count);
    assertInOrderOnce(a, roomB, count);
    assertInOrderOnce(b, roomA, count);
    assertThat(seqs(a, roomA)).as("a hears none of its own").isEmpty();
  }

  @Test
  void everyFieldOfAMessageSurvivesTheTrip() throws Exception {
    Node a = startNode("a");
    Node b = startNode("b");
    List<ChatMessage> sent = unusualMessages();
    for (ChatMessage message : sent) {
      a.bus().publishMessage(message);
    }
    awaitTrue(
        "b hears all " + sent.size() + " messages",
        timeout(),
        () -> b.listener().messages().size() >= sent.size());
    List<ChatMessage> heard = b.listener().messages();
    assertThat(heard).hasSize(sent.size());
    for (int i = 0; i < sent.size(); i++) {
      ChatMessage expected = sent.get(i);
      ChatMessage actual = heard.get(i);
      assertThat(actual.room()).as("room of message %d", i).isEqualTo(expected.room());
      assertThat(actual.seq()).as("seq of message %d", i).isEqualTo(expected.seq());
      assertThat(actual.id()).as("id of message %d", i).isEqualTo(expected.id());
      assertThat(actual.sender()).as("sender of message %d", i).isEqualTo(expected.sender());
      assertThat(actual.clientMessageId())
          .as("client message id of message %d", i)
          .isEqualTo(expected.clientMessageId());
      assertThat(actual.timestamp())
          .as("timestamp of message %d", i)
          .isEqualTo(expected.timestamp());
      assertThat(actual.text()).as("text of message %d", i).isEqualTo(expected.text());
      assertThat(actual.payload()).as("payload of message %d", i).isEqualTo(expected.payload());
      assertThat(actual).isEqualTo(expected);
    }
  }

  /**
   * Attachments travel with their message as a store keeps them (without download links): every
   * field, at the edges of what an {@link Attachment} can hold, in the sender's order.
   */
  @Test
  void attachmentsSurviveTheTrip() throws Exception {
    Node a = startNode("a");
    Node b = startNode("b");
    List<Attachment> ten = new ArrayList<>();
    ten.add(
        Attachment.of(
            "0".repeat(64),
            "nul\u0000 lone \uD83D high ünïcode 😀 \"q\" " + "n".repeat(200),
            "text/plain; charset=utf-8",
            Long.MAX_VALUE,
            0,
            0,
            ""));
    ten.add(
        Attachment.of(
            "a".repeat(64),
            "photo.jpg",
            "image/jpeg",
            5L * 1024 * 1024 * 1024,
            Integer.MAX_VALUE,
            1,
            "b".repeat(64)));
    for (int i = 2; i < Attachment.MAX_PER_MESSAGE; i++) {
      ten.add(Attachment.of(String.format("%064x", i), "f" + i, "application/pdf", i, 0, 0, ""));
    }
    List<ChatMessage> sent =
        List.of(
            message(RoomId.of("files"), 1, "ten files", new byte[0]).withAttachments(ten),
            message(RoomId.of("files"), 2, "", new byte[0]).withAttachments(List.of(ten.get(1))),
            message(RoomId.of("files"), 3, "none", new byte[] {1}));
    for (ChatMessage message : sent) {
      a.bus().publishMessage(message);
    }
    awaitTrue(
        "b hears all " + sent.size() + " messages",
        timeout(),
        () -> b.listener().messages().size() >= sent.size());
    List<ChatMessage> heard = b.listener().messages();
    assertThat(heard).hasSize(sent.size());
    for (int i = 0; i < sent.size(); i++) {
      assertThat(heard.get(i).attachments())
          .as("attachments of message %d", i)
          .containsExactlyElementsOf(sent.get(i).attachments());
      assertThat(heard.get(i)).isEqualTo(sent.get(i));
    }
  }

  @Test
  void presenceIsHeardAndReadByANodeStartedLater() throws Exception {
    Node a = startNode("a");
    Node b = startNode("b");
    RoomId room = RoomId.of("presence-room");
    a.bus().publishPresence(room, UserId.of("alice"), true);
    a.bus().publishPresence(room, UserId.of("bob"), true);
    awaitTrue(
        "b hears alice and bob come online on a",
        timeout(),
        () -> b.listener().events(Presence.class).size() >= 2);
    assertThat(b.listener().events(Presence.class))
        .extracting(Presence::nodeId, Presence::room, Presence::user, Presence::online)
        .containsExactly(
            tuple("a", room, UserId.of("alice"), true), tuple("a", room, UserId.of("bob"), true));

    Node c = startNode("c");
    Set<RemotePresence> expected =
        Set.of(
            new RemotePresence("a", UserId.of("alice")), new RemotePresence("a", UserId.of("bob")));
    awaitPresence(c, room, expected);
    awaitPresence(b, room, expected);
    assertThat(presenceOf(a, room)).as("a does not list its own users").isEmpty();

    c.bus().publishPresence(room, UserId.of("carol"), true);
    awaitPresence(a, room, Set.of(new RemotePresence("c", UserId.of("carol"))));
    awaitTrue("a hears carol come online on c", timeout(), () -> heardPresence(a, "carol"));
    assertThat(a.listener().events(Presence.class))
        .as("a hears none of its own announcements")
        .extracting(Presence::nodeId)
        .containsOnly("c");
  }

  @Test
  void goingOfflineRemovesTheUser() throws Exception {
    Node a = startNode("a");
    Node b = startNode("b");
    RoomId room = RoomId.of("offline-room");
    a.bus().publishPresence(room, UserId.of("alice"), true);
    a.bus().publishPresence(room, UserId.of("bob"), true);
    a.bus().publishPresence(room, UserId.of("alice"), false);
    awaitTrue(
        "b hears alice go offline",
        timeout(),
        () -> b.listener().events(Presence.class).size() >= 3);
    Presence last = b.listener().events(Presence.class).get(2);
    assertThat(last.user()).isEqualTo(UserId.of("alice"));
    assertThat(last.online()).isFalse();
    awaitPresence(b, room, Set.of(new RemotePresence("a", UserId.of("bob"))));
  }

  @Test
  void aClosedNodeIsDroppedAtOnce() throws Exception {
    Node a = startNode("a");
    Node b = startNode("b");
    Node c = startNode("c");
    RoomId room = RoomId.of("close-room");
    a.bus().publishPresence(room, UserId.of("alice"), true);
    awaitTrue(
        "b and c hear alice",
        timeout(),
        () -> heardPresence(b, "alice") && heardPresence(c, "alice"));

    long closedAt = System.nanoTime();
    a.bus().close();
    Duration promptly = a.bus().leaseTime().minus(renewalPeriod(a.bus()));
    awaitTrue(
        "b and c hear that a left, sooner than its lease could run out",
        promptly,
        () -> b.listener().nodesDown().contains("a") && c.listener().nodesDown().contains("a"));
    assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(promptly);
    awaitPresence(b, room, Set.of());
    awaitPresence(c, room, Set.of());
    assertThat(a.bus().isHealthy()).as("a closed bus is not healthy").isFalse();
  }

  @Test
  void aCrashedNodeIsDroppedWhenItsLeaseRunsOutAndEveryDepartureIsReportedOnce() throws Exception {
    Node crashing = startNode("crashing");
    Node leaving = startNode("leaving");
    Node b = startNode("b");
    Node c = startNode("c");
    RoomId room = RoomId.of("crash-room");
    crashing.bus().publishPresence(room, UserId.of("alice"), true);
    leaving.bus().publishPresence(room, UserId.of("lea"), true);
    awaitTrue(
        "b and c hear alice and lea",
        timeout(),
        () ->
            heardPresence(b, "alice")
                && heardPresence(c, "alice")
                && heardPresence(b, "lea")
                && heardPresence(c, "lea"));
    long leftAt = System.nanoTime();
    leaving.bus().close();
    awaitTrue(
        "b and c hear that 'leaving' left",
        timeout(),
        () ->
            b.listener().nodesDown().contains("leaving")
                && c.listener().nodesDown().contains("leaving"));

    Duration lease = crashing.bus().leaseTime();
    Duration renewal = renewalPeriod(crashing.bus());
    long crashedAt = System.nanoTime();
    crash(crashing.bus());
    Duration limit = lease.plus(renewal).plus(slack());
    awaitTrue(
        "b and c drop the crashed node within lease time + renewal period + slack (" + limit + ")",
        limit,
        () ->
            b.listener().nodesDown().contains("crashing")
                && c.listener().nodesDown().contains("crashing"));
    Duration took = Duration.ofNanos(System.nanoTime() - crashedAt);
    assertThat(took)
        .as("a crashed node counts as live until its lease runs out (crash must not say goodbye)")
        .isGreaterThanOrEqualTo(lease.minus(renewal).minusMillis(250));
    awaitPresence(b, room, Set.of());
    awaitPresence(c, room, Set.of());

    // Something that must NOT happen: 'leaving' reported a second time when the lease it held
    // runs out. That lease runs out at most one lease time after it left and is checked within
    // the next renewal period, so watching until then (plus one more period) is enough to see it.
    long checkedBy = leftAt + lease.plus(renewal).plus(renewal).toNanos();
    Duration watch = Duration.ofNanos(Math.max(1_000_000, checkedBy - System.nanoTime()));
    Awaitility.await("no departure reported twice")
        .during(watch)
        .atMost(watch.plusSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () -> {
              for (Node node : List.of(b, c)) {
                assertThat(node.listener().nodesDown())
                    .as("departures node %s heard", node.id())
                    .containsExactlyInAnyOrder("leaving", "crashing");
              }
            });
  }

  @Test
  void aBusStartsOnceAndStaysQuietAfterClose() throws Exception {
    Node a = startNode("a");
    Node b = startNode("b");
    Node c = startNode("c");
    assertThatThrownBy(() -> a.bus().start("a-again", new RecordingClusterListener()))
        .as("starting a started bus")
        .isInstanceOf(IllegalStateException.class);

    a.bus().close();
    assertThatCode(a.bus()::close).as("closing twice").doesNotThrowAnyException();
    assertThat(a.bus().isHealthy()).isFalse();
    assertThatThrownBy(() -> a.bus().start("a", new RecordingClusterListener()))
        .as("starting a closed bus")
        .isInstanceOf(IllegalStateException.class);
    int heardBeforeClose = a.listener().events().size();
    RoomId room = RoomId.of("after-close");
    assertThatCode(
            () -> {
              a.bus().publishMessage(message(room, 1, "after close", new byte[0]));
              a.bus().publishPresence(room, UserId.of("ghost"), true);
              a.bus().presence(room);
            })
        .as("publishing and reading presence on a closed bus")
        .doesNotThrowAnyException();

    ChatMessage marker = message(room, 2, "from c", new byte[0]);
    c.bus().publishMessage(marker);
    awaitTrue("b hears c's message", timeout(), () -> b.listener().messages().contains(marker));
    assertThat(b.listener().messages())
        .as("b hears nothing a sent after closing")
        .containsExactly(marker);
    assertThat(b.listener().events(Presence.class)).isEmpty();
    awaitPresence(b, room, Set.of());
    assertThat(a.listener().events())
        .as("a closed bus calls no listener")
        .hasSize(heardBeforeClose);

    ClusterBus neverStarted = unstartedBus();
    neverStarted.close();
    assertThatThrownBy(() -> neverStarted.start("late", new RecordingClusterListener()))
        .as("starting a bus closed before it started")
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void listenerCallsComeOneAtATimeOnTheBusThread() throws Exception {
    Node a = startNode("a");
    Node b = startNode("b");
    Node slow = startNode("slow", new RecordingClusterListener(TimeUnit.MICROSECONDS.toNanos(50)));
    int count = 300;
    RoomId room = RoomId.of("threads");
    Thread other =
        new Thread(
            () -> {
              for (int i = 1; i <= count; i++) {
                b.bus().publishMessage(message(RoomId.of("threads-b"), i, "b" + i, new byte[0]));
                b.bus().publishPresence(room, UserId.of("user" + i), i % 2 == 0);
              }
            },
            "publisher-b");
    other.start();
    for (int i = 1; i <= count; i++) {
      a.bus().publishMessage(message(room, i, "a" + i, new byte[0]));
    }
    other.join(timeout().toMillis());
    awaitTrue(
        "the slow node hears everything",
        timeout(),
        () -> hasSeq(slow, room, count) && hasSeq(slow, RoomId.of("threads-b"), count));
    assertThat(slow.listener().mostCallsAtOnce())
        .as("listener calls at the same time")
        .isEqualTo(1);
    assertThat(slow.listener().threads())
        .as("threads listener calls came on")
        .doesNotContain(Thread.currentThread().getName(), "publisher-b");
  }

  // ---- helpers ----

  private static void publishNumbered(ClusterBus bus, RoomId room, int count) {
    for (int seq = 1; seq <= count; seq++) {
      bus.publishMessage(message(room, seq, "message " + seq, new byte[] {(byte) seq}));
    }
  }

  private static boolean hasSeq(Node node, RoomId room, long seq) {
    return seqs(node, room).contains(seq);
  }

  private static List<Long> seqs(Node node, RoomId room) {
    return node.listener().messages().stream()
        .filter(m -> m.room().equals(room))
        .map(ChatMessage::seq)
        .toList();
  }

  private static void assertInOrderOnce(Node node, RoomId room, int count) {
    List<Long> seqs = seqs(node, room);
    for (int i = 1; i < seqs.size(); i++) {
      assertThat(seqs.get(i))
          .as("node %s: message after seq %d of %s", node.id(), seqs.get(i - 1), room)
          .isGreaterThan(seqs.get(i - 1));
    }
    if (node.listener().resyncs() == 0) {
      assertThat(seqs)
          .as("node %s lost messages of %s without asking to resync", node.id(), room)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, count).boxed().toList());
    }
  }

  private static boolean heardPresence(Node node, String user) {
    return node.listener().events(Presence.class).stream()
        .anyMatch(p -> p.user().value().equals(user) && p.online());
  }

  private void awaitPresence(Node node, RoomId room, Set<RemotePresence> expected)
      throws InterruptedException {
    List<Set<RemotePresence>> last = new ArrayList<>();
    try {
      awaitTrue(
          "node " + node.id() + " reads presence " + expected + " in " + room,
          timeout(),
          () -> {
            Set<RemotePresence> now = presenceOf(node, room);
            last.clear();
            last.add(now);
            return now.equals(expected);
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last read " + last, e);
    }
  }

  private Set<RemotePresence> presenceOf(Node node, RoomId room) {
    CompletableFuture<Set<RemotePresence>> answer = node.bus().presence(room);
    try {
      return answer.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("presence of " + room + " on node " + node.id() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Returns once {@code condition} holds; fails after {@code timeout}. */
  protected static void awaitTrue(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    try {
      Awaitility.await(what)
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(5))
          .until(condition::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("timed out after " + timeout + " waiting until " + what, e);
    }
  }

  /** A message with ordinary ids. */
  protected static ChatMessage message(RoomId room, long seq, String text, byte[] payload) {
    return new ChatMessage(
        room,
        seq,
        MessageId.of("m" + seq),
        UserId.of("sender"),
        ClientMessageId.of("c" + seq),
        Instant.ofEpochMilli(1_700_000_000_000L + seq),
        text,
        payload);
  }

  /** Messages at the edges of what a {@link ChatMessage} can hold. */
  protected static List<ChatMessage> unusualMessages() {
    Random random = new Random(42);
    byte[] everyByte = new byte[256];
    for (int i = 0; i < 256; i++) {
      everyByte[i] = (byte) i;
    }
    byte[] large = new byte[1 << 20];
    random.nextBytes(large);
    StringBuilder longText = new StringBuilder();
    while (longText.length() < 100_000) {
      longText.append("Grüße, 世界! 😀 \u0000\t\r\n e\u0301 𝄞 ");
    }
    String maxRoom = repeat("Room_.-@:9", RoomId.MAX_LENGTH);
    return List.of(
        new ChatMessage(
            RoomId.of("unicode"),
            1,
            MessageId.of("u1"),
            UserId.of("alice"),
            ClientMessageId.of("c-1"),
            Instant.ofEpochSecond(1_700_000_000L, 123_456_789),
            "ünïcödé ✓ emoji 😀 שלום 中文 \u0000 nul",
            everyByte),
        new ChatMessage(
            RoomId.of("empty"),
            2,
            MessageId.of("u2"),
            UserId.of("bob"),
            ClientMessageId.of("c-2"),
            Instant.EPOCH,
            "",
            new byte[0]),
        new ChatMessage(
            RoomId.of("surrogates"),
            3,
            MessageId.of("u3"),
            UserId.of("carol"),
            ClientMessageId.of("c-3"),
            Instant.ofEpochMilli(-1),
            "lone \uD83D high and \uDE00 low surrogate",
            new byte[] {0}),
        new ChatMessage(
            RoomId.of(maxRoom),
            Long.MAX_VALUE,
            MessageId.of(repeat("Ab9", MessageId.MAX_LENGTH)),
            UserId.of(repeat("u.s_e-r@", UserId.MAX_LENGTH)),
            ClientMessageId.of(repeat("c._-", ClientMessageId.MAX_LENGTH)),
            Instant.ofEpochSecond(4_102_444_800L, 999_999_999),
            longText.toString(),
            large));
  }

  private static String repeat(String unit, int length) {
    return unit.repeat(length / unit.length() + 1).substring(0, length);
  }
}
