package dev.parley.chat.spi;

import dev.parley.chat.api.UserId;
import java.util.concurrent.CompletionStage;

/**
 * Decides who a connecting client is. Called once per connection, with the client's Connect
 * request, on the server's worker executor (never on a transport I/O thread), so a blocking lookup
 * is allowed but delays only that client. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Authenticator {
  /**
   * Returns the user the credentials belong to, or a stage completed exceptionally with {@link
   * AuthenticationException} to refuse the connection (the client gets error {@code
   * AUTHENTICATION_FAILED} and close code 4001, and does not retry; with its subclass {@link
   * CredentialsExpiredException}, for genuine credentials that have only expired, close code 4004,
   * and Parley's client comes back with fresh ones), or with {@link
   * AuthenticationUnavailableException} when it cannot decide now (the client gets error {@code
   * UNAVAILABLE} and close code 1013, backs off and tries again). Any other exception refuses the
   * connection, like {@code AuthenticationException}.
   */
  CompletionStage<UserId> authenticate(ConnectRequest request);

  /**
   * Returns who the credentials belong to, with their server-wide roles and expiry. The server
   * calls this method; the default calls {@link #authenticate} and grants no roles and no expiry.
   * Authenticators that know more (a token's roles and expiry) override it, and usually implement
   * {@code authenticate} as {@code identify(request).thenApply(Identity::user)}. Failures are
   * reported as for {@link #authenticate}.
   */
  default CompletionStage<Identity> identify(ConnectRequest request) {
    CompletionStage<UserId> user = authenticate(request);
    return user == null ? null : user.thenApply(Identity::of);
  }
}
