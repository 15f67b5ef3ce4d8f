package dev.parley.chat.spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate a server presents for {@code wss://} (and {@code https://} on its HTTP side), and
 * the TLS rules around it: TLS 1.3 and 1.2 only ({@link #PROTOCOLS}), the JDK's default cipher
 * suites for those, no client certificates.
 *
 * <p>Built from PEM files ({@link #fromPem}: a certificate chain, server certificate first, and an
 * unencrypted PKCS#8 RSA or EC private key) or from a {@link KeyStore} ({@link #fromKeyStore}).
 * Everything is read and checked when it is built: an unreadable file, a key in another form, or a
 * key that does not belong to the certificate is an {@link IllegalArgumentException} naming the
 * file.
 *
 * <p><b>Reload without restart.</b> {@link #reload()} reads the source again and swaps the
 * certificate in: handshakes that start afterwards present the new one; connections already open
 * carry on with theirs. A failed reload throws and keeps the old certificate. {@link
 * #reloadIfChanged()} reloads only when a PEM file's modification time changed, for an
 * application's scheduler to call now and then. A client that resumes a TLS session from before a
 * reload may keep the old certificate for that session's lifetime.
 *
 * <p>Thread-safe: one value serves every transport of a server, and may be reloaded from any thread
 * while they run.
 */
public final class ServerTls {
  /** The protocols offered, in preference order: TLS 1.3, then 1.2. Nothing older. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

  private final Path certificateChain;
  private final Path privateKey;
  private final KeyStore keyStore;
  private final char[] password;
  private final ReloadableKeyManager keyManager;
  private final SSLContext context;
  private volatile X509Certificate certificate;
  private volatile List<FileTime> modified;

  private ServerTls(Path certificateChain, Path privateKey, KeyStore keyStore, char[] password) {
    this.certificateChain = certificateChain;
    this.privateKey = privateKey;
    this.keyStore = keyStore;
    this.password = password;
    this.modified = modificationTimes();
    Loaded loaded = load();
    this.keyManager = new ReloadableKeyManager(loaded.keys());
    this.certificate = loaded.certificate();
    try {
      context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {keyManager}, null, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make a TLS context", e);
    }
  }

  /**
   * TLS with the certificate chain and key in two PEM files.
   *
   * @param certificateChain {@code -----BEGIN CERTIFICATE-----} blocks, the server's certificate
   *     first, then its intermediates
   * @param privateKey one {@code -----BEGIN PRIVATE KEY-----} block (PKCS#8, unencrypted), RSA or
   *     EC
   * @throws IllegalArgumentException if a file cannot be read or parsed, or the key does not belong
   *     to the first certificate
   */
  public static ServerTls fromPem(Path certificateChain, Path privateKey) {
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(privateKey, "privateKey");
    return new ServerTls(certificateChain, privateKey, null, null);
  }

  /**
   * TLS with the key entry of a key store ({@link #reload()} reads the store's entries again).
   *
   * @param keyStore a loaded key store with at least one private key entry and its chain
   * @param password the password of its key entries
   * @throws IllegalArgumentException if the store holds no usable key entry or the password is
   *     wrong
   */
  public static ServerTls fromKeyStore(KeyStore keyStore, char[] password) {
    Objects.requireNonNull(keyStore, "keyStore");
    Objects.requireNonNull(password, "password");
    return new ServerTls(null, null, keyStore, password.clone());
  }

  private record Loaded(X509ExtendedKeyManager keys, X509Certificate certificate) {}

  private Loaded load() {
    KeyStore store;
    char[] storePassword;
    if (keyStore == null) {
      store = PemKeyMaterial.load(certificateChain, privateKey);
      storePassword = PemKeyMaterial.PASSWORD;
    } else {
      store = keyStore;
      storePassword = password;
    }
    X509Certificate first = firstKeyCertificate(store, storePassword);
    try {
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, storePassword);
      for (KeyManager manager : factory.getKeyManagers()) {
        if (manager instanceof X509ExtendedKeyManager keys) {
          return new Loaded(keys, first);
        }
      }
      throw new IllegalArgumentException("the key store gives no X.509 key manager");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use the key store: " + e.getMessage(), e);
    }
  }

  private static X509Certificate firstKeyCertificate(KeyStore store, char[] password) {
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (!store.isKeyEntry(alias)) {
          continue;
        }
        Certificate[] chain = store.getCertificateChain(alias);
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
          continue;
        }
        java.security.Key key = store.getKey(alias, password);
        if (key instanceof java.security.PrivateKey privateKey) {
          X509Certificate leaf = (X509Certificate) chain[0];
          PemKeyMaterial.requireMatch(leaf, privateKey, "key store entry " + alias, alias);
          return leaf;
        }
      }
    } catch (java.security.UnrecoverableKeyException e) {
      throw new IllegalArgumentException(
          "cannot read a key of the key store: wrong password? (" + e.getMessage() + ")", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the key store: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(
        "the key store holds no private key entry with an X.509 certificate chain");
  }

  /**
   * The JDK context whose key manager follows reloads. A transport makes its engines from it
   * (preferably through {@link #newServerEngine()}) and must apply {@link #PROTOCOLS}.
   */
  public SSLContext sslContext() {
    return context;
  }

  /** A server-side engine limited to {@link #PROTOCOLS}, for one accepted connection. */
  public SSLEngine newServerEngine() {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setSSLParameters(serverParameters());
    return engine;
  }

  /** Parameters for a server engine or socket: {@link #PROTOCOLS}, no client authentication. */
  public SSLParameters serverParameters() {
    SSLParameters parameters = context.getDefaultSSLParameters();
    parameters.setProtocols(PROTOCOLS.toArray(new String[0]));
    parameters.setNeedClientAuth(false);
    parameters.setWantClientAuth(false);
    return parameters;
  }

  /** The server certificate new handshakes present. */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * Reads the PEM files or the key store again and presents the result to new handshakes; open
   * connections are not touched.
   *
   * @throws IllegalArgumentException if the new material is bad; the old certificate stays
   */
  public synchronized void reload() {
    List<FileTime> times = modificationTimes();
    Loaded loaded = load();
    keyManager.swap(loaded.keys());
    certificate = loaded.certificate();
    modified = times;
    log.info(
        "TLS certificate reloaded: {} (serial {})",
        loaded.certificate().getSubjectX500Principal().getName(),
        loaded.certificate().getSerialNumber().toString(16));
  }

  /**
   * Reloads if a PEM file's modification time changed since the last load; for a key store, does
   * nothing. A failed reload is logged and keeps the old certificate (it is tried again when the
   * files change again).
   *
   * @return whether a new certificate is now presented
   */
  public synchronized boolean reloadIfChanged() {
    if (keyStore != null) {
      return false;
    }
    List<FileTime> times = modificationTimes();
    if (times.equals(modified)) {
      return false;
    }
    try {
      reload();
      return true;
    } catch (IllegalArgumentException e) {
      modified = times;
      log.warn(
          "TLS certificate files changed but cannot be used; keeping the old one: {}",
          e.getMessage());
      return false;
    }
  }

  private List<FileTime> modificationTimes() {
    if (keyStore != null) {
      return List.of();
    }
    return List.of(modifiedAt(certificateChain), modifiedAt(privateKey));
  }

  private static FileTime modifiedAt(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  @Override
  public String toString() {
    X509Certificate now = certificate;
    return "ServerTls["
        + (keyStore == null ? certificateChain + ", " + privateKey : "key store")
        + ", "
        + now.getSubjectX500Principal().getName()
        + "]";
  }
}
