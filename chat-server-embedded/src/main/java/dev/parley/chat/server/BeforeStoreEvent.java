package dev.parley.chat.server;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import java.util.List;
import java.util.Objects;

/**
 * A message about to be stored, as {@link MessageHook#beforeStore} sees it. Immutable and
 * thread-safe; {@link #payload()} returns a copy.
 *
 * @param room the room it is sent to
 * @param sender the sending user (for a server-side publish, the user the application named)
 * @param clientMessageId the sender's id for it
 * @param text its text, as sent or as an earlier hook rewrote it
 * @param payload its application bytes, empty when absent
 * @param sessionId the sending session's id; empty for a server-side publish
 * @param attachments the files it carries, as their upload tokens describe them (verified, without
 *     links); empty when none. A hook cannot change them: a rewrite keeps them, a rejection drops
 *     the whole message.
 */
public record BeforeStoreEvent(
    RoomId room,
    UserId sender,
    ClientMessageId clientMessageId,
    String text,
    byte[] payload,
    String sessionId,
    List<Attachment> attachments) {

  /** Validates the fields and copies the payload. */
  public BeforeStoreEvent {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(clientMessageId, "clientMessageId");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(sessionId, "sessionId");
    payload = payload == null ? new byte[0] : payload.clone();
    attachments = attachments == null ? List.of() : List.copyOf(attachments);
  }

  /** An event for a message without attachments. */
  public BeforeStoreEvent(
      RoomId room,
      UserId sender,
      ClientMessageId clientMessageId,
      String text,
      byte[] payload,
      String sessionId) {
    this(room, sender, clientMessageId, text, payload, sessionId, List.of());
  }

  /** A copy of the application bytes. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** Whether the application published this message itself ({@link ServerRooms#publish}). */
  public boolean fromServer() {
    return sessionId.isEmpty();
  }
}
