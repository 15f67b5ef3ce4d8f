package dev.parley.chat.auth.jwt;

import dev.parley.chat.api.UserId;
import dev.parley.chat.auth.jwt.internal.JwtSettings;
import dev.parley.chat.auth.jwt.internal.TokenVerifier;
import dev.parley.chat.spi.AuthenticationException;
import dev.parley.chat.spi.AuthenticationUnavailableException;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.ConnectRequest;
import dev.parley.chat.spi.CredentialsExpiredException;
import dev.parley.chat.spi.Identity;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Accepts a client whose Connect token is a JWT signed by a trusted key: a JWS in compact form
 * whose algorithm is on the allowlist, whose signature verifies, whose {@code iss} and {@code aud}
 * are the configured ones and whose {@code exp} (required) and {@code nbf} hold, within the clock
 * skew. The user is the user claim ({@code sub} unless configured), the server-wide roles are the
 * roles claim if one is configured, and the identity expires at {@code exp}.
 *
 * <p>Checks, in order: size (before any parsing), form, algorithm, key ({@code kid}), signature,
 * not-before, issuer, audience, user, roles, and last expiry. A refused token completes the stage
 * with a {@link JwtRefusalException}, whose message is only "invalid token"; which check failed is
 * logged at DEBUG through SLF4J (never the token) and kept in {@link JwtRefusalException#reason()}.
 * A token that passes every check but is past its {@code exp} completes it with {@link
 * CredentialsExpiredException} ("token expired"): the server closes with {@code TOKEN_EXPIRED} and
 * Parley's client fetches a fresh token; a forged token never learns whether it expired.
 *
 * <p>When the keys are fetched from a JWKS URL and none could be fetched yet, the stage completes
 * with {@link AuthenticationUnavailableException}: the client is told {@code UNAVAILABLE} and
 * retries. So does a token whose {@code kid} the cached keys lack while no fetch may be made yet
 * (inside the minimum refresh interval) or the fetch fails: its issuer may have just published the
 * key, and the retry is decided by the next fetch. Keys fetched after the token arrived are final:
 * a {@code kid} they lack is refused ({@link JwtRefusalException.Reason#UNKNOWN_KEY}).
 *
 * <pre>{@code
 * Authenticator jwt = JwtAuthenticator.builder()
 *     .jwksUri(URI.create("https://login.example.com/.well-known/jwks.json"))
 *     .algorithms("RS256")
 *     .issuer("https://login.example.com")
 *     .audience("chat")
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe and immutable once built. Each call verifies on the caller's thread (the server's
 * worker executor) and returns an already completed stage; a JWKS fetch, when one is due, also runs
 * on the caller's thread, bounded by {@link JwtAuthenticatorBuilder#jwksTimeout}, while other
 * callers keep using the cached keys or wait for the same fetch.
 */
public final class JwtAuthenticator implements Authenticator {
  private final TokenVerifier verifier;

  JwtAuthenticator(JwtSettings settings) {
    this.verifier = new TokenVerifier(settings);
  }

  /** A builder; see {@link JwtAuthenticatorBuilder} for what is required. */
  public static JwtAuthenticatorBuilder builder() {
    return new JwtAuthenticatorBuilder();
  }

  @Override
  public CompletionStage<Identity> identify(ConnectRequest request) {
    try {
      return CompletableFuture.completedFuture(verifier.verify(request));
    } catch (AuthenticationException | AuthenticationUnavailableException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletionStage<UserId> authenticate(ConnectRequest request) {
    return identify(request).thenApply(Identity::user);
  }

  @Override
  public String toString() {
    return "JwtAuthenticator[" + verifier + "]";
  }
}
