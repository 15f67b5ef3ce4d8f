package dev.parley.chat.examples.notify;

import static dev.parley.chat.examples.notify.NotifyFixture.ALICE;
import static dev.parley.chat.examples.notify.NotifyFixture.LOBBY;
import static dev.parley.chat.examples.notify.NotifyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.CodedOutputStream;
import dev.parley.chat.events.rabbitmq.RabbitMqEventSink;
import dev.parley.chat.protocol.EventCodec;
import dev.parley.chat.spi.ChatEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The notification worker against the local RabbitMQ, with its state in H2: coalescing, repeats,
 * crashes before and after the commit, bad messages, and no threads left after close. Events are
 * published with a real {@link RabbitMqEventSink}.
 */
class NotificationWorkerIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String TENTH = "message.stored:team.lobby:10";

  @BeforeEach
  void broker() {
    TestServices.requireRabbitMq();
  }

  @Test
  void twentyMessagesInAMinuteMakeOneNotificationForTheOneMemberWhoWasOffline() throws Exception {
    try (NotifyFixture f = new NotifyFixture(TestServices.h2(), RabbitMqEventSink.Format.PROTOBUF);
        NotificationWorker worker = f.worker().build()) {
      f.publish(CoalescingScenario.firstPart());
      await().atMost(WAIT).until(() -> worker.stats().processed() == CoalescingScenario.FIRST_PART);
      CoalescingScenario.checkFirstPart(f, worker);

      f.publish(CoalescingScenario.secondPart());
      await()
          .atMost(WAIT)
          .until(() -> worker.stats().processed() == CoalescingScenario.FIRST_PART + 2);
      CoalescingScenario.checkSecondPart(f);

      assertThat(worker.stats()).isEqualTo(new NotificationWorker.Stats(27, 0, 0, 0, 0, 3, 3, 0));
      assertThat(f.ready()).isZero();
    }
  }

  @Test
  void everyEventDeliveredTwiceHasTheEffectsOfOnce() throws Exception {
    try (NotifyFixture f = new NotifyFixture(TestServices.h2(), RabbitMqEventSink.Format.JSON);
        NotificationWorker worker = f.worker().build()) {
      f.publish(twice(CoalescingScenario.firstPart()));
      await()
          .atMost(WAIT)
          .until(() -> worker.stats().duplicates() == CoalescingScenario.FIRST_PART);
      assertThat(worker.stats().processed()).isEqualTo(CoalescingScenario.FIRST_PART);
      assertThat(f.seen()).isEqualTo(CoalescingScenario.FIRST_PART);
      CoalescingScenario.checkFirstPart(f, worker);

      // Late repeats, after their window closed, do not open a new one.
      f.publish(CoalescingScenario.firstPart());
      await()
          .atMost(WAIT)
          .until(() -> worker.stats().duplicates() == 2L * CoalescingScenario.FIRST_PART);
      assertThat(f.windows()).isEmpty();
      assertThat(f.notifications()).hasSize(1);

      f.publish(twice(CoalescingScenario.secondPart()));
      await()
          .atMost(WAIT)
          .until(() -> worker.stats().duplicates() == 2L * CoalescingScenario.FIRST_PART + 2);
      CoalescingScenario.checkSecondPart(f);
      assertThat(worker.stats().processed()).isEqualTo(CoalescingScenario.FIRST_PART + 2);
      assertThat(worker.stats().failed()).isZero();
    }
  }

  @Test
  void aFailureAfterTheCommitBeforeTheAckIsAbsorbedWhenTheEventComesBack() throws Exception {
    AtomicBoolean failed = new AtomicBoolean();
    NotificationWorker.Hooks failAfterCommit =
        new NotificationWorker.Hooks() {
          @Override
          public void afterCommit(ChatEvent event, NotificationWorker worker) {
            if (event.id().equals(TENTH) && failed.compareAndSet(false, true)) {
              throw new IllegalStateException("failure injected after the commit of " + TENTH);
            }
          }
        };
    try (NotifyFixture f = new NotifyFixture(TestServices.h2(), RabbitMqEventSink.Format.PROTOBUF);
        NotificationWorker worker = f.worker().hooks(failAfterCommit).build()) {
      f.publish(CoalescingScenario.firstPart());
      await().atMost(WAIT).until(() -> worker.stats().duplicates() == 1);
      await().atMost(WAIT).until(() -> worker.stats().processed() == CoalescingScenario.FIRST_PART);
      assertThat(failed).isTrue();
      assertThat(f.seen()).isEqualTo(CoalescingScenario.FIRST_PART);
      CoalescingScenario.checkFirstPart(f, worker);
      await().atMost(WAIT).until(() -> f.ready() == 0);
    }
  }

  @Test
  void aWorkerThatDiesAfterTheCommitBeforeTheAckLeavesNoDoubleEffectForItsSuccessor()
      throws Exception {
    AtomicBoolean crashed = new AtomicBoolean();
    NotificationWorker.Hooks dieAfterCommit =
        new NotificationWorker.Hooks() {
          @Override
          public void afterCommit(ChatEvent event, NotificationWorker worker) {
            if (event.id().equals(TENTH) && crashed.compareAndSet(false, true)) {
              worker.abortConnection(); // as if the process died: no ack, no nack
              throw new IllegalStateException("crash injected after the commit of " + TENTH);
            }
          }
        };
    try (NotifyFixture f =
        new NotifyFixture(TestServices.h2(), RabbitMqEventSink.Format.PROTOBUF)) {
      NotificationWorker first = f.worker().hooks(dieAfterCommit).build();
      try {
        f.publish(CoalescingScenario.firstPart());
        await().atMost(WAIT).untilTrue(crashed);
      } finally {
        first.close();
      }
      assertThat(first.stats().processed()).isLessThan(CoalescingScenario.FIRST_PART);

      try (NotificationWorker second = f.worker().build()) {
        await()
            .atMost(WAIT)
            .until(
                () ->
                    first.stats().processed() + second.stats().processed()
                        == CoalescingScenario.FIRST_PART);
        await().atMost(WAIT).until(() -> f.ready() == 0);
        // The tenth message was committed by the first worker and never acknowledged.
        assertThat(second.stats().duplicates()).isGreaterThanOrEqualTo(1);
        assertThat(f.seen()).isEqualTo(CoalescingScenario.FIRST_PART);
        CoalescingScenario.checkFirstPart(f, second);
      }
    }
  }

  @Test
  void aFailureBeforeTheCommitRollsBackAndTheEventIsAppliedOnceWhenItComesBack() throws Exception {
    AtomicBoolean failed = new AtomicBoolean();
    NotificationWorker.Hooks failBeforeCommit =
        new NotificationWorker.Hooks() {
          @Override
          public void beforeCommit(ChatEvent event) {
            if (event.id().equals(TENTH) && failed.compareAndSet(false, true)) {
              throw new IllegalStateException("failure injected before the commit of " + TENTH);
            }
          }
        };
    try (NotifyFixture f = new NotifyFixture(TestServices.h2(), RabbitMqEventSink.Format.PROTOBUF);
        NotificationWorker worker = f.worker().hooks(failBeforeCommit).build()) {
      f.publish(CoalescingScenario.firstPart());
      await().atMost(WAIT).until(() -> worker.stats().processed() == CoalescingScenario.FIRST_PART);
      assertThat(failed).isTrue();
      assertThat(worker.stats().failed()).isEqualTo(1);
      assertThat(worker.stats().duplicates()).isZero();
      assertThat(f.seen()).isEqualTo(CoalescingScenario.FIRST_PART);
      CoalescingScenario.checkFirstPart(f, worker);
    }
  }

  @Test
  void badAndUnknownMessagesAreAcknowledgedCountedAndDoNotStopTheWorker() throws Exception {
    try (NotifyFixture f = new NotifyFixture(TestServices.h2(), RabbitMqEventSink.Format.PROTOBUF);
        NotificationWorker worker = f.worker().build()) {
      String key = "message.stored." + EventCodec.routingKeyWord(LOBBY.value());
      f.publishRaw(key, EventCodec.PROTOBUF_CONTENT_TYPE, new byte[] {(byte) 0xff, 0x01, 0x02});
      f.publishRaw(key, EventCodec.JSON_CONTENT_TYPE, utf8("{\"id\": \"broken"));
      f.publishRaw(
          key,
          EventCodec.JSON_CONTENT_TYPE,
          utf8(
              "{\"id\":\"reaction.added:1\",\"atMs\":\"1796544000123\","
                  + "\"type\":\"reaction.added\"}"));
      f.publishRaw(key, EventCodec.PROTOBUF_CONTENT_TYPE, laterVersionEvent());
      f.publishRaw(key, "text/plain", utf8("hello"));
      f.publishRaw(
          key,
          EventCodec.PROTOBUF_CONTENT_TYPE,
          EventCodec.encode(
              new ChatEvent.RoomCreated("room.created:team.lobby", T0, LOBBY, ALICE)));
      f.publish(CoalescingScenario.firstPart());

      await().atMost(WAIT).until(() -> worker.stats().processed() == CoalescingScenario.FIRST_PART);
      assertThat(worker.stats().dropped()).isEqualTo(5);
      assertThat(worker.stats().ignored()).isEqualTo(1);
      assertThat(worker.stats().failed()).isZero();
      await().atMost(WAIT).until(() -> f.ready() == 0);
      assertThat(f.windows()).containsExactly("carol team.lobby 20 1..20");
    }
  }

  @Test
  void closeStopsConsumingAndLeavesNoThreads() throws Exception {
    try (NotifyFixture f =
        new NotifyFixture(TestServices.h2(), RabbitMqEventSink.Format.PROTOBUF)) {
      NotificationWorker worker =
          NotificationWorker.builder()
              .uri(TestServices.RABBITMQ_URI)
              .exchange(f.exchange)
              .queue(f.queue)
              .jdbcUrl("jdbc:h2:mem:notify-own-" + UUID.randomUUID(), "sa", "")
              .clock(f.clock)
              .notifier(f.delivered::add)
              .flushInterval(Duration.ofMillis(50))
              .build();
      f.publish(NotifyFixture.members());
      await().atMost(WAIT).until(() -> worker.stats().processed() == 5);
      String prefix = worker.threadNamePrefix();
      assertThat(threads(prefix)).isNotEmpty();

      worker.close();
      worker.close(); // a second close does nothing
      await()
          .atMost(WAIT)
          .untilAsserted(() -> assertThat(threads(prefix)).as("threads left").isEmpty());

      f.publish(CoalescingScenario.firstPart().subList(5, 10));
      await().atMost(WAIT).until(() -> f.ready() == 5); // nobody consumes any more
      assertThat(worker.stats().processed()).isEqualTo(5);
    }
  }

  private static List<String> threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith(prefix))
        .sorted()
        .collect(Collectors.toList());
  }

  private static List<ChatEvent> twice(List<ChatEvent> events) {
    List<ChatEvent> twice = new ArrayList<>();
    for (ChatEvent e : events) {
      twice.add(e);
      twice.add(e);
    }
    return twice;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A parley.v1.Event of a type this version does not know, with a kind field it lacks. */
  private static byte[] laterVersionEvent() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeString(1, "reaction.added:team.lobby:1");
    out.writeInt64(2, T0.toEpochMilli());
    out.writeString(3, "reaction.added");
    out.writeByteArray(16, new byte[] {0x0a, 0x01, 'x'});
    out.flush();
    return bytes.toByteArray();
  }
}
