package dev.parley.chat.client;

/**
 * The session closed for good.
 *
 * <p>Immutable and thread-safe.
 *
 * @param code the WebSocket close code that ended it (1000 when closed by the application); see
 *     {@link dev.parley.chat.protocol.CloseCodes}
 * @param reason why, for people
 */
public record ClosedEvent(int code, String reason) {}
