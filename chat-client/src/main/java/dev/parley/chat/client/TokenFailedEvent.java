package dev.parley.chat.client;

import java.util.Objects;

/**
 * Getting or using fresh credentials failed: the {@link TokenProvider} failed, timed out or had no
 * token for a refresh, or the server refused the token a refresh sent.
 *
 * <p>Immutable and thread-safe.
 *
 * @param reason why the session had asked for a token
 * @param cause what went wrong: the provider's exception, or a {@link
 *     dev.parley.chat.api.ChatException} with the server's answer ({@code AUTHENTICATION_FAILED}
 *     for a token that is invalid or belongs to another user)
 * @param retrying whether the session asks the provider again by itself (after a backoff delay);
 *     when false, a refresh is given up and the session reconnects with a new token once the old
 *     credentials expired
 */
public record TokenFailedEvent(TokenRequest.Reason reason, Throwable cause, boolean retrying) {
  /** Checks that the reason and cause are present. */
  public TokenFailedEvent {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(cause, "cause");
  }
}
