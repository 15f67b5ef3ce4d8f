package dev.parley.chat.client;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;

/**
 * A member came online in a room or went away.
 *
 * <p>Immutable and thread-safe.
 *
 * @param room the room
 * @param user the member
 * @param online true when they have at least one session in the room now
 */
public record PresenceEvent(RoomId room, UserId user, boolean online) {}
