package dev.parley.chat.client;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import java.time.Instant;

/**
 * The server's acknowledgement of a send: the message is stored and has its place in the room.
 *
 * <p>Immutable and thread-safe.
 *
 * @param room the room
 * @param clientMessageId the id the message was sent under
 * @param seq its position in the room
 * @param messageId the server's id for it
 * @param timestamp when the server first accepted it
 * @param duplicate whether the server had already stored it (a resend)
 */
public record SendReceipt(
    RoomId room,
    ClientMessageId clientMessageId,
    long seq,
    MessageId messageId,
    Instant timestamp,
    boolean duplicate) {}
