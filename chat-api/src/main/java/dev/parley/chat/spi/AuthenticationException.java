package dev.parley.chat.spi;

/**
 * Thrown or returned by an {@link Authenticator} to refuse credentials. Immutable and thread-safe.
 */
public class AuthenticationException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Refuses with a reason. The reason is sent to the client: say what is wrong without revealing
   * secrets.
   */
  public AuthenticationException(String reason) {
    super(reason);
  }
}
