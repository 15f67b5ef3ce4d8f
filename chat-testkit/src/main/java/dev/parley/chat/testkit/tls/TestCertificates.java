package dev.parley.chat.testkit.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates made for a test, with the JDK's own {@code keytool} (no dependency): a
 * key pair and certificate in a PKCS#12 key store, written out as PEM files too. Stateless;
 * thread-safe. Each call starts a {@code keytool} process, so make them once per test class.
 */
public final class TestCertificates {
  /** The password of every key store made here. */
  public static final char[] PASSWORD = "changeit".toCharArray();

  private static final String ALIAS = "server";

  private TestCertificates() {}

  /**
   * One certificate and its key.
   *
   * @param certificate the self-signed certificate
   * @param key its private key
   * @param keyStore a PKCS#12 store with the key entry, password {@link #PASSWORD}
   * @param certificatePem the certificate as a PEM file
   * @param keyPem the key as an unencrypted PKCS#8 PEM file
   */
  public record Issued(
      X509Certificate certificate,
      PrivateKey key,
      KeyStore keyStore,
      Path certificatePem,
      Path keyPem) {}

  /**
   * Makes a self-signed certificate valid for two days.
   *
   * @param directory where the files go
   * @param name the common name, also the files' base name
   * @param keyAlgorithm {@code "RSA"} (2048 bits) or {@code "EC"} (P-256)
   * @param subjectAlternativeNames keytool's form, such as {@code "ip:127.0.0.1"} or {@code
   *     "dns:localhost"}; none for a certificate without SANs
   */
  public static Issued issue(
      Path directory, String name, String keyAlgorithm, String... subjectAlternativeNames)
      throws IOException, GeneralSecurityException, InterruptedException {
    Path store = directory.resolve(name + ".p12");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(
        List.of(
            "-genkeypair",
            "-alias",
            ALIAS,
            "-dname",
            "CN=" + name,
            "-validity",
            "2",
            "-keystore",
            store.toString(),
            "-storetype",
            "PKCS12",
            "-storepass",
            new String(PASSWORD),
            "-keypass",
            new String(PASSWORD),
            "-noprompt"));
    if (keyAlgorithm.equals("EC")) {
      command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1"));
    } else if (keyAlgorithm.equals("RSA")) {
      command.addAll(List.of("-keyalg", "RSA", "-keysize", "2048"));
    } else {
      throw new IllegalArgumentException("keyAlgorithm must be RSA or EC, was " + keyAlgorithm);
    }
    if (subjectAlternativeNames.length > 0) {
      command.addAll(List.of("-ext", "san=" + String.join(",", subjectAlternativeNames)));
    }
    Process keytool =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve(name + ".keytool.log").toFile())
            .start();
    if (!keytool.waitFor(60, TimeUnit.SECONDS)) {
      keytool.destroyForcibly();
      throw new IOException("keytool did not finish within 60 s");
    }
    if (keytool.exitValue() != 0) {
      throw new IOException(
          "keytool failed ("
              + keytool.exitValue()
              + "): "
              + Files.readString(directory.resolve(name + ".keytool.log")));
    }
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, PASSWORD);
    }
    X509Certificate certificate = (X509Certificate) keyStore.getCertificate(ALIAS);
    PrivateKey key = (PrivateKey) keyStore.getKey(ALIAS, PASSWORD);
    Path certificatePem = directory.resolve(name + ".crt.pem");
    Path keyPem = directory.resolve(name + ".key.pem");
    Files.writeString(certificatePem, pem("CERTIFICATE", certificate.getEncoded()));
    Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
    return new Issued(certificate, key, keyStore, certificatePem, keyPem);
  }

  /** A PEM block of {@code der}. */
  public static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  /** A trust store holding {@code certificates}. */
  public static KeyStore trustStore(Certificate... certificates)
      throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (int i = 0; i < certificates.length; i++) {
      trust.setCertificateEntry("trusted-" + i, Objects.requireNonNull(certificates[i]));
    }
    return trust;
  }

  /** A client context that trusts {@code certificates} only. */
  public static SSLContext clientContext(Certificate... certificates)
      throws IOException, GeneralSecurityException {
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trustStore(certificates));
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
