package dev.parley.chat.auth.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import dev.parley.chat.testkit.time.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The builder refuses configurations that would weaken the checks, with messages that say why. */
class JwtAuthenticatorBuilderTest {
  private static final ECKey EC = Tokens.ecKey("ec-1");
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private static JwtAuthenticatorBuilder complete() {
    return JwtAuthenticator.builder()
        .keys(new JWKSet(EC.toPublicJWK()))
        .algorithms("ES256")
        .issuer(Tokens.ISSUER)
        .audience(Tokens.AUDIENCE);
  }

  @Test
  @DisplayName("no default allowlist: build fails without algorithms")
  void algorithmsAreRequired() {
    assertThatThrownBy(
            () ->
                JwtAuthenticator.builder()
                    .keys(new JWKSet(EC.toPublicJWK()))
                    .issuer("i")
                    .audience("a")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("no algorithms");
    assertThatThrownBy(() -> JwtAuthenticator.builder().algorithms())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("alg none can never be allowed")
  void noneIsNeverAllowed() {
    for (String none : new String[] {"none", "NONE", "None"}) {
      assertThatThrownBy(() -> JwtAuthenticator.builder().algorithms("ES256", none))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("algorithm none can never be allowed: it accepts unsigned tokens");
    }
    assertThatThrownBy(() -> JwtAuthenticator.builder().algorithms("EdDSA"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unsupported algorithm EdDSA");
  }

  @Test
  @DisplayName("key confusion: HMAC algorithms need a secret, asymmetric ones public keys")
  void algorithmsMustFitTheKeys() {
    assertThatThrownBy(() -> complete().algorithms("ES256", "HS256").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("[HS256] need a shared secret");
    assertThatThrownBy(
            () ->
                JwtAuthenticator.builder()
                    .jwksUri(URI.create("https://login.example/jwks.json"))
                    .algorithms("HS512")
                    .issuer("i")
                    .audience("a")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("[HS512] need a shared secret");
    assertThatThrownBy(
            () ->
                JwtAuthenticator.builder()
                    .hmacSecret(SECRET)
                    .algorithms("HS256", "RS256")
                    .issuer("i")
                    .audience("a")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("[RS256] do not fit an HMAC secret");
    assertThatThrownBy(
            () ->
                JwtAuthenticator.builder()
                    .keys(
                        new JWKSet(
                            List.of(
                                EC.toPublicJWK(), new OctetSequenceKey.Builder(SECRET).build()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the key set mixes HMAC secrets and public keys");
  }

  @Test
  @DisplayName("a private key is refused as a verification key")
  void privateKeysAreRefused() {
    assertThatThrownBy(() -> JwtAuthenticator.builder().keys(new JWKSet(EC)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds a private key");
  }

  @Test
  @DisplayName("short HMAC secrets are refused")
  void shortSecretsAreRefused() {
    assertThatThrownBy(() -> JwtAuthenticator.builder().hmacSecret(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an HMAC secret must be at least 32 bytes, was 31");
  }

  @Test
  @DisplayName("exactly one key source, issuer and audience are required")
  void requiredParts() {
    assertThatThrownBy(() -> complete().jwksUri(URI.create("https://x/jwks")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("keys were already set to 1 public key(s): give exactly one key source");
    assertThatThrownBy(() -> JwtAuthenticator.builder().algorithms("ES256").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("no keys");
    assertThatThrownBy(
            () ->
                JwtAuthenticator.builder()
                    .keys(new JWKSet(EC.toPublicJWK()))
                    .algorithms("ES256")
                    .audience("a")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("no issuer");
    assertThatThrownBy(() -> JwtAuthenticator.builder().jwksUri(URI.create("file:///etc/jwks")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("jwksUri must be an http or https URI");
  }

  @Test
  @DisplayName("clock skew is bounded to a few minutes; token size to 64 B..1 MiB")
  void boundedSettings() {
    assertThatThrownBy(() -> complete().clockSkew(Duration.ofMinutes(6)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clockSkew must be between 0 and PT5M, was PT6M");
    assertThatThrownBy(() -> complete().clockSkew(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> complete().maxTokenBytes(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTokenBytes must be between 64 and 1048576, was 10");
  }

  @Test
  @DisplayName("PEM public keys are read and verify tokens")
  void pemPublicKeys() throws Exception {
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(EC.toECPublicKey().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    Instant now = Instant.now();
    JwtAuthenticator authenticator =
        JwtAuthenticator.builder()
            .publicKeysPem(pem)
            .algorithms("ES256")
            .issuer(Tokens.ISSUER)
            .audience(Tokens.AUDIENCE)
            .clock(new MutableClock(now))
            .build();
    String token = Tokens.sign(EC, Tokens.claims("alice", now).build());
    assertThat(JwtAttackTest.identify(authenticator, token).get().user().value())
        .isEqualTo("alice");
    assertThatThrownBy(() -> JwtAuthenticator.builder().publicKeysPem("nothing here"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("no -----BEGIN PUBLIC KEY----- block found");
  }
}
