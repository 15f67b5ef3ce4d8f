/**
 * The RabbitMQ event sink. The AMQP client and Resilience4j stay out of its API: they are required,
 * not re-exported.
 */
module dev.parley.chat.events.rabbitmq {
  requires transitive dev.parley.chat.api;
  requires com.rabbitmq.client;
  requires io.github.resilience4j.circuitbreaker;
  requires io.github.resilience4j.core;
  requires org.slf4j;

  exports dev.parley.chat.events.rabbitmq;
}
