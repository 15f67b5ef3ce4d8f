package dev.parley.chat.testkit.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.spi.EventSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link EventSink} keeps: every kind of event arrives field for field with its
 * id unchanged; a batch arrives in list order, and consecutive batches in the order they were
 * published, also 10,000 events in 100 batches; an empty batch completes; {@code publish} never
 * blocks its caller, and fails the future when the destination is cut; publishing again what failed
 * delivers every event at least once with each room's first arrivals in order; a closed sink fails
 * the futures of later publishes (rather than throwing), and closing it twice is harmless.
 *
 * <p>Subclass it and implement {@link #newSink()} and {@link #receivedSoFar()}; implement {@link
 * #cutDestination()} and {@link #restoreDestination()} to run the fault cases (they are skipped
 * otherwise). Each test makes one sink, and closes it afterwards. Events are compared after a round
 * trip through the destination, so their times have whole milliseconds (what {@code
 * dev.parley.chat.protocol.EventCodec} carries), and every test's event ids start with a random
 * prefix of its own: {@link #receivedSoFar()} may include other tests' events, even of earlier runs
 * against the same broker, which are left out. The events themselves come from a fixed seed. The
 * longest ids are 256 characters, the most a {@link ChatEvent} allows. Tests wait by polling, up to
 * {@link #timeout()}; a sink under test should give up on a cut destination well within it. Not
 * thread-safe (one test at a time per instance, as JUnit runs them).
 */
public abstract class EventSinkConformanceSuite {
  /** A new sink, publishing to the destination {@link #receivedSoFar()} reads. */
  protected abstract EventSink newSink() throws Exception;

  /**
   * What reached the destination so far from the sink {@link #newSink()} made last, in arrival
   * order, repeats included. Events of earlier tests may be included; the suite ignores them.
   */
  protected abstract List<ChatEvent> receivedSoFar() throws Exception;

  /**
   * Makes the destination unreachable for the sink (stop the broker, cut the connection) and
   * returns; publishes from now on must fail. Default: the fault tests are skipped.
   */
  protected void cutDestination() throws Exception {
    Assumptions.abort("this sink's destination cannot be cut in tests");
  }

  /** Makes the destination reachable again after {@link #cutDestination()}. */
  protected void restoreDestination() throws Exception {
    Assumptions.abort("this sink's destination cannot be cut in tests");
  }

  /** Longest wait for a publish to complete or fail, or for events to arrive. Default 30 s. */
  protected Duration timeout() {
    return Duration.ofSeconds(30);
  }

  /**
   * How soon {@code publish} must return while the destination is cut. Default 2 seconds: keep it
   * below the sink's own time to give up, so a sink that waits for that inside {@code publish}
   * fails the test.
   */
  protected Duration publishReturnsWithin() {
    return Duration.ofSeconds(2);
  }

  private EventSink sink;
  private String prefix;
  private Random random;
  private int counter;

  /** Names this test's events and makes its sink. */
  @BeforeEach
  protected void openSink() throws Exception {
    prefix = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "-";
    random = new Random(20261206);
    counter = 0;
    sink = newSink();
  }

  /** Closes this test's sink. */
  @AfterEach
  protected void closeSink() {
    if (sink != null) {
      sink.close();
    }
  }

  /** The sink of the running test. */
  protected EventSink sink() {
    return sink;
  }

  @Test
  void everyKindOfEventArrivesIntact() throws Exception {
    RoomId room = RoomId.of("team.blue_" + prefix + "@x:y");
    UserId alice = UserId.of("alice.smith@example.org");
    UserId bob = UserId.of("bob_" + prefix);
    Instant at = Instant.parse("2026-12-06T08:00:00.123Z");
    List<ChatEvent> events =
        List.of(
            new ChatEvent.RoomCreated(id(), at, room, alice),
            new ChatEvent.MemberJoined(id(), at.plusMillis(1), room, bob),
            new ChatEvent.UserOnline(id(), at.plusMillis(2), bob),
            new ChatEvent.MessageStored(
                id(),
                at.plusMillis(3),
                room,
                1,
                MessageId.of("01HZX3M5R8Q0ABCDEF"),
                alice,
                ClientMessageId.of("c-1.a_b"),
                List.of(alice, bob)),
            new ChatEvent.MessageStored(
                id(),
                Instant.EPOCH.minusMillis(1),
                room,
                Long.MAX_VALUE,
                MessageId.of("m2"),
                bob,
                ClientMessageId.of("c2"),
                List.of()),
            new ChatEvent.MemberLeft(id(), at.plusMillis(4), room, bob),
            new ChatEvent.UserOffline(id(), at.plusMillis(5), bob));

    await(sink.publish(events));

    assertThat(awaitFirstArrivals(events.size())).containsExactlyElementsOf(events);
  }

  @Test
  void idsArriveUnchanged() throws Exception {
    RoomId room = room(0);
    UserId user = UserId.of("u1");
    Instant at = time();
    List<ChatEvent> events =
        List.of(
            new ChatEvent.MemberJoined(prefix + "plain", at, room, user),
            new ChatEvent.MemberJoined(prefix + "dots.stars*hash#~%/ spaces", at, room, user),
            new ChatEvent.MemberJoined(prefix + "é ü 日本 🙂", at, room, user),
            new ChatEvent.MemberJoined(prefix + "x".repeat(256 - prefix.length()), at, room, user),
            new ChatEvent.MessageStored(
                prefix + "message.stored:" + room + ":7",
                at,
                room,
                7,
                MessageId.of("m7"),
                user,
                ClientMessageId.of("c7"),
                List.of(user)));

    await(sink.publish(events));

    assertThat(awaitFirstArrivals(events.size()))
        .extracting(ChatEvent::id)
        .containsExactlyElementsOf(events.stream().map(ChatEvent::id).toList());
  }

  @Test
  void aBatchArrivesInOrder() throws Exception {
    List<ChatEvent> batch = events(200, 5);

    await(sink.publish(batch));

    assertThat(awaitFirstArrivals(batch.size())).containsExactlyElementsOf(batch);
  }

  @Test
  void consecutiveBatchesArriveInOrder() throws Exception {
    List<ChatEvent> all = new ArrayList<>();
    for (int b = 0; b < 10; b++) {
      List<ChatEvent> batch = events(1 + random.nextInt(30), 3);
      await(sink.publish(batch));
      all.addAll(batch);
    }

    assertThat(awaitFirstArrivals(all.size())).containsExactlyElementsOf(all);
  }

  @Test
  void tenThousandEventsInAHundredBatchesArriveInOrder() throws Exception {
    List<ChatEvent> all = new ArrayList<>();
    for (int b = 0; b < 100; b++) {
      List<ChatEvent> batch = events(100, 20);
      await(sink.publish(batch));
      all.addAll(batch);
    }

    List<ChatEvent> arrived = awaitFirstArrivals(all.size());
    assertThat(arrived).hasSize(10_000);
    for (int i = 0; i < all.size(); i++) {
      if (!arrived.get(i).equals(all.get(i))) {
        fail("event %d arrived as %s, expected %s", i, arrived.get(i), all.get(i));
      }
    }
  }

  @Test
  void anEmptyBatchCompletes() throws Exception {
    await(sink.publish(List.of()));
    List<ChatEvent> marker = events(1, 1);
    await(sink.publish(marker));

    assertThat(awaitFirstArrivals(1)).containsExactlyElementsOf(marker);
    assertThat(mine(receivedSoFar())).hasSize(1);
  }

  @Test
  void publishNeverBlocksTheCallerAndFailsWhileTheDestinationIsCut() throws Exception {
    await(sink.publish(events(3, 1)));
    cutDestination();
    try {
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        futures.add(publishReturningPromptly(events(5, 2)));
      }
      for (CompletableFuture<Void> future : futures) {
        assertFails(future);
      }
    } finally {
      restoreDestination();
    }
  }

  @Test
  void republishingWhatFailedDeliversEveryEventWithEachRoomInOrder() throws Exception {
    List<ChatEvent> before = events(40, 4);
    await(sink.publish(before));
    List<ChatEvent> during = events(60, 4);
    cutDestination();
    CompletableFuture<Void> failed;
    try {
      failed = publishReturningPromptly(during);
      assertFails(failed);
    } finally {
      restoreDestination();
    }
    republishUntilAccepted(during);
    List<ChatEvent> after = events(40, 4);
    await(sink.publish(after));

    List<ChatEvent> all = new ArrayList<>(before);
    all.addAll(during);
    all.addAll(after);
    List<ChatEvent> arrived = awaitFirstArrivals(all.size());
    assertThat(arrived).containsExactlyInAnyOrderElementsOf(all);
    assertThat(byRoom(arrived)).isEqualTo(byRoom(all));
  }

  @Test
  void publishAfterCloseFails() throws Exception {
    sink.close();

    assertFails(sink.publish(events(1, 1)));
    sink.close(); // closing again does nothing
  }

  // ---- helpers ----

  private String id() {
    return prefix + (counter++);
  }

  private Instant time() {
    return Instant.ofEpochMilli(1_796_000_000_000L + counter * 7L);
  }

  private RoomId room(int n) {
    return RoomId.of("room." + n + "." + prefix);
  }

  /** {@code n} events of every kind, spread over {@code rooms} rooms, seqs rising per room. */
  private List<ChatEvent> events(int n, int rooms) {
    List<ChatEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      RoomId room = room(random.nextInt(rooms));
      UserId user = UserId.of("user" + random.nextInt(50));
      Instant at = time();
      String id = id();
      ChatEvent event =
          switch (random.nextInt(8)) {
            case 0 -> new ChatEvent.RoomCreated(id, at, room, user);
            case 1 -> new ChatEvent.MemberJoined(id, at, room, user);
            case 2 -> new ChatEvent.MemberLeft(id, at, room, user);
            case 3 -> new ChatEvent.UserOnline(id, at, user);
            case 4 -> new ChatEvent.UserOffline(id, at, user);
            default ->
                new ChatEvent.MessageStored(
                    id,
                    at,
                    room,
                    counter,
                    MessageId.of("m" + counter),
                    user,
                    ClientMessageId.of("c" + counter),
                    random.nextBoolean() ? List.of(user) : List.of());
          };
      events.add(event);
    }
    return events;
  }

  /** This test's events among {@code received}. */
  private List<ChatEvent> mine(List<ChatEvent> received) {
    return received.stream().filter(e -> e.id().startsWith(prefix)).toList();
  }

  /** The first arrival of each of this test's events, once {@code count} distinct ones arrived. */
  private List<ChatEvent> awaitFirstArrivals(int count) {
    AtomicReference<List<ChatEvent>> firsts = new AtomicReference<>(List.of());
    Awaitility.await("" + count + " events arrive")
        .atMost(timeout())
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              Map<String, ChatEvent> first = new LinkedHashMap<>();
              for (ChatEvent event : mine(receivedSoFar())) {
                first.putIfAbsent(event.id(), event);
              }
              firsts.set(List.copyOf(first.values()));
              return first.size() >= count;
            });
    return firsts.get();
  }

  /** The ids of the events of rooms, grouped by room, in list order; user events left out. */
  private static Map<Optional<RoomId>, List<String>> byRoom(List<ChatEvent> events) {
    Map<Optional<RoomId>, List<String>> rooms = new LinkedHashMap<>();
    for (ChatEvent event : events) {
      if (event.room().isPresent()) {
        rooms.computeIfAbsent(event.room(), r -> new ArrayList<>()).add(event.id());
      }
    }
    return rooms;
  }

  private void await(CompletableFuture<Void> future) throws Exception {
    assertThat(future).as("publish returns a future").isNotNull();
    try {
      future.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      fail("publish did not complete within %s", timeout());
    } catch (ExecutionException e) {
      throw new AssertionError("publish failed: " + e.getCause(), e.getCause());
    }
  }

  private void assertFails(CompletableFuture<Void> future) throws InterruptedException {
    assertThat(future).as("publish returns a future").isNotNull();
    try {
      future.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
      fail("publish succeeded, but should have failed");
    } catch (TimeoutException e) {
      fail("publish neither completed nor failed within %s", timeout());
    } catch (ExecutionException expected) {
      assertThat(expected.getCause()).as("the failure's cause").isNotNull();
    }
  }

  /**
   * Publishes on another thread and checks the call returns within {@link #publishReturnsWithin}.
   */
  private CompletableFuture<Void> publishReturningPromptly(List<ChatEvent> batch) {
    CompletableFuture<CompletableFuture<Void>> call = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                call.complete(sink.publish(batch));
              } catch (Throwable t) {
                call.completeExceptionally(t);
              }
            },
            "event-sink-suite-publisher");
    caller.setDaemon(true);
    caller.start();
    Awaitility.await("publish returns while the destination is cut")
        .atMost(publishReturnsWithin())
        .pollInterval(Duration.ofMillis(10))
        .until(call::isDone);
    return call.join();
  }

  /** Publishes {@code batch} again until the sink accepts it, as the server's relay does. */
  private void republishUntilAccepted(List<ChatEvent> batch) {
    Awaitility.await("the sink accepts the batch again")
        .atMost(timeout())
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              try {
                sink.publish(batch).get(timeout().toMillis(), TimeUnit.MILLISECONDS);
                return true;
              } catch (ExecutionException e) {
                return false;
              }
            });
  }
}
