package dev.parley.chat.client;

/**
 * A session changed state.
 *
 * <p>Immutable and thread-safe.
 *
 * @param previous the state before
 * @param current the state now
 * @param reason why, for people (for example the close reason that caused a reconnect)
 */
public record StateChangeEvent(
    ChatSession.State previous, ChatSession.State current, String reason) {}
