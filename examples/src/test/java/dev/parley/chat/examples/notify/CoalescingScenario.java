package dev.parley.chat.examples.notify;

import static dev.parley.chat.examples.notify.NotifyFixture.ALICE;
import static dev.parley.chat.examples.notify.NotifyFixture.CAROL;
import static dev.parley.chat.examples.notify.NotifyFixture.LOBBY;
import static dev.parley.chat.examples.notify.NotifyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.spi.ChatEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The story the worker's tests tell on each database: alice, bob, carol and dave join the lobby,
 * dave leaves; alice sends 20 messages within a minute, delivered live to bob; carol was offline.
 * Then one more message after the window, and a direct message from alice to carol.
 */
final class CoalescingScenario {
  /** Events applied after the first part: 5 membership changes and 20 messages. */
  static final int FIRST_PART = 25;

  static final RoomId DIRECT = RoomId.direct(ALICE, CAROL);

  private CoalescingScenario() {}

  /** The first part's events: the members, then messages 1 to 20, two seconds apart. */
  static List<ChatEvent> firstPart() {
    List<ChatEvent> events = new ArrayList<>(NotifyFixture.members());
    events.addAll(NotifyFixture.messages(1, 20, T0.plusSeconds(1), Duration.ofSeconds(2)));
    return events;
  }

  /** Checks the first part's effects: one open window for carol, then one notification of 20. */
  static void checkFirstPart(NotifyFixture f, NotificationWorker worker) throws Exception {
    assertThat(f.windows()).containsExactly("carol team.lobby 20 1..20");
    assertThat(f.notifications()).isEmpty();
    assertThat(f.delivered).isEmpty();

    f.clock.set(T0.plusSeconds(60)); // the window opened at T0+1s: still open
    long flushes = worker.flushes();
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.flushes() >= flushes + 2);
    assertThat(f.notifications()).isEmpty();

    f.clock.set(T0.plusSeconds(61)); // now it has ended
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(f.notifications())
                    .singleElement()
                    .matches(NotifyFixture.Row::delivered));
    NotifyFixture.Row row = f.notifications().get(0);
    assertThat(row.user()).isEqualTo("carol");
    assertThat(row.room()).isEqualTo(LOBBY.value());
    assertThat(row.count()).isEqualTo(20);
    assertThat(row.firstSeq()).isEqualTo(1);
    assertThat(row.lastSeq()).isEqualTo(20);
    assertThat(row.windowStart()).isEqualTo(T0.plusSeconds(1));
    assertThat(f.windows()).isEmpty();
    assertThat(f.delivered)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.id()).isEqualTo(row.id());
              assertThat(n.user()).isEqualTo(CAROL);
              assertThat(n.count()).isEqualTo(20);
              assertThat(n.windowEnd()).isEqualTo(T0.plusSeconds(61));
            });
  }

  /** The second part's events: message 21 of the lobby and a direct message, at T0+90s. */
  static List<ChatEvent> secondPart() {
    return List.of(
        NotifyFixture.message(LOBBY, 21, T0.plusSeconds(90), ALICE, NotifyFixture.BOB),
        NotifyFixture.message(DIRECT, 1, T0.plusSeconds(90), ALICE));
  }

  /** Checks the second part's effects: two more notifications for carol, one message each. */
  static void checkSecondPart(NotifyFixture f) throws Exception {
    assertThat(f.windows())
        .containsExactly("carol " + DIRECT + " 1 1..1", "carol team.lobby 1 21..21");
    f.clock.set(T0.plusSeconds(150));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(f.notifications()).hasSize(3).allMatch(NotifyFixture.Row::delivered));
    assertThat(f.notifications())
        .extracting(
            r ->
                r.user()
                    + " "
                    + r.room()
                    + " "
                    + r.count()
                    + " "
                    + r.firstSeq()
                    + ".."
                    + r.lastSeq())
        .containsExactly(
            "carol " + DIRECT + " 1 1..1",
            "carol team.lobby 20 1..20",
            "carol team.lobby 1 21..21");
    assertThat(f.delivered).hasSize(3);
    assertThat(f.windows()).isEmpty();
  }
}
