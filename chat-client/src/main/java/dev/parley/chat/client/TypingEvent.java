package dev.parley.chat.client;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;

/**
 * A member's typing state changed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param room the room
 * @param user the member
 * @param active whether they are typing now
 */
public record TypingEvent(RoomId room, UserId user, boolean active) {}
