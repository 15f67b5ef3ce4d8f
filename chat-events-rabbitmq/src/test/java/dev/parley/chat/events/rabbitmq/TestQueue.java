package dev.parley.chat.events.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.parley.chat.protocol.EventCodec;
import dev.parley.chat.spi.ChatEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A consumer for tests: declares the exchange (topic, durable, as the sink does), binds a queue of
 * its own to every routing key ({@code #}) and records every delivery in arrival order. {@link
 * #close()} deletes the exchange and the queue. Thread-safe; deliveries are recorded on the AMQP
 * client's consumer thread.
 */
final class TestQueue implements AutoCloseable {
  /** One message as it arrived. */
  record Delivery(String routingKey, AMQP.BasicProperties properties, byte[] body) {
    /** The event in the body, as its content type says. */
    ChatEvent event() {
      return EventCodec.JSON_CONTENT_TYPE.equals(properties.getContentType())
          ? EventCodec.fromJson(new String(body, StandardCharsets.UTF_8))
          : EventCodec.decode(body);
    }
  }

  private final String exchange;
  private final Connection connection;
  private final Channel channel;
  private final String queue;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

  TestQueue(String exchange) throws Exception {
    this.exchange = exchange;
    this.connection = RabbitMqTestBroker.connect();
    this.channel = connection.createChannel();
    channel.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
    this.queue = channel.queueDeclare("", false, true, true, Map.of()).getQueue();
    bind();
    channel.basicConsume(
        queue,
        true,
        (tag, d) ->
            deliveries.add(
                new Delivery(d.getEnvelope().getRoutingKey(), d.getProperties(), d.getBody())),
        tag -> {});
  }

  /** Binds the queue to every key of the exchange (again, after the exchange was re-created). */
  void bind() throws Exception {
    channel.queueBind(queue, exchange, "#");
  }

  /** A channel on this consumer's connection, for admin actions. */
  Channel admin() throws Exception {
    return connection.createChannel();
  }

  List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  List<ChatEvent> events() {
    return deliveries().stream().map(Delivery::event).toList();
  }

  @Override
  public void close() throws java.io.IOException, java.util.concurrent.TimeoutException {
    try (Channel c = connection.createChannel()) {
      c.exchangeDelete(exchange);
    } finally {
      connection.close();
    }
  }
}
