package dev.parley.chat.client;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ClientMessageId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A message to send: text, application bytes, and files attached by the tokens their uploads
 * returned. Immutable and thread-safe.
 *
 * @param text the text (may be empty when a payload or an attachment is given)
 * @param payload application bytes, copied; empty for none
 * @param clientMessageId the id to send it under; empty to let the session choose one. Give your
 *     own to make a send idempotent across application restarts.
 * @param attachmentTokens the tokens of completed uploads whose files the message carries, in
 *     order, at most {@link Attachment#MAX_PER_MESSAGE}; empty for none. The server describes each
 *     file from its token; a token expires (an hour by default) and is refused after that.
 */
public record OutgoingMessage(
    String text,
    byte[] payload,
    Optional<ClientMessageId> clientMessageId,
    List<String> attachmentTokens) {
  /** Validates and copies. */
  public OutgoingMessage {
    Objects.requireNonNull(text, "text");
    payload = payload == null ? new byte[0] : payload.clone();
    Objects.requireNonNull(clientMessageId, "clientMessageId");
    attachmentTokens = attachmentTokens == null ? List.of() : List.copyOf(attachmentTokens);
    if (attachmentTokens.size() > Attachment.MAX_PER_MESSAGE) {
      throw new IllegalArgumentException(
          "a message carries at most "
              + Attachment.MAX_PER_MESSAGE
              + " attachments, not "
              + attachmentTokens.size());
    }
    for (String token : attachmentTokens) {
      if (token.isEmpty()) {
        throw new IllegalArgumentException("an attachment token must not be empty");
      }
    }
  }

  /** A message without attachments. */
  public OutgoingMessage(String text, byte[] payload, Optional<ClientMessageId> clientMessageId) {
    this(text, payload, clientMessageId, List.of());
  }

  /** A text message with a session-chosen client message id. */
  public static OutgoingMessage text(String text) {
    return new OutgoingMessage(text, new byte[0], Optional.empty());
  }

  /** A builder, for a message with a payload, attachments or its own client message id. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds an {@link OutgoingMessage}: {@code OutgoingMessage.builder().text("moved").payload(json)
   * .build()}, or {@code OutgoingMessage.builder().text("the plan").attachment(uploaded.token())
   * .build()}. Text defaults to empty, payload and attachments to none, the client message id to
   * one the session chooses. Not thread-safe; the message it builds is.
   */
  public static final class Builder {
    private String text = "";
    private byte[] payload = new byte[0];
    private ClientMessageId clientMessageId;
    private final List<String> attachmentTokens = new ArrayList<>();

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
     * Attaches the file of a completed upload, by the token the upload returned; files appear in
     * the order they are attached.
     *
     * @throws IllegalStateException if {@link Attachment#MAX_PER_MESSAGE} are attached already
     */
    public Builder attachment(String token) {
      Objects.requireNonNull(token, "token");
      if (token.isEmpty()) {
        throw new IllegalArgumentException("an attachment token must not be empty");
      }
      if (attachmentTokens.size() == Attachment.MAX_PER_MESSAGE) {
        throw new IllegalStateException(
            "a message carries at most " + Attachment.MAX_PER_MESSAGE + " attachments");
      }
      attachmentTokens.add(token);
      return this;
    }

    /**
     * Builds the message.
     *
     * @throws IllegalStateException if it has no text, no payload and no attachment
     */
    public OutgoingMessage build() {
      if (text.isEmpty() && payload.length == 0 && attachmentTokens.isEmpty()) {
        throw new IllegalStateException(
            "a message needs text, a payload or an attachment; none was set");
      }
      return new OutgoingMessage(
          text, payload, Optional.ofNullable(clientMessageId), attachmentTokens);
    }
  }

  /** This message with the given client message id. */
  public OutgoingMessage withClientMessageId(ClientMessageId id) {
    return new OutgoingMessage(text, payload, Optional.of(id), attachmentTokens);
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
        && Arrays.equals(payload, m.payload)
        && clientMessageId.equals(m.clientMessageId)
        && attachmentTokens.equals(m.attachmentTokens);
  }

  @Override
  public int hashCode() {
    return Objects.hash(text, clientMessageId, attachmentTokens) * 31 + Arrays.hashCode(payload);
  }

  /** Never the tokens themselves: they are credentials for the files. */
  @Override
  public String toString() {
    return "OutgoingMessage[textLength="
        + text.length()
        + ", payloadSize="
        + payload.length
        + ", clientMessageId="
        + clientMessageId
        + ", attachments="
        + attachmentTokens.size()
        + "]";
  }
}
