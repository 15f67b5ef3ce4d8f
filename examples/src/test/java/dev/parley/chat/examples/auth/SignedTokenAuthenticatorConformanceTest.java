package dev.parley.chat.examples.auth;

import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.testkit.auth.AuthenticatorConformanceSuite;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** The authenticator conformance suite against the signed-token example. */
class SignedTokenAuthenticatorConformanceTest extends AuthenticatorConformanceSuite {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final SignedTokenAuthenticator ISSUER =
      new SignedTokenAuthenticator(
          "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII), CLOCK);
  private static final SignedTokenAuthenticator OTHER_ISSUER =
      new SignedTokenAuthenticator(
          "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII), CLOCK);

  @Override
  protected Authenticator newAuthenticator() {
    return ISSUER;
  }

  @Override
  protected String validToken(UserId user) {
    return ISSUER.issue(user, NOW.plusSeconds(600));
  }

  @Override
  protected List<String> invalidTokens() {
    return List.of(
        ISSUER.issue(UserId.of("alice"), NOW),
        OTHER_ISSUER.issue(UserId.of("alice"), NOW.plusSeconds(600)),
        validToken(UserId.of("alice")).replaceFirst("^alice", "mallory"),
        "alice.123.sig");
  }
}
