/**
 * Protocol constants shared by every implementation: WebSocket close codes, size limits and the
 * subprotocol names. The message schema itself is {@code parley/v1/parley.proto} in this jar. The
 * server's events travel to message queues as {@code parley/v1/events.proto}, read and written by
 * {@link dev.parley.chat.protocol.EventCodec}.
 */
package dev.parley.chat.protocol;
