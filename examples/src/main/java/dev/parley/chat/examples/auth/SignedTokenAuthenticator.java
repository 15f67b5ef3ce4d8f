package dev.parley.chat.examples.auth;

import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AuthenticationException;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.ConnectRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An {@link Authenticator} for short-lived tokens that the application issues after its own login:
 * {@code <user>.<expiry>.<signature>}, where the expiry is in Unix seconds and the signature is the
 * base64url HMAC-SHA256 of {@code <user>.<expiry>} under a secret only the application and the chat
 * server know. The chat server then needs no call to the application to accept a user.
 *
 * <p>The application's login endpoint calls {@link #issue(UserId, Instant)} and hands the token to
 * its client, which passes it to {@code ChatClient.connect(token, listener)}. Thread-safe.
 */
public final class SignedTokenAuthenticator implements Authenticator {
  private static final String ALGORITHM = "HmacSHA256";
  private static final int MIN_SECRET_BYTES = 32;

  private final SecretKeySpec key;
  private final Clock clock;

  /**
   * An authenticator for tokens signed with {@code secret}.
   *
   * @param secret at least 32 random bytes, kept out of source code (an environment variable or a
   *     secret store); copied
   * @param clock the time expiries are checked against
   */
  public SignedTokenAuthenticator(byte[] secret, Clock clock) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "secret must be at least " + MIN_SECRET_BYTES + " bytes, was " + secret.length);
    }
    this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A token that proves {@code user} until {@code expiry}. */
  public String issue(UserId user, Instant expiry) {
    String claims = user.value() + "." + expiry.getEpochSecond();
    return claims + "." + sign(claims);
  }

  // snippet:start authenticate
  @Override
  public CompletionStage<UserId> authenticate(ConnectRequest request) {
    String token = request.token();
    int lastDot = token.lastIndexOf('.');
    int expiryDot = lastDot > 0 ? token.lastIndexOf('.', lastDot - 1) : -1;
    if (expiryDot <= 0) {
      return refuse();
    }
    String claims = token.substring(0, lastDot);
    byte[] given = token.substring(lastDot + 1).getBytes(StandardCharsets.US_ASCII);
    byte[] expected = sign(claims).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(given, expected)) { // constant time: no timing hints
      return refuse();
    }
    try {
      long expiry = Long.parseLong(token.substring(expiryDot + 1, lastDot));
      if (clock.instant().getEpochSecond() >= expiry) {
        return refuse();
      }
      return CompletableFuture.completedFuture(UserId.of(token.substring(0, expiryDot)));
    } catch (IllegalArgumentException e) { // a bad number or user id: signed, but not by us
      return refuse();
    }
  }

  private static CompletionStage<UserId> refuse() {
    // The reason reaches the client: say what is wrong, never why exactly.
    return CompletableFuture.failedFuture(new AuthenticationException("invalid or expired token"));
  }

  // snippet:end authenticate

  private String sign(String claims) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      byte[] signature = mac.doFinal(claims.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is missing from this JVM", e);
    }
  }
}
