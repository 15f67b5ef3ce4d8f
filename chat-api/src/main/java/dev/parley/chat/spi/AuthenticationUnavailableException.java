package dev.parley.chat.spi;

/**
 * Thrown or returned by an {@link Authenticator} that cannot decide now (its identity provider or
 * database is briefly down): not a refusal. The server answers the client's Connect with error
 * {@code UNAVAILABLE} (retryable) and closes with {@link
 * dev.parley.chat.protocol.CloseCodes#TRY_AGAIN_LATER}; Parley's client then backs off and tries
 * again on its own, also on its first connect. Immutable and thread-safe.
 */
public class AuthenticationUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Reports that authentication is unavailable, with a reason sent to the client: say what is down
   * without revealing internals.
   */
  public AuthenticationUnavailableException(String reason) {
    super(reason);
  }

  /** Same, keeping the failure that made the authenticator unavailable (not sent to the client). */
  public AuthenticationUnavailableException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
