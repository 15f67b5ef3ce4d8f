package dev.parley.chat.server;

import java.util.Objects;

/**
 * What a {@link MessageHook} decided about a message before it is stored. Immutable and
 * thread-safe.
 *
 * @param kind accept, reject or rewrite
 * @param text the new text for {@link Kind#REWRITE}; null otherwise
 * @param reason the reason the sender is told for {@link Kind#REJECT}; null otherwise
 */
public record MessageVerdict(Kind kind, String text, String reason) {
  private static final MessageVerdict ACCEPT = new MessageVerdict(Kind.ACCEPT, null, null);

  /** The three possible decisions. */
  public enum Kind {
    /** Store the message as it is. */
    ACCEPT,
    /** Do not store it; the sender's send fails with {@code REJECTED} and the reason. */
    REJECT,
    /** Store it with other text (the payload is kept). */
    REWRITE
  }

  /** Checks that exactly the fields the kind needs are set. */
  public MessageVerdict {
    Objects.requireNonNull(kind, "kind");
    if ((kind == Kind.REWRITE) != (text != null)) {
      throw new IllegalArgumentException("text is set for REWRITE only, and always for REWRITE");
    }
    if ((kind == Kind.REJECT) != (reason != null)) {
      throw new IllegalArgumentException("reason is set for REJECT only, and always for REJECT");
    }
  }

  /** Store the message as it is. */
  public static MessageVerdict accept() {
    return ACCEPT;
  }

  /**
   * Refuse the message. The sender's send fails with error code {@code REJECTED} (not retryable)
   * and this reason as the error's message; nothing is stored or delivered.
   *
   * @param reason what the sender is told, such as {@code "links are not allowed here"}
   */
  public static MessageVerdict reject(String reason) {
    return new MessageVerdict(Kind.REJECT, null, Objects.requireNonNull(reason, "reason"));
  }

  /**
   * Store the message with this text instead. The new text must meet the same rules as a client's
   * (valid Unicode, within {@link ChatServerBuilder#maxTextBytes}); otherwise the message fails as
   * if the hook had thrown.
   */
  public static MessageVerdict rewrite(String text) {
    return new MessageVerdict(Kind.REWRITE, Objects.requireNonNull(text, "text"), null);
  }
}
