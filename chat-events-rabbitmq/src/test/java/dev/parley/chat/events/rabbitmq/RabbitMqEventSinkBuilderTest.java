package dev.parley.chat.events.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.ChatEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The builder's checks, and what a sink does before it ever connects. No broker needed. */
class RabbitMqEventSinkBuilderTest {

  @Test
  void defaultsAreThoseDocumented() {
    try (RabbitMqEventSink sink = RabbitMqEventSink.builder().build()) {
      assertThat(sink.exchange()).isEqualTo(RabbitMqEventSink.DEFAULT_EXCHANGE);
      assertThat(sink.format()).isEqualTo(RabbitMqEventSink.Format.PROTOBUF);
    }
  }

  @Test
  void rejectsWhatIsNotAnAmqpUri() {
    assertThatThrownBy(() -> RabbitMqEventSink.builder().uri("http://127.0.0.1:5672/").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("amqp://");
    assertThatThrownBy(() -> RabbitMqEventSink.builder().uri("amqp://[bad").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a URI");
  }

  @Test
  void rejectsBadExchangeNamesAndDurations() {
    RabbitMqEventSink.Builder builder = RabbitMqEventSink.builder();
    assertThatThrownBy(() -> builder.exchange("")).hasMessageContaining("1 to 255 characters");
    assertThatThrownBy(() -> builder.exchange("amq.topic")).hasMessageContaining("amq.");
    assertThatThrownBy(() -> builder.confirmTimeout(Duration.ZERO))
        .hasMessageContaining("confirmTimeout must be positive");
    assertThatThrownBy(() -> builder.publishTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("publishTimeout must be positive");
    assertThatThrownBy(() -> builder.maxQueuedBatches(0)).hasMessageContaining("1 or more");
    assertThatThrownBy(() -> builder.breaker(0, Duration.ofSeconds(1)))
        .hasMessageContaining("breaker window");
  }

  @Test
  void anEmptyBatchCompletesWithoutABroker() {
    try (RabbitMqEventSink sink = RabbitMqEventSink.builder().build()) {
      assertThat(sink.publish(List.of())).isCompleted();
    }
  }

  @Test
  void anEventThatCannotBeEncodedFailsAtOnceAndNothingIsSent() {
    ChatEvent tooLate =
        new ChatEvent.MemberJoined("e1", Instant.MAX, RoomId.of("r"), UserId.of("u"));
    try (RabbitMqEventSink sink = RabbitMqEventSink.builder().build()) {
      CompletableFuture<Void> future = sink.publish(List.of(tooLate));

      assertThat(future).isCompletedExceptionally();
      assertThatThrownBy(future::get)
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot be published");
    }
  }

  @Test
  void aBrokerThatCannotBeReachedFailsThePublishAndCloseEndsTheThread() {
    // port 1 on the loopback: nothing listens, the connection is refused at once
    RabbitMqEventSink sink =
        RabbitMqEventSink.builder().uri("amqp://guest:guest@127.0.0.1:1/%2f").build();
    assertThatThrownBy(() -> sink.publish(TestEvents.messages("x", 0, 1, 1)).get())
        .hasCauseInstanceOf(dev.parley.chat.api.ChatException.class)
        .hasMessageContaining("cannot reach RabbitMQ at amqp://127.0.0.1:1/");
    sink.close();
    sink.close();
    sink.close();

    assertThatThrownBy(() -> sink.publish(TestEvents.messages("x", 0, 1, 1)).get())
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("parley-events-rabbitmq-") && t.isAlive());
  }
}
