/**
 * Protocol constants shared by every implementation: WebSocket close codes, size limits and the
 * subprotocol names. The message schema itself is {@code parley/v1/parley.proto} in this jar.
 */
package dev.parley.chat.protocol;
