package dev.parley.chat.events.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.protocol.EventCodec;
import dev.parley.chat.spi.ChatEvent;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sink against the real RabbitMQ: what a message looks like, and the broker refusing. */
class RabbitMqEventSinkIT {
  private String exchange;
  private TestQueue queue;

  @BeforeEach
  void broker() throws Exception {
    RabbitMqTestBroker.requireRunning();
    exchange = RabbitMqTestBroker.uniqueExchange();
    queue = new TestQueue(exchange);
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (queue != null) {
      queue.close();
    }
  }

  private RabbitMqEventSink.Builder sink() {
    return RabbitMqEventSink.builder().uri(RabbitMqTestBroker.URI).exchange(exchange);
  }

  @Test
  void eachEventIsOnePersistentMessageWithItsIdTypeTimeAndRoutingKey() throws Exception {
    List<ChatEvent> events = TestEvents.messages("props", 0, 3, 2);
    try (RabbitMqEventSink sink = sink().build()) {
      sink.publish(events).get(30, TimeUnit.SECONDS);
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> queue.deliveries().size() == 3);
    for (int i = 0; i < 3; i++) {
      TestQueue.Delivery d = queue.deliveries().get(i);
      ChatEvent event = events.get(i);
      assertThat(d.routingKey()).isEqualTo("message.stored.room~" + (i % 2));
      assertThat(d.routingKey()).isEqualTo(EventCodec.routingKey(event));
      assertThat(d.properties().getMessageId()).isEqualTo(event.id());
      assertThat(d.properties().getHeaders().get(RabbitMqEventSink.EVENT_ID_HEADER))
          .hasToString(event.id());
      assertThat(d.properties().getType()).isEqualTo("message.stored");
      assertThat(d.properties().getContentType()).isEqualTo(EventCodec.PROTOBUF_CONTENT_TYPE);
      assertThat(d.properties().getDeliveryMode()).isEqualTo(2);
      assertThat(d.properties().getTimestamp())
          .isEqualTo(Date.from(event.at().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
      assertThat(d.properties().getAppId()).isEqualTo("parley");
      assertThat(d.event()).isEqualTo(event);
    }
  }

  @Test
  void jsonBodiesSayTheirContentType() throws Exception {
    List<ChatEvent> events = TestEvents.messages("json", 0, 2, 1);
    try (RabbitMqEventSink sink = sink().format(RabbitMqEventSink.Format.JSON).build()) {
      sink.publish(events).get(30, TimeUnit.SECONDS);
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> queue.deliveries().size() == 2);
    assertThat(queue.deliveries())
        .allSatisfy(d -> assertThat(d.properties().getContentType()).isEqualTo("application/json"));
    assertThat(queue.events()).containsExactlyElementsOf(events);
  }

  @Test
  void aDeletedExchangeFailsThePublishClearlyAndTheNextPublishDeclaresItAgain() throws Exception {
    try (RabbitMqEventSink sink = sink().build()) {
      sink.publish(TestEvents.messages("del", 0, 1, 1)).get(30, TimeUnit.SECONDS);
      try (Channel admin = queue.admin()) {
        admin.exchangeDelete(exchange);
      }

      assertThatThrownBy(
              () -> sink.publish(TestEvents.messages("del", 1, 2, 1)).get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(ChatException.class)
          .hasMessageContaining("refused the events and closed the channel")
          .hasMessageContaining("NOT_FOUND")
          .hasMessageContaining(exchange);

      // the sink's next channel declares the exchange again (with no queue bound yet, RabbitMQ
      // confirms and drops these); then the test's queue binds anew and gets the next ones
      List<ChatEvent> again = TestEvents.messages("del", 1, 2, 1);
      sink.publish(again).get(30, TimeUnit.SECONDS);
      queue.bind();
      sink.publish(again).get(30, TimeUnit.SECONDS);
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                queue.deliveries().stream()
                    .anyMatch(d -> d.properties().getMessageId().equals("del-2")));
    assertThat(queue.events())
        .extracting(ChatEvent::id)
        .startsWith("del-0")
        .contains("del-1", "del-2");
  }

  @Test
  void aNegativeAcknowledgementFailsThePublish() throws Exception {
    try (Channel admin = queue.admin();
        RabbitMqEventSink sink = sink().build()) {
      // a queue nobody reads that takes one message and refuses the rest
      String full =
          admin
              .queueDeclare(
                  "", false, true, true, Map.of("x-max-length", 1, "x-overflow", "reject-publish"))
              .getQueue();
      admin.queueBind(full, exchange, "#");

      assertThatThrownBy(
              () -> sink.publish(TestEvents.messages("nack", 0, 3, 1)).get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(ChatException.class)
          .hasMessageContaining("refused the events (negative acknowledgement)")
          .satisfies(e -> assertThat(((ChatException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));

      admin.queueDelete(full);
      sink.publish(TestEvents.messages("nack", 3, 1, 1)).get(30, TimeUnit.SECONDS);
    }
  }
}
