package dev.parley.chat.api;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A message as stored and delivered: its room, its place in the room's order ({@code seq}, which
 * starts at 1 and grows by exactly one per message), who sent it and what it says. Immutable and
 * thread-safe; {@link #payload()} returns a copy.
 *
 * @param room the room the message belongs to
 * @param seq the message's position in the room, 1 or more
 * @param id the server-assigned id
 * @param sender the user who sent it
 * @param clientMessageId the sender's own id for it
 * @param timestamp when the server accepted it
 * @param text the text, possibly empty
 * @param payload optional application bytes, empty when absent
 * @param attachments the files attached to it, in the order the sender gave them; empty when none
 */
public record ChatMessage(
    RoomId room,
    long seq,
    MessageId id,
    UserId sender,
    ClientMessageId clientMessageId,
    Instant timestamp,
    String text,
    byte[] payload,
    List<Attachment> attachments) {

  private static final byte[] NO_PAYLOAD = new byte[0];

  /** Validates the fields and copies the payload. */
  public ChatMessage {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(clientMessageId, "clientMessageId");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(text, "text");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be 1 or more, was " + seq);
    }
    payload = payload == null || payload.length == 0 ? NO_PAYLOAD : payload.clone();
    attachments = attachments == null ? List.of() : List.copyOf(attachments);
  }

  /** A message without attachments. */
  public ChatMessage(
      RoomId room,
      long seq,
      MessageId id,
      UserId sender,
      ClientMessageId clientMessageId,
      Instant timestamp,
      String text,
      byte[] payload) {
    this(room, seq, id, sender, clientMessageId, timestamp, text, payload, List.of());
  }

  /** This message with other attachments (for example the same ones with download links). */
  public ChatMessage withAttachments(List<Attachment> replacement) {
    return new ChatMessage(
        room, seq, id, sender, clientMessageId, timestamp, text, payload, replacement);
  }

  /** A copy of the application bytes; empty when the message has none. */
  @Override
  public byte[] payload() {
    return payload.length == 0 ? NO_PAYLOAD : payload.clone();
  }

  /** The payload's length, without copying it. */
  public int payloadSize() {
    return payload.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChatMessage m
        && seq == m.seq
        && room.equals(m.room)
        && id.equals(m.id)
        && sender.equals(m.sender)
        && clientMessageId.equals(m.clientMessageId)
        && timestamp.equals(m.timestamp)
        && text.equals(m.text)
        && Arrays.equals(payload, m.payload)
        && attachments.equals(m.attachments);
  }

  @Override
  public int hashCode() {
    return Objects.hash(room, seq, id) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "ChatMessage[room="
        + room
        + ", seq="
        + seq
        + ", id="
        + id
        + ", sender="
        + sender
        + ", textLength="
        + text.length()
        + ", payloadSize="
        + payload.length
        + ", attachments="
        + attachments.size()
        + "]";
  }
}
