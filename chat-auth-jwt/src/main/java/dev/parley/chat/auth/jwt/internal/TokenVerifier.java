package dev.parley.chat.auth.jwt.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.chat.api.UserId;
import dev.parley.chat.auth.jwt.JwtRefusalException;
import dev.parley.chat.auth.jwt.JwtRefusalException.Reason;
import dev.parley.chat.spi.AuthenticationUnavailableException;
import dev.parley.chat.spi.ConnectRequest;
import dev.parley.chat.spi.CredentialsExpiredException;
import dev.parley.chat.spi.Identity;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks a token goes through, in order; the first that fails refuses it. Thread-safe
 * (stateless apart from the thread-safe key source).
 */
public final class TokenVerifier {
  private static final Logger log = LoggerFactory.getLogger(TokenVerifier.class);

  /**
   * Most keys one token is checked against. A token without a {@code kid} fits every key of its
   * type; the cap keeps a large key set from multiplying the cost of each forged token.
   */
  static final int MAX_KEYS_TRIED = 4;

  private final JwtSettings settings;

  /** Checks tokens against {@code settings}. */
  public TokenVerifier(JwtSettings settings) {
    this.settings = settings;
  }

  /**
   * The identity {@code request}'s token proves.
   *
   * @throws JwtRefusalException if a check fails
   * @throws CredentialsExpiredException if the token passes every check but is past its {@code
   *     exp}: only a token whose signature verified can learn that it expired
   * @throws AuthenticationUnavailableException if no keys can be had now, or the token names a key
   *     that is not known yet and may not be fetched yet
   */
  public Identity verify(ConnectRequest request)
      throws JwtRefusalException, CredentialsExpiredException, AuthenticationUnavailableException {
    String token = request.token();
    // Length in chars bounds the UTF-8 length from below; a compact JWT is ASCII anyway.
    if (token.length() > settings.maxTokenBytes()) {
      throw refuse(request, Reason.TOO_LARGE, token.length() + " chars");
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token); // an alg:none token has no JWS header: it fails here
    } catch (ParseException | RuntimeException e) {
      throw refuse(request, Reason.MALFORMED, "not a signed JWT");
    }
    JWSHeader header = jwt.getHeader();
    JWSAlgorithm algorithm = header.getAlgorithm();
    if (!settings.algorithms().contains(algorithm)) {
      throw refuse(request, Reason.ALGORITHM_NOT_ALLOWED, "alg " + algorithm);
    }
    verifySignature(request, jwt, header);
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw refuse(request, Reason.BAD_CLAIMS, "claims are not a JSON object");
    }
    return checkClaims(request, claims);
  }

  private void verifySignature(ConnectRequest request, SignedJWT jwt, JWSHeader header)
      throws JwtRefusalException, AuthenticationUnavailableException {
    long fetchesBefore = settings.keys().fetches();
    JWKSet keys = settings.keys().keys();
    List<JWK> candidates = candidates(keys, header);
    if (candidates.isEmpty() && header.getKeyID() != null) {
      // unavailable (retry later) while the keys could not be fetched since the token arrived
      candidates = candidates(settings.keys().keysAfterUnknownKey(keys, fetchesBefore), header);
    }
    if (candidates.isEmpty()) {
      throw refuse(request, Reason.UNKNOWN_KEY, "kid " + header.getKeyID());
    }
    for (JWK key : candidates.subList(0, Math.min(candidates.size(), MAX_KEYS_TRIED))) {
      try {
        if (jwt.verify(verifierFor(key, header.getAlgorithm()))) {
          return;
        }
      } catch (JOSEException | IllegalStateException e) {
        // a key that cannot check this token (an EC key on another curve): try the next
        log.debug("key {} cannot verify an {} token: {}", key.getKeyID(), header.getAlgorithm(), e);
      }
    }
    throw refuse(request, Reason.BAD_SIGNATURE, "kid " + header.getKeyID());
  }

  /**
   * The keys that may have signed a token with {@code header}: of the algorithm's key type, for
   * signing (or of unstated use), of this algorithm (or unstated), and with the token's {@code kid}
   * when both name one.
   */
  private static List<JWK> candidates(JWKSet keys, JWSHeader header) {
    JWSAlgorithm algorithm = header.getAlgorithm();
    KeyType type = KeyType.forAlgorithm(algorithm);
    String kid = header.getKeyID();
    List<JWK> fitting = new ArrayList<>();
    for (JWK key : keys.getKeys()) {
      if (key.getKeyType().equals(type)
          && (key.getKeyUse() == null || key.getKeyUse().equals(KeyUse.SIGNATURE))
          && (key.getAlgorithm() == null || key.getAlgorithm().equals(algorithm))
          && (kid == null || key.getKeyID() == null || kid.equals(key.getKeyID()))
          && fitsCurve(key, algorithm)) {
        fitting.add(key);
      }
    }
    return fitting;
  }

  private static boolean fitsCurve(JWK key, JWSAlgorithm algorithm) {
    if (!(key instanceof ECKey ec)) {
      return true;
    }
    Set<Curve> curves = Curve.forJWSAlgorithm(algorithm);
    return curves != null && curves.contains(ec.getCurve());
  }

  private static JWSVerifier verifierFor(JWK key, JWSAlgorithm algorithm) throws JOSEException {
    if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm) && key instanceof OctetSequenceKey oct) {
      return new MACVerifier(oct);
    }
    if (JWSAlgorithm.Family.RSA.contains(algorithm) && key instanceof RSAKey rsa) {
      return new RSASSAVerifier(rsa);
    }
    if (JWSAlgorithm.Family.EC.contains(algorithm) && key instanceof ECKey ec) {
      return new ECDSAVerifier(ec);
    }
    throw new JOSEException("key type " + key.getKeyType() + " does not fit " + algorithm);
  }

  private Identity checkClaims(ConnectRequest request, JWTClaimsSet claims)
      throws JwtRefusalException, CredentialsExpiredException {
    Date expiry;
    Date notBefore;
    try {
      expiry = claims.getDateClaim("exp");
      notBefore = claims.getDateClaim("nbf");
    } catch (ParseException e) {
      throw refuse(request, Reason.BAD_CLAIMS, "exp or nbf is not a number");
    }
    if (expiry == null) {
      throw refuse(request, Reason.MISSING_EXPIRY, "no exp");
    }
    Instant now = settings.clock().instant();
    Instant expiresAt = expiry.toInstant();
    if (notBefore != null && now.plus(settings.clockSkew()).isBefore(notBefore.toInstant())) {
      throw refuse(request, Reason.NOT_YET_VALID, "nbf " + notBefore.toInstant() + ", now " + now);
    }
    Object issuer = claims.getClaim("iss");
    if (!settings.issuer().equals(issuer)) {
      throw refuse(request, Reason.WRONG_ISSUER, "another issuer");
    }
    List<String> audience = claims.getAudience(); // a string or an array of strings
    if (!audience.contains(settings.audience())) {
      throw refuse(request, Reason.WRONG_AUDIENCE, "another audience");
    }
    UserId user;
    try {
      Object value = claims.getClaim(settings.userClaim());
      if (!(value instanceof String text)) {
        throw refuse(request, Reason.BAD_USER, "no string claim " + settings.userClaim());
      }
      user = UserId.of(text);
    } catch (IllegalArgumentException e) {
      throw refuse(request, Reason.BAD_USER, "claim " + settings.userClaim() + " is no user id");
    }
    Set<String> roles = roles(request, claims);
    // Last: a client learns that a token expired only when nothing else is wrong with it.
    if (!now.isBefore(expiresAt.plus(settings.clockSkew()))) {
      log.debug(
          "refused an expired token from {}: exp {}, now {}",
          request.remoteAddress(),
          expiresAt,
          now);
      throw new CredentialsExpiredException("token expired");
    }
    return Identity.of(user, roles, expiresAt);
  }

  private Set<String> roles(ConnectRequest request, JWTClaimsSet claims)
      throws JwtRefusalException {
    if (settings.rolesClaim() == null) {
      return Set.of();
    }
    Object value = claims.getClaim(settings.rolesClaim());
    Set<String> roles = new LinkedHashSet<>();
    if (value == null) {
      return Set.of();
    } else if (value instanceof String text) {
      for (String role : text.trim().split("\\s+")) {
        if (!role.isEmpty()) {
          roles.add(role);
        }
      }
    } else if (value instanceof List<?> list) {
      for (Object role : list) {
        if (!(role instanceof String text) || text.isBlank()) {
          throw refuse(request, Reason.BAD_ROLES, "a role is not a string");
        }
        roles.add(text);
      }
    } else {
      throw refuse(request, Reason.BAD_ROLES, "roles claim is neither string nor array");
    }
    return roles;
  }

  private static JwtRefusalException refuse(ConnectRequest request, Reason reason, String detail) {
    // The token itself is never logged: a valid one would let a log reader connect as its user.
    log.debug("refused a token from {}: {} ({})", request.remoteAddress(), reason, detail);
    return new JwtRefusalException(reason);
  }

  @Override
  public String toString() {
    return "keys="
        + settings.keys()
        + ", algorithms="
        + settings.algorithms()
        + ", issuer="
        + settings.issuer()
        + ", audience="
        + settings.audience();
  }
}
