package dev.parley.chat.examples.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.events.rabbitmq.RabbitMqEventSink;
import dev.parley.chat.spi.ChatEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker's story on PostgreSQL, every event delivered twice (JSON bodies). */
class NotificationWorkerPostgresIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @BeforeEach
  void broker() {
    TestServices.requireRabbitMq();
  }

  @Test
  void coalescesAndAppliesEachEventOnceOnPostgres() throws Exception {
    try (NotifyFixture f =
            new NotifyFixture(TestServices.postgres(), RabbitMqEventSink.Format.JSON);
        NotificationWorker worker = f.worker().build()) {
      List<ChatEvent> events = new ArrayList<>(CoalescingScenario.firstPart());
      events.addAll(CoalescingScenario.firstPart());
      f.publish(events);
      await()
          .atMost(WAIT)
          .until(() -> worker.stats().duplicates() == CoalescingScenario.FIRST_PART);
      assertThat(worker.stats().processed()).isEqualTo(CoalescingScenario.FIRST_PART);
      assertThat(f.seen()).isEqualTo(CoalescingScenario.FIRST_PART);
      CoalescingScenario.checkFirstPart(f, worker);

      f.publish(CoalescingScenario.secondPart());
      await()
          .atMost(WAIT)
          .until(() -> worker.stats().processed() == CoalescingScenario.FIRST_PART + 2);
      CoalescingScenario.checkSecondPart(f);
      assertThat(worker.stats().failed()).isZero();
    }
  }
}
