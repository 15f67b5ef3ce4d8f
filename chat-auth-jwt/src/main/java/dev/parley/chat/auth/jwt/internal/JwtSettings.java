package dev.parley.chat.auth.jwt.internal;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A {@code JwtAuthenticator}'s configuration, validated by its builder. Immutable (the key source
 * is thread-safe).
 *
 * @param algorithms the allowlist
 * @param keys where trusted keys come from
 * @param issuer the required {@code iss}
 * @param audience the audience {@code aud} must include
 * @param clockSkew tolerance on {@code exp} and {@code nbf}
 * @param userClaim the claim holding the user id
 * @param rolesClaim the claim holding roles, or null
 * @param maxTokenBytes longest token accepted
 * @param clock the time tokens are checked against
 */
public record JwtSettings(
    List<JWSAlgorithm> algorithms,
    KeySource keys,
    String issuer,
    String audience,
    Duration clockSkew,
    String userClaim,
    String rolesClaim,
    int maxTokenBytes,
    Clock clock) {
  /** Copies the allowlist. */
  public JwtSettings {
    algorithms = List.copyOf(algorithms);
  }
}
