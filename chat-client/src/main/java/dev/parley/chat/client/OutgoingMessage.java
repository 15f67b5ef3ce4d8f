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

  /** A builder, for a message with a payload or its own client message id. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds an {@link OutgoingMessage}: {@code OutgoingMessage.builder().text("moved").payload(json)
   * .build()}. Text defaults to empty, payload to none, the client message id to one the session
   * chooses. Not thread-safe; the message it builds is.
   */
  public static final class Builder {
    private String text = "";
    private byte[] payload = new byte[0];
    private ClientMessageId clientMessageId;

    private Builder() {}

    /** The text; empty by default. */
    public Builder text(String text) {
      this.text = Objects.requireNonNull(text, "text");
      return this;
    }

    /** Application bytes, copied when the message is built; none by default. */
    public Builder payload(byte[] payload) {
      this.payload = Objects.requireNonNull(payload, "payload");
      return this;
    }

    /** The id to send it under, to make the send idempotent across application restarts. */
    public Builder clientMessageId(ClientMessageId id) {
      this.clientMessageId = Objects.requireNonNull(id, "clientMessageId");
      return this;
    }

    /**
     * Builds the message.
     *
     * @throws IllegalStateException if it has neither text nor payload
     */
    public OutgoingMessage build() {
      if (text.isEmpty() && payload.length == 0) {
        throw new IllegalStateException("a message needs text, a payload or both; neither was set");
      }
      return new OutgoingMessage(text, payload, Optional.ofNullable(clientMessageId));
    }
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
