package dev.parley.chat.client;

import dev.parley.chat.api.ChatException;

/**
 * The server reported an error that no future of this session was waiting for (for example, a room
 * could not be rejoined after a reconnect).
 *
 * <p>Immutable and thread-safe.
 *
 * @param error the error, with its stable code
 */
public record ErrorEvent(ChatException error) {}
