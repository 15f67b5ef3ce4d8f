package dev.parley.chat.client;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;

/**
 * A member reported what they have read.
 *
 * <p>Immutable and thread-safe.
 *
 * @param room the room
 * @param user the member
 * @param seq they have read every message up to this seq
 */
public record ReadReceiptEvent(RoomId room, UserId user, long seq) {}
