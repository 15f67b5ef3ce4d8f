package dev.parley.chat.client;

import java.util.Objects;

/**
 * Why a session asks its {@link TokenProvider} for a token.
 *
 * <p>Immutable and thread-safe.
 *
 * @param reason the occasion
 */
public record TokenRequest(Reason reason) {
  /** Checks that the reason is present. */
  public TokenRequest {
    Objects.requireNonNull(reason, "reason");
  }

  /** The occasions on which a session asks for a token. */
  public enum Reason {
    /** The session's first connection. */
    CONNECT,
    /** A reconnect after the connection dropped or the server moved the session elsewhere. */
    RECONNECT,
    /** The server said the session's credentials expire soon: fresh ones are sent at once. */
    EXPIRING,
    /**
     * The credentials expired before fresh ones reached the server (close code 4004), or the token
     * of the last attempt had already expired when the server checked it (also 4004, after {@code
     * AUTHENTICATION_FAILED}). Answer with a token fetched anew: the same one again ends the
     * session.
     */
    EXPIRED,
    /**
     * The server revoked the session (close code 4005); without a token the session closes for
     * good.
     */
    REVOKED
  }
}
