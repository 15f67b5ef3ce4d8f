package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.spi.ServerTls;
import dev.parley.chat.testkit.tls.TestCertificates;
import dev.parley.chat.testkit.tls.TestCertificates.Issued;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building {@link ServerTls}: good material loads; every kind of bad material fails clearly. */
class ServerTlsTest {
  @TempDir static Path certificates;
  private static Issued rsa;
  private static Issued ec;

  @TempDir Path files;

  @BeforeAll
  static void issue() throws Exception {
    rsa = TestCertificates.issue(certificates, "rsa", "RSA", "ip:127.0.0.1");
    ec = TestCertificates.issue(certificates, "ec", "EC", "dns:localhost");
  }

  @Test
  void rsaAndEcPemFilesLoad() {
    assertThat(ServerTls.fromPem(rsa.certificatePem(), rsa.keyPem()).certificate())
        .isEqualTo(rsa.certificate());
    assertThat(ServerTls.fromPem(ec.certificatePem(), ec.keyPem()).certificate())
        .isEqualTo(ec.certificate());
  }

  @Test
  void aChainWhoseSecondCertificateDidNotIssueTheFirstIsRefused() throws Exception {
    Path chain = files.resolve("chain.pem");
    Files.writeString(
        chain, Files.readString(rsa.certificatePem()) + Files.readString(ec.certificatePem()));
    assertThatThrownBy(() -> ServerTls.fromPem(chain, rsa.keyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("certificate chain " + chain + " is out of order")
        .hasMessageContaining("certificate 2 (CN=ec) did not issue certificate 1 (CN=rsa");
  }

  @Test
  void aMissingKeyFileIsNamed() {
    Path missing = files.resolve("absent.key.pem");
    assertThatThrownBy(() -> ServerTls.fromPem(rsa.certificatePem(), missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read the private key " + missing);
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    assertThatThrownBy(() -> ServerTls.fromPem(rsa.certificatePem(), ec.keyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is EC but the certificate");
    Issued other = rsa;
    assertThatThrownBy(() -> ServerTls.fromPem(ec.certificatePem(), other.keyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is RSA but the certificate");
  }

  @Test
  void anRsaKeyOfAnotherRsaCertificateIsRefused() throws Exception {
    Issued stranger = TestCertificates.issue(files, "stranger", "RSA", "ip:127.0.0.1");
    assertThatThrownBy(() -> ServerTls.fromPem(rsa.certificatePem(), stranger.keyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong to the certificate CN=rsa");
  }

  @Test
  void garbageInTheCertificateFileIsRefused() throws Exception {
    Path garbage = files.resolve("garbage.pem");
    Files.writeString(
        garbage, "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> ServerTls.fromPem(garbage, rsa.keyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("certificate chain " + garbage);
    Path empty = files.resolve("empty.pem");
    Files.writeString(empty, "");
    assertThatThrownBy(() -> ServerTls.fromPem(empty, rsa.keyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("certificate chain " + empty);
  }

  @Test
  void garbageOrAnotherFormInTheKeyFileIsRefused() throws Exception {
    Path garbage = files.resolve("garbage.key.pem");
    Files.writeString(garbage, "hello");
    assertThatThrownBy(() -> ServerTls.fromPem(rsa.certificatePem(), garbage))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds no private key")
        .hasMessageContaining("PKCS#8");
    Path pkcs1 = files.resolve("pkcs1.key.pem");
    Files.writeString(
        pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> ServerTls.fromPem(rsa.certificatePem(), pkcs1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds a RSA PRIVATE KEY block")
        .hasMessageContaining("openssl pkcs8 -topk8");
    Path notAKey = files.resolve("not-a-key.pem");
    Files.writeString(notAKey, TestCertificates.pem("PRIVATE KEY", new byte[] {1, 2, 3, 4}));
    assertThatThrownBy(() -> ServerTls.fromPem(rsa.certificatePem(), notAKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("neither an RSA nor an EC key");
  }

  @Test
  void aKeyStoreNeedsAKeyEntryAndItsPassword() throws Exception {
    assertThat(ServerTls.fromKeyStore(rsa.keyStore(), TestCertificates.PASSWORD).certificate())
        .isEqualTo(rsa.certificate());
    assertThatThrownBy(() -> ServerTls.fromKeyStore(rsa.keyStore(), "wrong".toCharArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("wrong password");
    KeyStore certificatesOnly = TestCertificates.trustStore(rsa.certificate());
    assertThatThrownBy(() -> ServerTls.fromKeyStore(certificatesOnly, TestCertificates.PASSWORD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no private key entry");
  }

  @Test
  void theBuilderTakesTls() {
    ServerTls tls = ServerTls.fromPem(rsa.certificatePem(), rsa.keyPem());
    assertThatThrownBy(() -> ChatServer.builder().tls(null))
        .isInstanceOf(NullPointerException.class);
    assertThat(tls.serverParameters().getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
  }
}
