package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.spi.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * When the expiry warning is due, and the expiry rules that depend on the server's clock (a manual
 * one here): credentials expired by it are refused at Connect and in Reauthenticate.
 */
class SessionExpiryTest {
  @Test
  void theWarningComesTheLeadBeforeTheExpiryOrHalfwayWhenThatIsSooner() {
    long minute = Duration.ofMinutes(1).toMillis();
    assertThat(SessionExpiry.warningDelay(Duration.ofHours(1).toMillis(), minute))
        .isEqualTo(Duration.ofMinutes(59).toMillis());
    assertThat(SessionExpiry.warningDelay(2 * minute, minute)).isEqualTo(minute);
    assertThat(SessionExpiry.warningDelay(10_000, minute)).isEqualTo(5_000);
    assertThat(SessionExpiry.warningDelay(1, minute)).isEqualTo(1);
    assertThat(SessionExpiry.warningDelay(0, minute)).isZero();
    assertThat(SessionExpiry.warningDelay(-5_000, minute)).isZero();
  }

  /** An authenticator for tokens {@code user@epochSecond}, expiring then. */
  private static Engine engine() {
    return new Engine(
        b ->
            b.authenticator(
                new dev.parley.chat.spi.Authenticator() {
                  @Override
                  public CompletableFuture<Identity> identify(
                      dev.parley.chat.spi.ConnectRequest request) {
                    String[] parts = request.token().split("@");
                    return CompletableFuture.completedFuture(
                        Identity.of(
                            UserId.of(parts[0]),
                            Set.of(),
                            Instant.ofEpochSecond(Long.parseLong(parts[1]))));
                  }

                  @Override
                  public CompletableFuture<UserId> authenticate(
                      dev.parley.chat.spi.ConnectRequest request) {
                    return identify(request).thenApply(Identity::user);
                  }
                }));
  }

  private static String token(String user, Engine engine, long secondsFromNow) {
    return user + "@" + (engine.clock.instant().getEpochSecond() + secondsFromNow);
  }

  @Test
  void credentialsExpiredByTheServersClockAreRefusedAtConnectWith4004() {
    try (Engine engine = engine()) {
      FakeConnection c = engine.open();
      engine.send(c, engine.connectFrame(token("alice", engine, 0)));

      Envelope error = c.nextError();
      assertThat(error.getError().getCode()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED.code());
      assertThat(error.getError().getMessage()).isEqualTo("the credentials have expired");
      // genuine but stale: the client may come back with fresh credentials
      assertThat(c.awaitClose()).isEqualTo(CloseCodes.TOKEN_EXPIRED);
    }
  }

  @Test
  void aFreshTokenAlreadyExpiredIsRefusedAndTheSessionKeepsItsCredentials() {
    try (Engine engine = engine()) {
      FakeConnection c = engine.open();
      engine.send(c, engine.connectFrame(token("alice", engine, 3600)));
      Envelope welcome = c.next(Envelope.BodyCase.WELCOME);
      assertThat(welcome.getWelcome().getTokenExpiresAtMs())
          .isEqualTo(engine.clock.instant().plusSeconds(3600).toEpochMilli());

      engine.send(c, EnvelopeCodec.reauthenticate(7, token("alice", engine, -1)));
      Envelope error = c.nextError();
      assertThat(error.getRequestId()).isEqualTo(7);
      assertThat(error.getError().getMessage()).isEqualTo("the token has expired");

      engine.send(c, EnvelopeCodec.reauthenticate(8, token("alice", engine, 7200)));
      Envelope answer = c.next(Envelope.BodyCase.REAUTHENTICATED);
      assertThat(answer.getRequestId()).isEqualTo(8);
      assertThat(answer.getReauthenticated().getExpiresAtMs())
          .isEqualTo(engine.clock.instant().plusSeconds(7200).toEpochMilli());
    }
  }
}
