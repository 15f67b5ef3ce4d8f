package dev.parley.chat.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.testkit.events.InMemoryEventSink;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CountingEventSinkTest {
  private static ChatEvent online(int n) {
    return new ChatEvent.UserOnline("user.online:u" + n, Instant.EPOCH, UserId.of("u" + n));
  }

  @Test
  void countsTheEventsOfConfirmedBatchesAndTheFailedBatches() {
    InMemoryEventSink inner = new InMemoryEventSink();
    CountingEventSink sink = new CountingEventSink(inner);

    assertThat(sink.publish(List.of(online(1), online(2)))).isCompleted();
    assertThat(sink.publish(List.of(online(3)))).isCompleted();
    inner.cutAfter(1);
    assertThat(sink.publish(List.of(online(4), online(5)))).isCompletedExceptionally();
    assertThat(sink.publish(List.of(online(6)))).isCompletedExceptionally();

    assertThat(sink.confirmed()).isEqualTo(3);
    assertThat(sink.confirmedBatches()).isEqualTo(2);
    assertThat(sink.failedBatches()).isEqualTo(2);
    assertThat(inner.received()).hasSize(4);
  }

  @Test
  void closingClosesTheOtherSink() {
    InMemoryEventSink inner = new InMemoryEventSink();
    CountingEventSink sink = new CountingEventSink(inner);
    sink.close();
    assertThat(inner.publish(List.of(online(1)))).isCompletedExceptionally();
    assertThat(sink.publish(List.of(online(2)))).isCompletedExceptionally();
    assertThat(sink.failedBatches()).isEqualTo(1);
  }
}
