/**
 * The RabbitMQ event sink. The AMQP client and Resilience4j stay out of its API: they are required,
 * not re-exported. Gson and Protobuf's JSON support are read so that chat-api's event codec can
 * write JSON bodies (chat-api requires them only "static").
 */
module dev.parley.chat.events.rabbitmq {
  requires transitive dev.parley.chat.api;
  requires com.google.gson;
  requires com.google.protobuf.util;
  requires com.rabbitmq.client;
  requires io.github.resilience4j.circuitbreaker;
  requires io.github.resilience4j.core;
  requires org.slf4j;

  exports dev.parley.chat.events.rabbitmq;
}
