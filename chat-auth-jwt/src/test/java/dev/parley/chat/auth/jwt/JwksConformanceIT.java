package dev.parley.chat.auth.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.RSAKey;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.testkit.auth.AuthenticatorConformanceSuite;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The authenticator conformance suite against a JwtAuthenticator that fetches RS256 keys from a
 * JWKS URL on 127.0.0.1; "unavailable" is a JWKS URL where nothing listens.
 */
class JwksConformanceIT extends AuthenticatorConformanceSuite {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final RSAKey KEY = Tokens.rsaKey("rsa-1");
  private static final RSAKey OTHER = Tokens.rsaKey("rsa-2");
  private static JwksServer jwks;
  private static URI deadUri;

  @BeforeAll
  static void startJwks() throws Exception {
    jwks = new JwksServer(List.of(KEY));
    try (JwksServer stopped = new JwksServer(List.of(KEY))) {
      deadUri = stopped.uri();
    }
  }

  @AfterAll
  static void stopJwks() {
    jwks.close();
  }

  @Override
  protected Authenticator newAuthenticator() {
    return authenticator(jwks.uri());
  }

  @Override
  protected Authenticator newUnavailableAuthenticator() {
    return authenticator(deadUri);
  }

  private static Authenticator authenticator(URI uri) {
    return JwtAuthenticator.builder()
        .jwksUri(uri)
        .jwksTimeout(Duration.ofSeconds(5))
        .algorithms("RS256", "ES256")
        .issuer(Tokens.ISSUER)
        .audience(Tokens.AUDIENCE)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .build();
  }

  @Override
  protected String validToken(UserId user) {
    return Tokens.sign(KEY, Tokens.claims(user.value(), NOW).build());
  }

  @Override
  protected List<String> invalidTokens() {
    // Signed by an untrusted key but naming no kid: a token naming an unknown kid is "unavailable"
    // until keys fetched after it decide (decision 32), which JwksAttackIT covers.
    return List.of(
        Tokens.sign(
            OTHER,
            new JWSHeader.Builder(JWSAlgorithm.RS256).build(),
            Tokens.claims("alice", NOW).build()),
        Tokens.sign(Tokens.rsaKey("rsa-1"), Tokens.claims("alice", NOW).build()),
        Tokens.sign(KEY, Tokens.claims("alice", NOW).audience("another-app").build()));
  }
}
