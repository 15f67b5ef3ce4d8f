package dev.parley.chat.client;

import dev.parley.chat.api.ClientMessageId;
import java.util.Objects;
import java.util.Optional;

/**
 * A message to send. Immutable.
 *
 * <p>Immutable and thread-safe.
 *
 * @param text the text (may be empty when a payload is given)
 * @param payload application bytes, copied; empty for none
 * @param clientMessageId the id to send it under; empty to let the session choose one. Give your
 *     own to make a send idempotent across application restarts.
 */
public record OutgoingMessage(
    String text, byte[] payload, Optional<ClientMessageId> clientMessageId) {
  /** Validates and copies. */
  public OutgoingMessage {
    Objects.requireNonNull(text, "text");
    payload = payload == null ? new byte[0] : payload.clone();
    Objects.requireNonNull(clientMessageId, "clientMessageId");
  }

  /** A text message with a session-chosen client message id. */
  public static OutgoingMessage text(String text) {
    return new OutgoingMessage(text, new byte[0], Optional.empty());
  }

  /** This message with the given client message id. */
  public OutgoingMessage withClientMessageId(ClientMessageId id) {
    return new OutgoingMessage(text, payload, Optional.of(id));
  }

  /** A copy of the payload. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OutgoingMessage m
        && text.equals(m.text)
        && java.util.Arrays.equals(payload, m.payload)
        && clientMessageId.equals(m.clientMessageId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(text, clientMessageId) * 31 + java.util.Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "OutgoingMessage[textLength="
        + text.length()
        + ", payloadSize="
        + payload.length
        + ", clientMessageId="
        + clientMessageId
        + "]";
  }
}
