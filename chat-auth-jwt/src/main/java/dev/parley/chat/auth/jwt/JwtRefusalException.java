package dev.parley.chat.auth.jwt;

import dev.parley.chat.spi.AuthenticationException;
import java.util.Objects;

/**
 * A token {@link JwtAuthenticator} refused. A token that is genuine but expired is not refused with
 * this exception but with {@link dev.parley.chat.spi.CredentialsExpiredException}, so that its
 * client fetches a fresh one. Its message, which the server sends to the client, is always {@value
 * #MESSAGE}: a client learns that its token was refused, never which check failed. {@link
 * #reason()} names the check, for the server's logs, metrics and tests.
 *
 * <p>Immutable and thread-safe.
 */
public final class JwtRefusalException extends AuthenticationException {
  private static final long serialVersionUID = 1L;

  /** The message of every refusal. */
  public static final String MESSAGE = "invalid token";

  /** Which check a refused token failed, in the order they run. */
  public enum Reason {
    /** Longer than {@link JwtAuthenticatorBuilder#maxTokenBytes(int)}; nothing was parsed. */
    TOO_LARGE,
    /** Empty, or not a signed JWT in compact form (this includes {@code alg: none}). */
    MALFORMED,
    /** Its {@code alg} is not in the allowlist. */
    ALGORITHM_NOT_ALLOWED,
    /**
     * No trusted key has its {@code kid} and fits its algorithm, even in keys fetched after the
     * token arrived.
     */
    UNKNOWN_KEY,
    /** The signature does not verify with any trusted key. */
    BAD_SIGNATURE,
    /** Its claims are not a JSON object, or a standard claim has the wrong type. */
    BAD_CLAIMS,
    /** It has no {@code exp} claim: Parley accepts no token that never expires. */
    MISSING_EXPIRY,
    /** Its {@code nbf} is ahead, by more than the clock skew. */
    NOT_YET_VALID,
    /** Its {@code iss} is not the required issuer. */
    WRONG_ISSUER,
    /** Its {@code aud} does not include the required audience. */
    WRONG_AUDIENCE,
    /** The user claim is missing or not a valid Parley user id. */
    BAD_USER,
    /** The roles claim is neither a string nor an array of strings. */
    BAD_ROLES
  }

  private final Reason reason;

  /** A refusal for {@code reason}. */
  public JwtRefusalException(Reason reason) {
    super(MESSAGE);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Which check the token failed. */
  public Reason reason() {
    return reason;
  }
}
