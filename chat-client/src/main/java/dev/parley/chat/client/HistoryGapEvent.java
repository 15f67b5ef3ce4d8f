package dev.parley.chat.client;

import dev.parley.chat.api.RoomId;

/**
 * Messages with seqs from {@code fromSeq} to {@code toSeq} (inclusive) were missed by this session
 * and are no longer kept by the server. Delivery resumes at {@code toSeq + 1}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param room the room
 * @param fromSeq first missing seq
 * @param toSeq last missing seq
 */
public record HistoryGapEvent(RoomId room, long fromSeq, long toSeq) {}
