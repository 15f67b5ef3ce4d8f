/**
 * A {@link dev.parley.chat.spi.EventSink} on RabbitMQ: {@link
 * dev.parley.chat.events.rabbitmq.RabbitMqEventSink}, built with {@link
 * dev.parley.chat.events.rabbitmq.RabbitMqEventSink#builder()}.
 */
package dev.parley.chat.events.rabbitmq;
