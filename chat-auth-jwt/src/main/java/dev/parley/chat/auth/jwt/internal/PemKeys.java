package dev.parley.chat.auth.jwt.internal;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM public keys with the JDK's own key factories (no Bouncy Castle). Stateless and
 * thread-safe; runs on the caller's thread.
 */
public final class PemKeys {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]*)-----END PUBLIC KEY-----");

  private PemKeys() {}

  /**
   * The public keys of every {@code PUBLIC KEY} block in {@code pem}, as JWKs without a {@code
   * kid}.
   *
   * @throws IllegalArgumentException if there is none, or one is neither an RSA nor an EC key on a
   *     JOSE curve
   */
  public static List<JWK> parsePublicKeys(String pem) {
    List<JWK> keys = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(pem);
    while (matcher.find()) {
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(matcher.group(1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "PEM public key " + (keys.size() + 1) + " is not base64");
      }
      keys.add(toJwk(decode(der, keys.size() + 1)));
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(
          "no -----BEGIN PUBLIC KEY----- block found (certificates and private keys are not read)");
    }
    return List.copyOf(keys);
  }

  private static PublicKey decode(byte[] der, int index) {
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next kind
      }
    }
    throw new IllegalArgumentException("PEM public key " + index + " is neither an RSA nor EC key");
  }

  private static JWK toJwk(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      return new RSAKey.Builder(rsa).build();
    }
    ECPublicKey ec = (ECPublicKey) key;
    Curve curve = Curve.forECParameterSpec(ec.getParams());
    if (curve == null) {
      throw new IllegalArgumentException("EC public key on a curve JOSE does not name");
    }
    return new ECKey.Builder(curve, ec).build();
  }
}
