package dev.parley.chat.examples.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AuthenticationException;
import dev.parley.chat.spi.ConnectRequest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SignedTokenAuthenticatorTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private final SignedTokenAuthenticator authenticator =
      new SignedTokenAuthenticator(SECRET, CLOCK);

  @Test
  void acceptsATokenItIssued() {
    String token = authenticator.issue(UserId.of("alice.smith@example"), NOW.plusSeconds(60));
    assertThat(authenticate(token)).isCompletedWithValue(UserId.of("alice.smith@example"));
  }

  @Test
  void refusesAnExpiredToken() {
    String token = authenticator.issue(UserId.of("alice"), NOW);
    assertRefused(token);
  }

  @Test
  void refusesATokenWhoseClaimsWereChanged() {
    String token = authenticator.issue(UserId.of("alice"), NOW.plusSeconds(60));
    assertRefused(token.replaceFirst("^alice", "mallory"));
    String later = Long.toString(NOW.plusSeconds(999_999).getEpochSecond());
    assertRefused(token.replaceFirst("\\.\\d+\\.", "." + later + "."));
  }

  @Test
  void refusesATokenSignedWithAnotherSecret() {
    byte[] other = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    String token =
        new SignedTokenAuthenticator(other, CLOCK).issue(UserId.of("alice"), NOW.plusSeconds(60));
    assertRefused(token);
  }

  @Test
  void refusesMalformedTokens() {
    for (String token : new String[] {"", "alice", "alice.123", ".123.sig", "a..sig", "..."}) {
      assertRefused(token);
    }
  }

  @Test
  void requiresALongEnoughSecret() {
    assertThatThrownBy(() -> new SignedTokenAuthenticator(new byte[16], CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret must be at least 32 bytes, was 16");
  }

  private CompletableFuture<UserId> authenticate(String token) {
    return authenticator
        .authenticate(new ConnectRequest(token, "test", "1", new InetSocketAddress("127.0.0.1", 1)))
        .toCompletableFuture();
  }

  private void assertRefused(String token) {
    CompletableFuture<UserId> result = authenticate(token);
    assertThat(result).as(token).isCompletedExceptionally();
    assertThatThrownBy(result::join)
        .as(token)
        .hasCauseInstanceOf(AuthenticationException.class)
        .hasRootCauseMessage("invalid or expired token");
  }
}
