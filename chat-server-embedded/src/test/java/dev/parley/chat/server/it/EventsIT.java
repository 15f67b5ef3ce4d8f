package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.OutgoingMessage;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.server.EventOptions;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.spi.EventSink;
import dev.parley.chat.testkit.events.InMemoryEventSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The server's events (docs/events.md) with the in-memory store and its outbox, real clients over
 * loopback, and an in-memory sink that can be cut.
 */
class EventsIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final RoomId TEAM = RoomId.of("team.blue");
  private static final UserId ALICE = UserId.of("alice");
  private static final UserId BOB = UserId.of("bob");
  private static final UserId CAROL = UserId.of("carol");

  private static EventOptions quick(InMemoryEventSink sink, long maxOutboxEvents) {
    return EventOptions.builder(sink)
        .pollInterval(Duration.ofMillis(20))
        .retry(Duration.ofMillis(20), Duration.ofMillis(100))
        .backlogInterval(Duration.ofMillis(20))
        .maxOutboxEvents(maxOutboxEvents)
        .build();
  }

  @Test
  void roomsMembersSessionsAndMessagesBecomeEventsInOrder() throws Exception {
    InMemoryEventSink sink = new InMemoryEventSink();
    try (Fixture fixture = new Fixture(b -> b.events(quick(sink, 1_000)))) {
      fixture
          .server
          .rooms()
          .createRoom(TEAM, RoomVisibility.PRIVATE, ALICE)
          .get(10, TimeUnit.SECONDS);
      fixture.server.rooms().invite(TEAM, BOB, RoomRole.MEMBER).get(10, TimeUnit.SECONDS);
      fixture.server.rooms().invite(TEAM, CAROL, RoomRole.MEMBER).get(10, TimeUnit.SECONDS);
      ChatSession alice = fixture.connect("alice", new RecordingListener());
      ChatSession bob = fixture.connect("bob", new RecordingListener());
      RoomHandle aliceInTeam = alice.join(TEAM).get(10, TimeUnit.SECONDS);
      bob.join(TEAM).get(10, TimeUnit.SECONDS);
      for (int i = 1; i <= 5; i++) {
        aliceInTeam.send("message " + i).get(10, TimeUnit.SECONDS);
      }
      bob.close();

      await()
          .atMost(WAIT)
          .until(() -> sink.received().stream().anyMatch(e -> e instanceof ChatEvent.UserOffline));
      List<ChatEvent> events = sink.received();
      List<ChatEvent.MessageStored> stored = messages(events);
      assertThat(stored)
          .extracting(ChatEvent.MessageStored::seq)
          .containsExactly(1L, 2L, 3L, 4L, 5L);
      for (ChatEvent.MessageStored m : stored) {
        assertThat(m.id()).isEqualTo("message.stored:team.blue:" + m.seq());
        assertThat(m.sender()).isEqualTo(ALICE);
        assertThat(Set.copyOf(m.deliveredLive())).containsExactlyInAnyOrder(ALICE, BOB);
      }
      assertThat(events)
          .filteredOn(e -> e instanceof ChatEvent.RoomCreated)
          .singleElement()
          .satisfies(e -> assertThat(((ChatEvent.RoomCreated) e).creator()).isEqualTo(ALICE));
      assertThat(events)
          .filteredOn(e -> e instanceof ChatEvent.MemberJoined)
          .extracting(e -> ((ChatEvent.MemberJoined) e).user())
          .containsExactly(ALICE, BOB, CAROL);
      assertThat(events)
          .filteredOn(e -> e instanceof ChatEvent.UserOnline)
          .extracting(e -> ((ChatEvent.UserOnline) e).user())
          .containsExactlyInAnyOrder(ALICE, BOB);
      assertThat(events)
          .filteredOn(e -> e instanceof ChatEvent.UserOffline)
          .extracting(e -> ((ChatEvent.UserOffline) e).user())
          .containsExactly(BOB);
      // the room's events in the order they happened: created, members, then the messages
      assertThat(
              events.indexOf(
                  events.stream()
                      .filter(e -> e instanceof ChatEvent.RoomCreated)
                      .findFirst()
                      .orElseThrow()))
          .isLessThan(events.indexOf(stored.get(0)));
      assertThat(new LinkedHashSet<>(events.stream().map(ChatEvent::id).toList()))
          .hasSize(events.size());
    }
  }

  @Test
  void aSinkThatFailsLetsTheOutboxGrowWithoutSlowingSendsAndTheRelayCatchesUp() throws Exception {
    InMemoryEventSink sink = new InMemoryEventSink();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Fixture fixture = new Fixture(b -> b.events(quick(sink, 1_000)).meterRegistry(registry))) {
      ChatSession alice = fixture.connect("alice", new RecordingListener());
      RoomHandle room = alice.join(TEAM).get(10, TimeUnit.SECONDS);
      room.send("before").get(10, TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> messages(sink.received()).size() == 1);
      sink.cutAfter(0);
      List<CompletableFuture<?>> sends = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        sends.add(room.send("during " + i));
      }
      for (CompletableFuture<?> send : sends) {
        send.get(10, TimeUnit.SECONDS); // every send is acknowledged while the sink is down
      }
      await()
          .atMost(WAIT)
          .until(() -> registry.get("parley.events.outbox.events").gauge().value() >= 60);
      await()
          .atMost(WAIT)
          .until(() -> registry.get("parley.events.publish.failures").counter().count() >= 2);
      assertThat(messages(sink.received())).hasSize(1);

      sink.restore();
      await().atMost(WAIT).until(() -> distinctSeqs(sink.received()) == 61);
      assertFirstArrivalsInSeqOrder(messages(sink.received()));
      await()
          .atMost(WAIT)
          .until(() -> registry.get("parley.events.outbox.events").gauge().value() == 0);
      assertThat(registry.get("parley.events.relayed").counter().count())
          .isGreaterThanOrEqualTo(61);
      assertThat(registry.get("parley.events.dropped").counter().count()).isZero();
    }
  }

  @Test
  void aFullOutboxDropsNewEventsAndCountsThemWhileChatGoesOn() throws Exception {
    InMemoryEventSink sink = new InMemoryEventSink();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Fixture fixture = new Fixture(b -> b.events(quick(sink, 10)).meterRegistry(registry))) {
      ChatSession alice = fixture.connect("alice", new RecordingListener());
      RoomHandle room = alice.join(TEAM).get(10, TimeUnit.SECONDS);
      room.send("before").get(10, TimeUnit.SECONDS);
      // everything so far relayed (alice online, the first message): the outbox is empty
      await().atMost(WAIT).until(() -> messages(sink.received()).size() == 1);
      sink.cutAfter(0);
      for (int i = 0; i < 10; i++) {
        room.send("fills " + i).get(10, TimeUnit.SECONDS);
      }
      await()
          .atMost(WAIT)
          .until(() -> registry.get("parley.events.outbox.events").gauge().value() >= 10);
      for (int i = 0; i < 20; i++) {
        OutgoingMessage over =
            OutgoingMessage.builder()
                .text("over " + i)
                .clientMessageId(ClientMessageId.of("over-" + i))
                .build();
        assertThat(room.send(over).get(10, TimeUnit.SECONDS).duplicate()).isFalse(); // acked
        // a resend of a stored message has no event of its own, so nothing more is dropped
        assertThat(room.send(over).get(10, TimeUnit.SECONDS).duplicate()).isTrue();
      }
      assertThat(registry.get("parley.events.dropped").counter().count()).isEqualTo(20);
      assertThat(registry.get("parley.events.outbox.max.events").gauge().value()).isEqualTo(10);

      sink.restore();
      await().atMost(WAIT).until(() -> distinctSeqs(sink.received()) == 11);
      assertFirstArrivalsInSeqOrder(messages(sink.received()));
      // below the bound again (measured after the sink took the backlog), events are written again
      await()
          .atMost(WAIT)
          .until(() -> registry.get("parley.events.outbox.events").gauge().value() == 0);
      room.send("after").get(10, TimeUnit.SECONDS);
      await()
          .atMost(WAIT)
          .until(() -> messages(sink.received()).stream().anyMatch(m -> m.seq() == 32));
      assertThat(alice.room(TEAM).orElseThrow().history(0, 50).get(10, TimeUnit.SECONDS).messages())
          .hasSize(32);
    }
  }

  private static List<ChatEvent.MessageStored> messages(List<ChatEvent> events) {
    return events.stream()
        .filter(e -> e instanceof ChatEvent.MessageStored)
        .map(e -> (ChatEvent.MessageStored) e)
        .toList();
  }

  private static long distinctSeqs(List<ChatEvent> events) {
    return messages(events).stream().mapToLong(ChatEvent.MessageStored::seq).distinct().count();
  }

  /**
   * A sink that fails its first publish plainly and its second with a retry-after of 50 ms (as a
   * breaker that is about to let a batch try does), then takes everything; it notes when each
   * publish came. Thread-safe.
   */
  private static final class SayingWhenSink implements EventSink {
    final List<Long> calls = new CopyOnWriteArrayList<>();
    final InMemoryEventSink taken = new InMemoryEventSink();

    @Override
    public CompletableFuture<Void> publish(List<ChatEvent> events) {
      calls.add(System.nanoTime());
      if (calls.size() == 1) {
        return CompletableFuture.failedFuture(
            new ChatException(ErrorCode.UNAVAILABLE, "down a first time"));
      }
      if (calls.size() == 2) {
        return CompletableFuture.failedFuture(
            new ChatException(
                ErrorCode.UNAVAILABLE, "refused, ready in 50 ms", Duration.ofMillis(50)));
      }
      return taken.publish(events);
    }

    @Override
    public void close() {}
  }

  @Test
  void theRelayRetriesWhenTheSinkSaysRatherThanAfterItsOwnLongerBackoff() throws Exception {
    SayingWhenSink sink = new SayingWhenSink();
    // the relay's own waits: 5 s after the first failure, 10 s after the second
    EventOptions options =
        EventOptions.builder(sink)
            .pollInterval(Duration.ofMillis(20))
            .retry(Duration.ofSeconds(5), Duration.ofSeconds(60))
            .backlogInterval(Duration.ofMillis(20))
            .build();
    try (Fixture fixture = new Fixture(b -> b.events(options))) {
      ChatSession alice = fixture.connect("alice", new RecordingListener());
      alice.join(TEAM).get(10, TimeUnit.SECONDS).send("hello").get(10, TimeUnit.SECONDS);

      await().atMost(WAIT).until(() -> messages(sink.taken.received()).size() == 1);
      long afterRefusal = sink.calls.get(2) - sink.calls.get(1);
      assertThat(Duration.ofNanos(afterRefusal))
          .as("the third try came the sink's 50 ms after its refusal, not the relay's 10 s")
          .isLessThan(Duration.ofSeconds(5));
    }
  }

  private static void assertFirstArrivalsInSeqOrder(List<ChatEvent.MessageStored> stored) {
    List<Long> firsts = new ArrayList<>();
    Set<Long> seen = new LinkedHashSet<>();
    for (ChatEvent.MessageStored m : stored) {
      if (seen.add(m.seq())) {
        firsts.add(m.seq());
      }
    }
    assertThat(firsts).isSorted();
    assertThat(firsts.get(firsts.size() - 1) - firsts.get(0) + 1).isEqualTo(firsts.size());
  }
}
