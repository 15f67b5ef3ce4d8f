package dev.parley.chat.spi;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A message to append; the store adds the seq.
 *
 * <p>Immutable and thread-safe.
 *
 * @param room the room
 * @param id the id to give the message if it is new
 * @param sender the authenticated sender
 * @param clientMessageId the sender's id for it, the idempotency key together with the sender
 * @param timestamp when the server accepted it
 * @param text the text
 * @param payload application bytes (not copied: callers must not change them)
 * @param attachments the verified attachments, without download links; empty when none
 * @param deliveredLive the members the message goes to live (those connected to the room), for its
 *     {@link ChatEvent.MessageStored} event, which a store with an {@link MessageStore#outbox()}
 *     writes in the append's transaction; {@code null} when no event is wanted (no sink, or the
 *     outbox is full)
 */
public record AppendRequest(
    RoomId room,
    MessageId id,
    UserId sender,
    ClientMessageId clientMessageId,
    Instant timestamp,
    String text,
    byte[] payload,
    List<Attachment> attachments,
    Set<UserId> deliveredLive) {
  /** Checks that no field but {@code deliveredLive} is null, and copies the collections. */
  public AppendRequest {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(clientMessageId, "clientMessageId");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(payload, "payload");
    attachments = attachments == null ? List.of() : List.copyOf(attachments);
    deliveredLive = deliveredLive == null ? null : Set.copyOf(deliveredLive);
  }

  /** A request without an event. */
  public AppendRequest(
      RoomId room,
      MessageId id,
      UserId sender,
      ClientMessageId clientMessageId,
      Instant timestamp,
      String text,
      byte[] payload,
      List<Attachment> attachments) {
    this(room, id, sender, clientMessageId, timestamp, text, payload, attachments, null);
  }

  /** A request without attachments. */
  public AppendRequest(
      RoomId room,
      MessageId id,
      UserId sender,
      ClientMessageId clientMessageId,
      Instant timestamp,
      String text,
      byte[] payload) {
    this(room, id, sender, clientMessageId, timestamp, text, payload, List.of(), null);
  }
}
