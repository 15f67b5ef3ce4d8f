package dev.parley.chat.examples.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.chat.api.UserId;
import dev.parley.chat.auth.jwt.JwtAuthenticator;
import dev.parley.chat.server.PageHandler;
import dev.parley.chat.server.PageRequest;
import dev.parley.chat.server.PageResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.UUID;

/**
 * The demo's login: {@code POST /login?name=alice} answers {@code
 * {"token":"<JWT>","expiresIn":900}}, a short-lived ES256 token for that name, signed with a key
 * made when the demo starts; the demo's chat server accepts exactly those tokens through a {@link
 * JwtAuthenticator} that trusts the key's public half. A real application would check a password or
 * a session here; the demo lets anyone log in under any name, so it shows the flow, not the
 * protection.
 *
 * <p>Thread-safe. The handler runs on the server's HTTP threads.
 */
public final class DemoLogin implements PageHandler {
  /** The {@code iss} of the demo's tokens. */
  static final String ISSUER = "parley-demo";

  /** The {@code aud} of the demo's tokens. */
  static final String AUDIENCE = "parley-demo-chat";

  /** How long a token proves its name. The page fetches a fresh one before each connect. */
  static final Duration TOKEN_LIFETIME = Duration.ofMinutes(15);

  private final ECKey key;
  private final Clock clock;

  private DemoLogin(ECKey key, Clock clock) {
    this.key = key;
    this.clock = clock;
  }

  /** A login with a new P-256 key, good until the demo stops. */
  public static DemoLogin generate(Clock clock) {
    try {
      ECKey key = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
      return new DemoLogin(key, Objects.requireNonNull(clock, "clock"));
    } catch (JOSEException e) {
      throw new IllegalStateException("this JVM cannot make a P-256 key", e);
    }
  }

  /** The authenticator that accepts this login's tokens, and nothing else. */
  public JwtAuthenticator authenticator() {
    return JwtAuthenticator.builder()
        .keys(new JWKSet(key.toPublicJWK()))
        .algorithms("ES256")
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .clock(clock)
        .build();
  }

  /** A token that proves {@code user} for {@link #TOKEN_LIFETIME}. */
  public String issue(UserId user) {
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject(user.value())
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(TOKEN_LIFETIME)))
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("signing failed", e);
    }
    return jwt.serialize();
  }

  @Override
  public PageResponse handle(PageRequest request) {
    if (!"POST".equals(request.method())) {
      return PageResponse.text(405, "POST /login?name=<your name>").withHeader("Allow", "POST");
    }
    String name = null;
    for (String pair : request.query().split("&")) {
      if (pair.startsWith("name=")) {
        name = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
      }
    }
    UserId user;
    try {
      user = UserId.of(Objects.requireNonNull(name, "name"));
    } catch (IllegalArgumentException | NullPointerException e) {
      return json(
          400,
          "{\"error\":\"a name is 1 to "
              + UserId.MAX_LENGTH
              + " letters, digits, '.', '_', '-' or '@'\"}");
    }
    return json(
        200,
        "{\"token\":\"" + issue(user) + "\",\"expiresIn\":" + TOKEN_LIFETIME.toSeconds() + "}");
  }

  private static PageResponse json(int status, String body) {
    return PageResponse.of(status, "application/json", body.getBytes(StandardCharsets.UTF_8))
        .withHeader("Cache-Control", "no-store")
        .withHeader("X-Content-Type-Options", "nosniff");
  }
}
