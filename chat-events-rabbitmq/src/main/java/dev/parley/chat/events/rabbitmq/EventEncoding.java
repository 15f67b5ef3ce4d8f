package dev.parley.chat.events.rabbitmq;

import dev.parley.chat.spi.ChatEvent;
import java.nio.charset.StandardCharsets;

/** How an event becomes a message body and a routing key. Stateless. */
final class EventEncoding {
  private EventEncoding() {}

  static String contentType(RabbitMqEventSink.Format format) {
    return format == RabbitMqEventSink.Format.JSON ? "application/json" : "application/x-protobuf";
  }

  static byte[] body(ChatEvent event, RabbitMqEventSink.Format format) {
    return ("{\"id\":\"" + event.id() + "\",\"type\":\"" + event.type() + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static String routingKey(ChatEvent event) {
    String subject = event.room().map(r -> r.value()).orElse("user");
    return event.type() + "." + subject.replace('.', '_').replace('*', '_').replace('#', '_');
  }
}
