package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The expiry frames on the wire, by hand, in both subprotocols (binary Protobuf and JSON text):
 * Welcome carries the expiry, TokenExpiring comes ahead of it, the session closes with 4004 unless
 * fresh credentials of the same user arrived, and every bad Reauthenticate gets its exact error and
 * changes nothing else. Revocation closes every session of the user with 4005.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReauthenticateWireIT {
  private static final Duration LEAD = Duration.ofSeconds(1);

  private final TokenIssuer issuer = new TokenIssuer();
  private Fixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = new Fixture(b -> b.authenticator(issuer).tokenExpiryLead(LEAD));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @ParameterizedTest(name = "json={0}")
  @ValueSource(booleans = {false, true})
  void welcomeCarriesTheExpiryThenTokenExpiringThenClose4004(boolean json) throws Exception {
    Instant before = Instant.now();
    String token = issuer.issue("alice", Duration.ofSeconds(3));
    List<String> welcomes = new ArrayList<>();
    try (RawSession alice = RawSession.connected(fixture.server, json, token, welcomes)) {
      long expiresAt = welcomeExpiry(alice, welcomes);
      assertThat(expiresAt)
          .isBetween(
              before.plusSeconds(3).toEpochMilli(), Instant.now().plusSeconds(3).toEpochMilli());

      Envelope warning = alice.await(Envelope.BodyCase.TOKEN_EXPIRING, 10_000);
      assertThat(warning).as("TokenExpiring before the expiry").isNotNull();
      assertThat(warning.getRequestId()).isZero();
      assertThat(warning.getTokenExpiring().getExpiresAtMs()).isEqualTo(expiresAt);
      if (json) {
        assertThat(alice.texts.get(alice.texts.size() - 1))
            .isEqualTo("{\"tokenExpiring\":{\"expiresAtMs\":\"" + expiresAt + "\"}}");
      }
      assertThat(alice.awaitClose(10_000)).isEqualTo(CloseCodes.TOKEN_EXPIRED);
    }
  }

  @ParameterizedTest(name = "json={0}")
  @ValueSource(booleans = {false, true})
  void freshCredentialsOfTheSameUserOutliveTheOldExpiry(boolean json) throws Exception {
    String token = issuer.issue("alice", Duration.ofSeconds(2));
    List<String> welcomes = new ArrayList<>();
    try (RawSession alice = RawSession.connected(fixture.server, json, token, welcomes)) {
      long oldExpiry = welcomeExpiry(alice, welcomes);
      String fresh = issuer.issue("alice", Duration.ofMinutes(5));
      alice.send(EnvelopeCodec.reauthenticate(5, fresh));

      Envelope answer = alice.await(Envelope.BodyCase.REAUTHENTICATED, 10_000);
      assertThat(answer).isNotNull();
      assertThat(answer.getRequestId()).isEqualTo(5);
      long newExpiry = answer.getReauthenticated().getExpiresAtMs();
      assertThat(newExpiry).isGreaterThan(oldExpiry + Duration.ofMinutes(4).toMillis());

      // Past the old expiry (and its warning) nothing arrives: no TokenExpiring, no close.
      List<Envelope> meanwhile = framesUntil(alice, oldExpiry + 1_500);
      assertThat(meanwhile).isEmpty();
      assertThat(alice.closeCode()).isEqualTo(-1);
      assertPingAnswered(alice, 9);
      assertThat(fixture.server.rooms().sessionsOf(UserId.of("alice"))).hasSize(1);
    }
  }

  @ParameterizedTest(name = "json={0}")
  @ValueSource(booleans = {false, true})
  void anotherUsersTokenIsRefusedAndTheOldExpiryStands(boolean json) throws Exception {
    String token = issuer.issue("alice", Duration.ofSeconds(3));
    try (RawSession alice = RawSession.connected(fixture.server, json, token, null)) {
      alice.send(EnvelopeCodec.reauthenticate(7, issuer.issue("bob", Duration.ofMinutes(5))));

      assertError(alice.await(Envelope.BodyCase.ERROR, 10_000), 7, ErrorCode.AUTHENTICATION_FAILED);
      assertPingAnswered(alice, 8);
      List<Envelope> untilClose = framesUntil(alice, Long.MAX_VALUE);
      assertThat(untilClose)
          .allMatch(e -> e.getBodyCase() == Envelope.BodyCase.TOKEN_EXPIRING, "TokenExpiring");
      assertThat(alice.closeCode()).isEqualTo(CloseCodes.TOKEN_EXPIRED);
    }
  }

  @ParameterizedTest(name = "json={0}")
  @ValueSource(booleans = {false, true})
  void anInvalidTokenIsRefusedAndNothingChanges(boolean json) throws Exception {
    try (RawSession alice =
        RawSession.connected(fixture.server, json, issuer.permanent("alice"), null)) {
      Set<String> sessions = fixture.server.rooms().sessionsOf(UserId.of("alice"));
      alice.send(EnvelopeCodec.reauthenticate(3, "forged-token"));

      Envelope error = alice.await(Envelope.BodyCase.ERROR, 10_000);
      assertError(error, 3, ErrorCode.AUTHENTICATION_FAILED);
      assertThat(error.getError().getMessage()).isEqualTo("invalid token");
      assertPingAnswered(alice, 4);
      assertThat(fixture.server.rooms().sessionsOf(UserId.of("alice"))).isEqualTo(sessions);
    }
  }

  @ParameterizedTest(name = "json={0}")
  @ValueSource(booleans = {false, true})
  void emptyAndOversizedTokensAreRefusedBeforeTheAuthenticator(boolean json) throws Exception {
    try (RawSession alice =
        RawSession.connected(fixture.server, json, issuer.permanent("alice"), null)) {
      int asked = issuer.asked.size();
      alice.send(EnvelopeCodec.reauthenticate(3, ""));
      assertError(alice.read(), 3, ErrorCode.INVALID_ARGUMENT);

      String huge = "x".repeat(Protocol.MAX_REAUTHENTICATE_TOKEN_BYTES + 1);
      alice.send(EnvelopeCodec.reauthenticate(4, huge));
      Envelope tooLarge = alice.read();
      assertError(tooLarge, 4, ErrorCode.TOO_LARGE);
      assertThat(tooLarge.getError().getMessage()).contains("8193 UTF-8 bytes");

      String justFits = "é".repeat(Protocol.MAX_REAUTHENTICATE_TOKEN_BYTES / 2);
      alice.send(EnvelopeCodec.reauthenticate(5, justFits));
      assertError(alice.read(), 5, ErrorCode.AUTHENTICATION_FAILED); // reached the authenticator

      assertPingAnswered(alice, 6);
      assertThat(issuer.asked).hasSize(asked + 1);
    }
  }

  @ParameterizedTest(name = "json={0}")
  @ValueSource(booleans = {false, true})
  void reauthenticateBeforeConnectIsNotConnectedThenClose4000(boolean json) throws Exception {
    try (RawSession raw = RawSession.open(fixture.server, json)) {
      raw.send(EnvelopeCodec.reauthenticate(1, issuer.permanent("alice")));

      assertError(raw.read(), 1, ErrorCode.NOT_CONNECTED);
      assertThat(raw.awaitClose(10_000)).isEqualTo(CloseCodes.PROTOCOL_VIOLATION);
      assertThat(issuer.asked).isEmpty();
    }
  }

  @ParameterizedTest(name = "json={0}")
  @ValueSource(booleans = {false, true})
  void anUnavailableAuthenticatorIsRetryableAndChangesNothing(boolean json) throws Exception {
    String token = issuer.issue("alice", Duration.ofSeconds(4));
    List<String> welcomes = new ArrayList<>();
    try (RawSession alice = RawSession.connected(fixture.server, json, token, welcomes)) {
      long expiry = welcomeExpiry(alice, welcomes);
      issuer.unavailable = true;
      alice.send(EnvelopeCodec.reauthenticate(3, issuer.issue("alice", Duration.ofMinutes(5))));

      Envelope error = alice.read();
      assertError(error, 3, ErrorCode.UNAVAILABLE);
      assertThat(error.getError().getRetryable()).isTrue();
      assertPingAnswered(alice, 4);

      issuer.unavailable = false; // the retry succeeds
      alice.send(EnvelopeCodec.reauthenticate(5, issuer.issue("alice", Duration.ofMinutes(5))));
      Envelope answer = alice.await(Envelope.BodyCase.REAUTHENTICATED, 10_000);
      assertThat(answer.getRequestId()).isEqualTo(5);
      assertThat(answer.getReauthenticated().getExpiresAtMs()).isGreaterThan(expiry);
    }
  }

  @ParameterizedTest(name = "json={0}")
  @ValueSource(booleans = {false, true})
  void revokeClosesEverySessionOfTheUserWith4005(boolean json) throws Exception {
    try (RawSession phone =
            RawSession.connected(fixture.server, json, issuer.permanent("alice"), null);
        RawSession laptop =
            RawSession.connected(fixture.server, json, issuer.permanent("alice"), null);
        RawSession bob =
            RawSession.connected(fixture.server, json, issuer.permanent("bob"), null)) {
      int closed = fixture.server.rooms().revoke(UserId.of("alice"), "account suspended");

      assertThat(closed).isEqualTo(2);
      assertThat(phone.awaitClose(10_000)).isEqualTo(CloseCodes.REVOKED);
      assertThat(laptop.awaitClose(10_000)).isEqualTo(CloseCodes.REVOKED);
      assertPingAnswered(bob, 2);
      assertThat(fixture.server.rooms().revoke(UserId.of("alice"), "again")).isZero();
    }
  }

  // --- Helpers ---

  /** The Welcome's expiry, also checked in the JSON text when the session speaks JSON. */
  private static long welcomeExpiry(RawSession session, List<String> welcomes) {
    String welcome = welcomes.get(0);
    if (session.json) {
      assertThat(welcome).containsPattern("\"tokenExpiresAtMs\":\"[0-9]+\"");
      return Long.parseLong(welcome.replaceAll(".*\"tokenExpiresAtMs\":\"([0-9]+)\".*", "$1"));
    }
    assertThat(welcome).contains("token_expires_at_ms");
    return Long.parseLong(welcome.replaceAll("(?s).*token_expires_at_ms: ([0-9]+).*", "$1"));
  }

  /** Frames read until the server closes, nothing comes in time, or {@code untilMillis} passes. */
  private static List<Envelope> framesUntil(RawSession session, long untilMillis) throws Exception {
    List<Envelope> frames = new ArrayList<>();
    while (session.closeCode() < 0) {
      long left = untilMillis == Long.MAX_VALUE ? 10_000 : untilMillis - System.currentTimeMillis();
      if (left <= 0) {
        break;
      }
      Envelope e = session.read((int) Math.min(left, 10_000));
      if (e == null) {
        if (untilMillis == Long.MAX_VALUE) {
          break;
        }
        continue;
      }
      frames.add(e);
    }
    return frames;
  }

  private static void assertError(Envelope frame, long requestId, ErrorCode code) {
    assertThat(frame).as("an Error answering request %d", requestId).isNotNull();
    assertThat(frame.getBodyCase()).isEqualTo(Envelope.BodyCase.ERROR);
    assertThat(frame.getRequestId()).isEqualTo(requestId);
    assertThat(frame.getError().getCode()).isEqualTo(code.code());
    assertThat(frame.getError().getName()).isEqualTo(code.name());
    assertThat(frame.getError().getRetryable()).isEqualTo(code.retryable());
  }

  /**
   * The session still works: a Ping is answered with its Pong, and nothing comes first but the
   * expiry warning that short-lived credentials get anyway.
   */
  private static void assertPingAnswered(RawSession session, long requestId) throws Exception {
    session.send(EnvelopeCodec.ping(requestId, 42));
    Envelope pong = session.read();
    while (pong != null && pong.getBodyCase() == Envelope.BodyCase.TOKEN_EXPIRING) {
      pong = session.read();
    }
    assertThat(pong).isNotNull();
    assertThat(pong.getBodyCase()).isEqualTo(Envelope.BodyCase.PONG);
    assertThat(pong.getRequestId()).isEqualTo(requestId);
  }
}
