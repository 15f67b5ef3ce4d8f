package dev.parley.chat.auth.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;

/** Keys and signed tokens for the tests. */
final class Tokens {
  static final String ISSUER = "https://login.example.test";
  static final String AUDIENCE = "parley-chat";

  private Tokens() {}

  static ECKey ecKey(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static RSAKey rsaKey(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Claims a default authenticator accepts at {@code now}: user, issuer, audience, 10 min. */
  static JWTClaimsSet.Builder claims(String user, Instant now) {
    return new JWTClaimsSet.Builder()
        .subject(user)
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(600)));
  }

  /** {@code claims} signed by {@code key} with the algorithm that fits it, naming its kid. */
  static String sign(JWK key, JWTClaimsSet claims) {
    JWSAlgorithm algorithm =
        key instanceof ECKey
            ? JWSAlgorithm.ES256
            : key instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.HS256;
    return sign(key, new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
  }

  static String sign(JWK key, JWSHeader header, JWTClaimsSet claims) {
    try {
      JWSSigner signer =
          key instanceof ECKey ec
              ? new ECDSASigner(ec)
              : key instanceof RSAKey rsa
                  ? new RSASSASigner(rsa)
                  : new MACSigner((OctetSequenceKey) key);
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
