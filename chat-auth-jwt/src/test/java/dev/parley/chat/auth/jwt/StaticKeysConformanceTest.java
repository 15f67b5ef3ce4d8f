package dev.parley.chat.auth.jwt;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.testkit.auth.AuthenticatorConformanceSuite;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;

/** The authenticator conformance suite against a JwtAuthenticator with a static ES256 key. */
class StaticKeysConformanceTest extends AuthenticatorConformanceSuite {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final ECKey KEY = Tokens.ecKey("k1");
  private static final ECKey OTHER = Tokens.ecKey("k1");

  @Override
  protected Authenticator newAuthenticator() {
    return JwtAuthenticator.builder()
        .keys(new JWKSet(KEY.toPublicJWK()))
        .algorithms("ES256")
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
    return List.of(
        Tokens.sign(OTHER, Tokens.claims("alice", NOW).build()),
        Tokens.sign(
            KEY,
            Tokens.claims("alice", NOW).expirationTime(Date.from(NOW.minusSeconds(60))).build()),
        Tokens.sign(KEY, Tokens.claims("alice", NOW).audience("another-app").build()),
        Tokens.sign(KEY, Tokens.claims("alice", NOW).issuer("https://evil.test").build()),
        Tokens.sign(KEY, Tokens.claims("not a user id", NOW).build()),
        validToken(UserId.of("alice")) + "x");
  }
}
