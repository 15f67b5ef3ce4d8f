package dev.parley.chat.spi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a certificate chain and a PKCS#8 private key from PEM files with the JDK alone ({@link
 * CertificateFactory}, {@link KeyFactory} for RSA and EC), checks that they belong together, and
 * puts them into an in-memory key store. Every problem is an {@link IllegalArgumentException} that
 * names the file. Stateless; thread-safe.
 */
final class PemKeyMaterial {
  static final String ALIAS = "parley";
  static final char[] PASSWORD = "parley".toCharArray();

  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final Pattern OTHER_KEY = Pattern.compile("-----BEGIN ([A-Z ]*PRIVATE KEY)-----");

  private PemKeyMaterial() {}

  /**
   * A key store holding the key under {@link #ALIAS} with the chain, protected by {@link
   * #PASSWORD}.
   */
  static KeyStore load(Path certificateChain, Path privateKey) {
    List<X509Certificate> chain = readChain(certificateChain);
    PrivateKey key = readKey(privateKey);
    requireMatch(chain.get(0), key, certificateChain, privateKey);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(ALIAS, key, PASSWORD, chain.toArray(new Certificate[0]));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "cannot hold the key of " + privateKey + " with the chain of " + certificateChain, e);
    }
  }

  static List<X509Certificate> readChain(Path file) {
    byte[] bytes = read(file, "certificate chain");
    Collection<? extends Certificate> read;
    try {
      read =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(bytes));
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          "certificate chain " + file + " is not PEM X.509: " + e.getMessage(), e);
    }
    List<X509Certificate> chain = new ArrayList<>();
    for (Certificate certificate : read) {
      chain.add((X509Certificate) certificate);
    }
    for (int i = 1; i < chain.size(); i++) {
      X509Certificate issued = chain.get(i - 1);
      X509Certificate issuer = chain.get(i);
      if (!issued.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
        throw new IllegalArgumentException(
            "certificate chain "
                + file
                + " is out of order: certificate "
                + (i + 1)
                + " ("
                + issuer.getSubjectX500Principal().getName()
                + ") did not issue certificate "
                + i
                + " ("
                + issued.getSubjectX500Principal().getName()
                + ", issued by "
                + issued.getIssuerX500Principal().getName()
                + "); put the server certificate first, then each issuer");
      }
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(
          "certificate chain "
              + file
              + " holds no certificate; expected -----BEGIN CERTIFICATE----- blocks, server"
              + " certificate first");
    }
    return chain;
  }

  static PrivateKey readKey(Path file) {
    String text = new String(read(file, "private key"), StandardCharsets.US_ASCII);
    Matcher matcher = PRIVATE_KEY.matcher(text);
    if (!matcher.find()) {
      Matcher other = OTHER_KEY.matcher(text);
      String found = other.find() ? "a " + other.group(1) + " block" : "no private key";
      throw new IllegalArgumentException(
          "private key "
              + file
              + " holds "
              + found
              + "; expected an unencrypted PKCS#8 -----BEGIN PRIVATE KEY----- block (convert with"
              + " 'openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem')");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(matcher.group(1).replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("private key " + file + " is not valid base64", e);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException e) {
        // try the next algorithm
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK has no " + algorithm + " key factory", e);
      }
    }
    throw new IllegalArgumentException(
        "private key " + file + " is neither an RSA nor an EC key in PKCS#8 form");
  }

  /** Signs a random challenge with the key and verifies it with the certificate's public key. */
  static void requireMatch(
      X509Certificate certificate, PrivateKey key, Object chainSource, Object keySource) {
    PublicKey publicKey = certificate.getPublicKey();
    if (!publicKey.getAlgorithm().equals(key.getAlgorithm())) {
      throw new IllegalArgumentException(
          "private key "
              + keySource
              + " is "
              + key.getAlgorithm()
              + " but the certificate in "
              + chainSource
              + " holds a "
              + publicKey.getAlgorithm()
              + " key");
    }
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    byte[] challenge = new byte[32];
    new SecureRandom().nextBytes(challenge);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new IllegalArgumentException(
          "private key "
              + keySource
              + " does not belong to the certificate "
              + certificate.getSubjectX500Principal().getName()
              + " (the first in "
              + chainSource
              + ")");
    }
  }

  private static byte[] read(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the " + what + " " + file + ": " + e, e);
    }
  }
}
