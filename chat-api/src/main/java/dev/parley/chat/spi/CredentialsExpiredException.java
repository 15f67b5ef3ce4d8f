package dev.parley.chat.spi;

/**
 * Thrown or returned by an {@link Authenticator} for credentials that are genuine but expired: the
 * authenticator verified them (a token's signature checked, say) and would have accepted them, were
 * they not past their expiry. The server answers the client's Connect with error {@code
 * AUTHENTICATION_FAILED}, as for any refusal, but closes with {@link
 * dev.parley.chat.protocol.CloseCodes#TOKEN_EXPIRED} instead of {@link
 * dev.parley.chat.protocol.CloseCodes#AUTHENTICATION_FAILED}: Parley's client then asks its token
 * provider for fresh credentials and connects again, with backoff.
 *
 * <p>Throw it only after every other check has passed. Credentials that are forged, malformed or
 * otherwise refused get a plain {@link AuthenticationException}, so that a client cannot learn
 * anything about a token it could not have obtained. Immutable and thread-safe.
 */
public class CredentialsExpiredException extends AuthenticationException {
  private static final long serialVersionUID = 1L;

  /**
   * Refuses expired credentials with a reason sent to the client: say that they expired without
   * revealing secrets.
   */
  public CredentialsExpiredException(String reason) {
    super(reason);
  }
}
