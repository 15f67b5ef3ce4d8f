package dev.parley.chat.server;

import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.testkit.auth.AuthenticatorConformanceSuite;
import java.util.List;

/**
 * The authenticator conformance suite against the development authenticator: its "valid token" is
 * the nickname itself, its invalid ones are strings that are no user id.
 */
class DevelopmentAuthenticatorConformanceTest extends AuthenticatorConformanceSuite {
  @Override
  protected Authenticator newAuthenticator() {
    return DevelopmentAuthenticator.ANY_NICKNAME;
  }

  @Override
  protected String validToken(UserId user) {
    return user.value();
  }

  @Override
  protected List<String> invalidTokens() {
    return List.of("x".repeat(UserId.MAX_LENGTH + 1), "alice/bob", "alice:secret", "#general");
  }
}
