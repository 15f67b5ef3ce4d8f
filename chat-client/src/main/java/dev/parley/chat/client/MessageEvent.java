package dev.parley.chat.client;

import dev.parley.chat.api.ChatMessage;

/**
 * A message was delivered.
 *
 * <p>Immutable and thread-safe.
 *
 * @param message the message, with its room and seq
 */
public record MessageEvent(ChatMessage message) {}
