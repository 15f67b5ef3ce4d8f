package dev.parley.chat.auth.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.parley.chat.auth.jwt.JwtRefusalException.Reason;
import dev.parley.chat.spi.ConnectRequest;
import dev.parley.chat.spi.CredentialsExpiredException;
import dev.parley.chat.spi.Identity;
import dev.parley.chat.testkit.time.MutableClock;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Forged and broken tokens against static keys: each test names the defence it checks and asserts
 * the exact refusal (the reason kept for the server, and the one message the client sees).
 */
class JwtAttackTest {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final RSAKey RSA = Tokens.rsaKey("rsa-1");
  private static final ECKey EC = Tokens.ecKey("ec-1");

  private final MutableClock clock = new MutableClock(NOW);

  private JwtAuthenticator rsaAuthenticator() {
    return JwtAuthenticator.builder()
        .keys(new JWKSet(List.of(RSA.toPublicJWK(), EC.toPublicJWK())))
        .algorithms("RS256", "ES256")
        .issuer(Tokens.ISSUER)
        .audience(Tokens.AUDIENCE)
        .rolesClaim("roles")
        .clock(clock)
        .build();
  }

  @Test
  @DisplayName(
      "a valid token gives the user, roles and exp as expiry (the baseline the attacks vary)")
  void validTokenIsAccepted() throws Exception {
    String token =
        Tokens.sign(
            RSA, Tokens.claims("alice", NOW).claim("roles", List.of("admin", "mod")).build());
    Identity identity = identify(rsaAuthenticator(), token).get();
    assertThat(identity.user().value()).isEqualTo("alice");
    assertThat(identity.roles()).containsExactlyInAnyOrder("admin", "mod");
    assertThat(identity.expiresAt()).contains(NOW.plusSeconds(600));
    String scoped = Tokens.sign(EC, Tokens.claims("bob", NOW).claim("roles", "a b").build());
    assertThat(identify(rsaAuthenticator(), scoped).get().roles()).isEqualTo(Set.of("a", "b"));
  }

  @Test
  @DisplayName("alg:none: an unsigned token is never accepted, whatever the allowlist")
  void algNoneIsRefused() {
    String unsigned = new PlainJWT(Tokens.claims("alice", NOW).build()).serialize();
    assertRefused(rsaAuthenticator(), unsigned, Reason.MALFORMED);
    // The same, with the signature of a real token left on.
    String signed = Tokens.sign(RSA, Tokens.claims("alice", NOW).build());
    assertRefused(rsaAuthenticator(), unsigned + signed.split("\\.")[2], Reason.MALFORMED);
  }

  @Test
  @DisplayName("key confusion: HS256 signed with the RSA public key's bytes is refused")
  void hmacWithThePublicKeyIsRefused() throws Exception {
    byte[] publicKeyBytes =
        RSA.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8); // what an attacker has
    String forged =
        Tokens.sign(
            new OctetSequenceKey.Builder(publicKeyBytes).build(),
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
            Tokens.claims("admin", NOW).build());
    assertRefused(rsaAuthenticator(), forged, Reason.ALGORITHM_NOT_ALLOWED);
    byte[] der = RSA.toRSAPublicKey().getEncoded();
    String forgedWithDer =
        Tokens.sign(
            new OctetSequenceKey.Builder(der).build(),
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
            Tokens.claims("admin", NOW).build());
    assertRefused(rsaAuthenticator(), forgedWithDer, Reason.ALGORITHM_NOT_ALLOWED);
  }

  @Test
  @DisplayName("algorithm allowlist: a token signed with an algorithm not on the list is refused")
  void algorithmOffTheListIsRefused() {
    String rs384 =
        Tokens.sign(
            RSA,
            new JWSHeader.Builder(JWSAlgorithm.RS384).keyID("rsa-1").build(),
            Tokens.claims("alice", NOW).build());
    assertRefused(rsaAuthenticator(), rs384, Reason.ALGORITHM_NOT_ALLOWED);
  }

  @Test
  @DisplayName("expiry: a genuine token past exp (beyond the clock skew) is refused as expired")
  void expiredTokenIsRefusedAsExpired() throws Exception {
    String token =
        Tokens.sign(
            RSA,
            Tokens.claims("alice", NOW).expirationTime(Date.from(NOW.minusSeconds(10))).build());
    assertThat(identify(rsaAuthenticator(), token).get().user().value())
        .as("within the 30 s skew")
        .isEqualTo("alice");
    clock.advance(Duration.ofSeconds(20));
    assertExpired(rsaAuthenticator(), token);
  }

  @Test
  @DisplayName("expiry: a forged or otherwise invalid expired token never learns it expired")
  void expiryIsToldOnlyForTokensThatPassEveryOtherCheck() {
    Date past = Date.from(NOW.minusSeconds(3_600));
    String honest = Tokens.sign(RSA, Tokens.claims("alice", NOW).expirationTime(past).build());
    String[] parts = honest.split("\\.");
    String evilPayload =
        Base64URL.encode(Tokens.claims("admin", NOW).expirationTime(past).build().toString())
            .toString();
    assertRefused(
        rsaAuthenticator(), parts[0] + "." + evilPayload + "." + parts[2], Reason.BAD_SIGNATURE);
    assertRefused(
        rsaAuthenticator(),
        Tokens.sign(
            Tokens.ecKey("nobody-knows-me"),
            Tokens.claims("alice", NOW).expirationTime(past).build()),
        Reason.UNKNOWN_KEY);
    assertRefused(
        rsaAuthenticator(),
        Tokens.sign(
            Tokens.rsaKey("rsa-1"), Tokens.claims("alice", NOW).expirationTime(past).build()),
        Reason.BAD_SIGNATURE);
    assertRefused(
        rsaAuthenticator(),
        Tokens.sign(
            RSA,
            Tokens.claims("alice", NOW)
                .expirationTime(past)
                .issuer("https://evil.example")
                .build()),
        Reason.WRONG_ISSUER);
    assertRefused(
        rsaAuthenticator(),
        Tokens.sign(
            RSA, Tokens.claims("alice", NOW).expirationTime(past).audience("billing").build()),
        Reason.WRONG_AUDIENCE);
    assertRefused(
        rsaAuthenticator(),
        Tokens.sign(RSA, Tokens.claims("alice smith", NOW).expirationTime(past).build()),
        Reason.BAD_USER);
  }

  @Test
  @DisplayName("not-before: a token whose nbf is ahead (beyond the clock skew) is refused")
  void notYetValidTokenIsRefused() throws Exception {
    String token =
        Tokens.sign(
            RSA, Tokens.claims("alice", NOW).notBeforeTime(Date.from(NOW.plusSeconds(40))).build());
    assertRefused(rsaAuthenticator(), token, Reason.NOT_YET_VALID);
    clock.advance(Duration.ofSeconds(15));
    assertThat(identify(rsaAuthenticator(), token).get().user().value()).isEqualTo("alice");
  }

  @Test
  @DisplayName("issuer: a token from another issuer is refused")
  void wrongIssuerIsRefused() {
    String token =
        Tokens.sign(RSA, Tokens.claims("alice", NOW).issuer("https://evil.example").build());
    assertRefused(rsaAuthenticator(), token, Reason.WRONG_ISSUER);
    String none = Tokens.sign(RSA, Tokens.claims("alice", NOW).issuer(null).build());
    assertRefused(rsaAuthenticator(), none, Reason.WRONG_ISSUER);
  }

  @Test
  @DisplayName("audience: a token meant for another service is refused")
  void wrongAudienceIsRefused() {
    String token = Tokens.sign(RSA, Tokens.claims("alice", NOW).audience("billing").build());
    assertRefused(rsaAuthenticator(), token, Reason.WRONG_AUDIENCE);
    String none = Tokens.sign(RSA, Tokens.claims("alice", NOW).audience((String) null).build());
    assertRefused(rsaAuthenticator(), none, Reason.WRONG_AUDIENCE);
  }

  @Test
  @DisplayName("unknown kid: a token naming a key that is not trusted is refused")
  void unknownKidIsRefused() {
    ECKey stranger = Tokens.ecKey("nobody-knows-me");
    assertRefused(
        rsaAuthenticator(),
        Tokens.sign(stranger, Tokens.claims("alice", NOW).build()),
        Reason.UNKNOWN_KEY);
  }

  @Test
  @DisplayName("signature: a payload with another payload's signature is refused")
  void tamperedPayloadIsRefused() {
    String honest = Tokens.sign(RSA, Tokens.claims("alice", NOW).build());
    String[] parts = honest.split("\\.");
    String evilPayload =
        Base64URL.encode(Tokens.claims("admin", NOW).build().toString()).toString();
    assertRefused(
        rsaAuthenticator(), parts[0] + "." + evilPayload + "." + parts[2], Reason.BAD_SIGNATURE);
    ECKey sameKid = Tokens.ecKey("ec-1");
    assertRefused(
        rsaAuthenticator(),
        Tokens.sign(sameKid, Tokens.claims("alice", NOW).build()),
        Reason.BAD_SIGNATURE);
  }

  @Test
  @DisplayName("size limit: a token over 8 KiB is refused before it is parsed")
  void oversizedTokenIsRefused() {
    String padded =
        Tokens.sign(RSA, Tokens.claims("alice", NOW).claim("pad", "x".repeat(9_000)).build());
    assertRefused(rsaAuthenticator(), padded, Reason.TOO_LARGE);
    assertRefused(rsaAuthenticator(), "{".repeat(10_000), Reason.TOO_LARGE);
  }

  @Test
  @DisplayName("expiry required: a token without exp is refused")
  void missingExpiryIsRefused() {
    String token = Tokens.sign(RSA, Tokens.claims("alice", NOW).expirationTime(null).build());
    assertRefused(rsaAuthenticator(), token, Reason.MISSING_EXPIRY);
  }

  @Test
  @DisplayName("user mapping: a sub that is no Parley user id is refused")
  void badUserIsRefused() {
    assertRefused(
        rsaAuthenticator(),
        Tokens.sign(RSA, Tokens.claims("alice smith", NOW).build()),
        Reason.BAD_USER);
    assertRefused(
        rsaAuthenticator(),
        Tokens.sign(RSA, Tokens.claims("alice", NOW).subject(null).build()),
        Reason.BAD_USER);
  }

  @Test
  @DisplayName("roles: a roles claim that is neither string nor array of strings is refused")
  void badRolesAreRefused() {
    JWTClaimsSet claims = Tokens.claims("alice", NOW).claim("roles", List.of("ok", 7)).build();
    assertRefused(rsaAuthenticator(), Tokens.sign(RSA, claims), Reason.BAD_ROLES);
  }

  @Test
  @DisplayName("critical headers: a token whose crit names an extension we do not know is refused")
  void unknownCriticalHeaderIsRefused() {
    String token =
        Tokens.sign(
            RSA,
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID("rsa-1")
                .criticalParams(Set.of("exp-policy"))
                .customParam("exp-policy", "lenient")
                .build(),
            Tokens.claims("alice", NOW).build());
    assertRefused(rsaAuthenticator(), token, Reason.BAD_SIGNATURE);
  }

  @Test
  @DisplayName("key-search cap: a token without kid is tried against at most 4 keys")
  void tokenWithoutKidTriesAFewKeysOnly() throws Exception {
    List<ECKey> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      keys.add(Tokens.ecKey(null));
    }
    JwtAuthenticator many =
        JwtAuthenticator.builder()
            .keys(
                new JWKSet(
                    keys.stream().map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK()).toList()))
            .algorithms("ES256")
            .issuer(Tokens.ISSUER)
            .audience(Tokens.AUDIENCE)
            .clock(clock)
            .build();
    JWTClaimsSet claims = Tokens.claims("alice", NOW).build();
    assertThat(identify(many, Tokens.sign(keys.get(3), claims)).get().user().value())
        .isEqualTo("alice");
    assertRefused(many, Tokens.sign(keys.get(5), claims), Reason.BAD_SIGNATURE);
  }

  @Test
  @DisplayName("an HMAC-only authenticator refuses tokens signed with another secret")
  void hmacWithAnotherSecretIsRefused() throws Exception {
    byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    JwtAuthenticator hmac =
        JwtAuthenticator.builder()
            .hmacSecret(secret)
            .algorithms("HS256")
            .issuer(Tokens.ISSUER)
            .audience(Tokens.AUDIENCE)
            .clock(clock)
            .build();
    JWTClaimsSet claims = Tokens.claims("alice", NOW).build();
    assertThat(
            identify(hmac, Tokens.sign(new OctetSequenceKey.Builder(secret).build(), claims))
                .get()
                .user()
                .value())
        .isEqualTo("alice");
    byte[] other = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    assertRefused(
        hmac,
        Tokens.sign(new OctetSequenceKey.Builder(other).build(), claims),
        Reason.BAD_SIGNATURE);
    assertRefused(hmac, Tokens.sign(RSA, claims), Reason.ALGORITHM_NOT_ALLOWED);
  }

  static CompletableFuture<Identity> identify(JwtAuthenticator authenticator, String token) {
    return authenticator
        .identify(
            new ConnectRequest(token, "attack", "1", new InetSocketAddress("127.0.0.1", 40_000)))
        .toCompletableFuture();
  }

  /** The token is refused as genuine but expired, which tells its client to fetch a fresh one. */
  static void assertExpired(JwtAuthenticator authenticator, String token) {
    CompletableFuture<Identity> result = identify(authenticator, token);
    assertThat(result).isCompletedExceptionally();
    Throwable cause = null;
    try {
      result.get();
    } catch (ExecutionException e) {
      cause = e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertThat(cause)
        .isExactlyInstanceOf(CredentialsExpiredException.class)
        .hasMessage("token expired");
  }

  static void assertRefused(JwtAuthenticator authenticator, String token, Reason reason) {
    CompletableFuture<Identity> result = identify(authenticator, token);
    assertThat(result).isCompletedExceptionally();
    Throwable cause = null;
    try {
      result.get();
    } catch (ExecutionException e) {
      cause = e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertThat(cause).isInstanceOf(JwtRefusalException.class).hasMessage("invalid token");
    assertThat(((JwtRefusalException) cause).reason()).isEqualTo(reason);
  }
}
