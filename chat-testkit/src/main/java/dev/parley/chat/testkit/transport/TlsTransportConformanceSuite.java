package dev.parley.chat.testkit.transport;

import static dev.parley.chat.testkit.transport.ConformanceHarness.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.spi.ServerTls;
import dev.parley.chat.spi.ServerTransport;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.spi.TransportConnection;
import dev.parley.chat.testkit.tls.TestCertificates;
import dev.parley.chat.testkit.tls.TestCertificates.Issued;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link ServerTransportProvider} must do with {@link ServerTransportConfig#tls()}:
 * serve {@code wss://} that the JDK's client verifies, refuse what TLS 1.2+ refuses, present a
 * reloaded certificate to new connections while open ones carry on, carry large messages, take many
 * handshakes at once, and shrug off peers that do not speak TLS. Subclass it in your transport's
 * tests and implement {@link #provider()}. Real sockets on 127.0.0.1; certificates are made once
 * per class with {@link TestCertificates}.
 *
 * <p>Not thread-safe: JUnit runs one test at a time per instance.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class TlsTransportConformanceSuite {
  /** The endpoint path every test uses. */
  protected static final String PATH = "/conformance";

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String PROTO = Protocol.SUBPROTOCOL_PROTOBUF;

  @TempDir static Path certificates;
  private static Issued first;
  private static Issued second;
  private static Issued elsewhere;

  @TempDir Path live;
  private RecordingTransportHandler handler;
  private ServerTransport transport;
  private final List<AutoCloseable> peers = new ArrayList<>();
  private final List<HttpClient> httpClients = new ArrayList<>();

  /** The transport under test. */
  protected abstract ServerTransportProvider provider();

  @BeforeAll
  static void issueCertificates() throws Exception {
    first = TestCertificates.issue(certificates, "first", "RSA", "ip:127.0.0.1", "dns:localhost");
    second = TestCertificates.issue(certificates, "second", "EC", "ip:127.0.0.1", "dns:localhost");
    elsewhere = TestCertificates.issue(certificates, "elsewhere", "RSA", "dns:elsewhere.invalid");
  }

  @BeforeEach
  final void createHandler() {
    handler = new RecordingTransportHandler();
    handler.forbidCallbacksOn(Thread.currentThread());
  }

  @AfterEach
  final void closeEverything() throws Exception {
    for (AutoCloseable peer : peers) {
      peer.close();
    }
    if (transport != null) {
      transport.close();
    }
    handler.assertNoViolations();
    handler.assertEveryConnectionClosedOnce();
  }

  /** A config like the plain suite's, with {@code tls} and room for large messages. */
  protected ServerTransportConfig config(ServerTls tls) {
    return new ServerTransportConfig(
            new InetSocketAddress("127.0.0.1", 0),
            PATH,
            List.of(PROTO, Protocol.SUBPROTOCOL_JSON),
            1024 * 1024,
            64,
            4096,
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            64)
        .withTls(tls);
  }

  /**
   * Whether {@code thread} belongs to the test's clients rather than to the transport, for the
   * thread-leak check. Override if your transport's tests start threads of their own.
   */
  protected boolean isClientThread(Thread thread) {
    String name = thread.getName();
    return name.startsWith("HttpClient-")
        || name.startsWith("ForkJoinPool")
        || name.startsWith("pool-")
        || name.startsWith("awaitility")
        || name.contains("junit");
  }

  private ServerTransport start(ServerTls tls) throws IOException {
    transport = provider().create(config(tls), handler);
    transport.start();
    return transport;
  }

  private URI uri() {
    return URI.create("wss://127.0.0.1:" + transport.localAddress().getPort() + PATH);
  }

  private HttpClient http(SSLContext context) {
    HttpClient.Builder builder = HttpClient.newBuilder();
    if (context != null) {
      builder.sslContext(context);
    }
    HttpClient client = builder.build();
    httpClients.add(client);
    return client;
  }

  private WebSocketTestClient trustedClient(X509Certificate... trusted) throws Exception {
    WebSocketTestClient client =
        WebSocketTestClient.connect(
            http(TestCertificates.clientContext(trusted)), uri(), List.of(PROTO));
    peers.add(client);
    return client;
  }

  private static ServerTls pem(Issued issued) {
    return ServerTls.fromPem(issued.certificatePem(), issued.keyPem());
  }

  private static void assertEchoes(WebSocketTestClient client, int seed) throws Exception {
    byte[] payload = bytes(300, seed);
    client.sendBinary(payload);
    assertThat(client.awaitBinary(WAIT)).isEqualTo(payload);
  }

  // --- a verified connection ------------------------------------------------------------------

  @Test
  void aClientThatTrustsTheCertificateTalksOverWss() throws Exception {
    start(pem(first));
    WebSocketTestClient client = trustedClient(first.certificate());
    TransportConnection connection = handler.awaitOpen(WAIT);
    assertThat(handler.awaitOpened(connection, WAIT).subprotocol()).isEqualTo(PROTO);

    assertEchoes(client, 1);
    client.sendText("over tls");
    assertThat(client.awaitText(WAIT)).isEqualTo("over tls");
  }

  @Test
  void aKeyStoreServesLikePemFiles() throws Exception {
    start(ServerTls.fromKeyStore(second.keyStore(), TestCertificates.PASSWORD));
    assertThat(presentedCertificate()).isEqualTo(second.certificate());
    assertEchoes(trustedClient(second.certificate()), 2);
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefused() throws Exception {
    start(pem(first));
    // the JDK's default trust store does not hold a self-signed test certificate
    assertThatThrownBy(
            () ->
                http(null)
                    .newWebSocketBuilder()
                    .buildAsync(uri(), new java.net.http.WebSocket.Listener() {})
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class)
        .cause()
        .isInstanceOf(SSLHandshakeException.class);
    assertThat(handler.openCount()).isZero();
    assertEchoes(trustedClient(first.certificate()), 3);
  }

  @Test
  void aCertificateForAnotherHostIsRefused() throws Exception {
    start(pem(elsewhere));
    assertThatThrownBy(
            () ->
                http(TestCertificates.clientContext(elsewhere.certificate()))
                    .newWebSocketBuilder()
                    .buildAsync(uri(), new java.net.http.WebSocket.Listener() {})
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("127.0.0.1");
    assertThat(handler.openCount()).isZero();
  }

  @Test
  void aTls11ClientHelloGetsNoServerHello() throws Exception {
    start(pem(first));
    try (Socket socket = rawSocket()) {
      socket.getOutputStream().write(clientHello(0x0302));
      socket.getOutputStream().flush();
      int first = readOrEnd(socket.getInputStream());
      // 0x15: an alert (protocol_version); -1: closed. 0x16 would be a ServerHello.
      assertThat(first).as("first byte of the answer to a TLS 1.1 hello").isIn(0x15, -1);
    }
    assertThat(handler.openCount()).isZero();
  }

  @Test
  void enginesOfferTls13And12Only() {
    assertThat(pem(first).newServerEngine().getEnabledProtocols())
        .containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
  }

  // --- reload ---------------------------------------------------------------------------------

  @Test
  void aReloadedCertificateReachesNewConnectionsWhileOpenOnesCarryOn() throws Exception {
    Path chain = live.resolve("server.crt.pem");
    Path key = live.resolve("server.key.pem");
    Files.copy(first.certificatePem(), chain);
    Files.copy(first.keyPem(), key);
    ServerTls tls = ServerTls.fromPem(chain, key);
    start(tls);
    WebSocketTestClient before = trustedClient(first.certificate(), second.certificate());
    assertEchoes(before, 4);
    assertThat(presentedCertificate()).isEqualTo(first.certificate());
    assertThat(tls.reloadIfChanged()).as("reload with the files unchanged").isFalse();

    replace(second.certificatePem(), chain);
    replace(second.keyPem(), key);
    assertThat(tls.reloadIfChanged()).isTrue();

    X509Certificate presented = presentedCertificate();
    assertThat(presented.getSerialNumber()).isEqualTo(second.certificate().getSerialNumber());
    assertThat(presented.getSubjectX500Principal().getName()).isEqualTo("CN=second");
    assertThat(tls.certificate()).isEqualTo(second.certificate());
    assertEchoes(before, 5);
    assertEchoes(trustedClient(first.certificate(), second.certificate()), 6);
  }

  @Test
  void aFailedReloadKeepsTheOldCertificate() throws Exception {
    Path chain = live.resolve("server.crt.pem");
    Path key = live.resolve("server.key.pem");
    Files.copy(first.certificatePem(), chain);
    Files.copy(first.keyPem(), key);
    ServerTls tls = ServerTls.fromPem(chain, key);
    start(tls);
    replace(elsewhere.keyPem(), key); // an RSA key, but not the certificate's
    assertThatThrownBy(tls::reload)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong to the certificate");
    assertThat(tls.reloadIfChanged()).isFalse();
    assertThat(presentedCertificate()).isEqualTo(first.certificate());
    assertEchoes(trustedClient(first.certificate()), 7);
  }

  private static void replace(Path source, Path target) throws IOException {
    FileTime was = Files.getLastModifiedTime(target);
    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    // a later time whatever the file system's resolution
    Files.setLastModifiedTime(target, FileTime.fromMillis(was.toMillis() + 10_000));
  }

  // --- load -----------------------------------------------------------------------------------

  @Test
  void aMessageNearTheSizeLimitCrossesTlsIntact() throws Exception {
    start(pem(first));
    WebSocketTestClient client = trustedClient(first.certificate());
    byte[] large = bytes(1024 * 1024 - 16, 8);
    client.sendBinary(large);
    assertThat(client.awaitBinary(WAIT)).isEqualTo(large);
    for (int i = 0; i < 20; i++) {
      byte[] medium = bytes(40_000 + i, i);
      client.sendBinary(medium);
      assertThat(client.awaitBinary(WAIT)).isEqualTo(medium);
    }
  }

  @Test
  void manyHandshakesAtOnceAllComplete() throws Exception {
    start(pem(first));
    SSLContext trust = TestCertificates.clientContext(first.certificate());
    int count = 24;
    List<WebSocketTestClient> clients = new ArrayList<>();
    List<Runnable> tasks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int seed = i;
      tasks.add(
          () -> {
            try {
              WebSocketTestClient client =
                  WebSocketTestClient.connect(http(trust), uri(), List.of(PROTO));
              synchronized (clients) {
                clients.add(client);
              }
              assertEchoes(client, 100 + seed);
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          });
    }
    try {
      ConformanceHarness.inParallel(tasks, WAIT.multipliedBy(3));
    } finally {
      synchronized (clients) {
        peers.addAll(clients);
      }
    }
    assertThat(handler.openCount()).isEqualTo(count);
  }

  // --- hostile peers --------------------------------------------------------------------------

  @Test
  void garbagePlaintextAndSilencePeersAreClosedWhileAVerifiedClientCarriesOn() throws Exception {
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    start(pem(first));
    WebSocketTestClient good = trustedClient(first.certificate());
    assertEchoes(good, 9);

    byte[] garbage = new byte[2000];
    new Random(7).nextBytes(garbage);
    garbage[0] = 0x42; // not a TLS record type
    try (Socket noise = rawSocket();
        Socket plain = rawSocket();
        Socket silent = rawSocket()) {
      noise.getOutputStream().write(garbage);
      plain
          .getOutputStream()
          .write(
              ("GET " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      assertClosedWithoutAServerHello(noise);
      assertClosedWithoutAServerHello(plain);
      assertEchoes(good, 10);
      // the handshake deadline (2 s here) ends a peer that never starts TLS
      assertClosedWithoutAServerHello(silent);
    }
    assertEchoes(good, 11);
    assertThat(handler.openCount()).isEqualTo(1);

    for (AutoCloseable peer : peers) {
      peer.close();
    }
    peers.clear();
    transport.close();
    await("threads started by the transport to end")
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(ConformanceHarness.threadsStartedSince(before, this::isClientThread))
                    .isEmpty());
  }

  private static void assertClosedWithoutAServerHello(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    int read;
    do {
      read = readOrEnd(in);
      assertThat(read)
          .as("a byte from the TLS port to a peer that sent no hello")
          .isNotEqualTo(0x16);
    } while (read != -1);
  }

  // --- tools ----------------------------------------------------------------------------------

  private Socket rawSocket() throws IOException {
    Socket socket = new Socket();
    socket.connect(transport.localAddress(), (int) WAIT.toMillis());
    socket.setSoTimeout((int) WAIT.toMillis());
    return socket;
  }

  /** The next byte, or -1 at the end of the stream or on a reset. */
  private static int readOrEnd(InputStream in) throws IOException {
    try {
      return in.read();
    } catch (SocketException reset) {
      return -1;
    }
  }

  /** The certificate a fresh client (no session to resume) is shown, its host name verified. */
  private X509Certificate presentedCertificate() throws Exception {
    SSLContext context = TestCertificates.clientContext(first.certificate(), second.certificate());
    try (SSLSocket socket =
        (SSLSocket)
            context
                .getSocketFactory()
                .createSocket("127.0.0.1", transport.localAddress().getPort())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  /** A minimal ClientHello for {@code version} (0x0302 is TLS 1.1), with no extensions. */
  private static byte[] clientHello(int version) {
    byte[] random = new byte[32];
    new Random(11).nextBytes(random);
    int[] suites = {0xC013, 0xC014, 0x002F, 0x0035}; // ECDHE-RSA and RSA with AES-CBC-SHA
    int bodyLength = 2 + 32 + 1 + 2 + 2 * suites.length + 2;
    byte[] hello = new byte[5 + 4 + bodyLength];
    int i = 0;
    hello[i++] = 0x16;
    hello[i++] = 0x03;
    hello[i++] = 0x01;
    hello[i++] = (byte) ((4 + bodyLength) >> 8);
    hello[i++] = (byte) (4 + bodyLength);
    hello[i++] = 0x01; // client_hello
    hello[i++] = 0;
    hello[i++] = (byte) (bodyLength >> 8);
    hello[i++] = (byte) bodyLength;
    hello[i++] = (byte) (version >> 8);
    hello[i++] = (byte) version;
    System.arraycopy(random, 0, hello, i, 32);
    i += 32;
    hello[i++] = 0; // no session id
    hello[i++] = 0;
    hello[i++] = (byte) (2 * suites.length);
    for (int suite : suites) {
      hello[i++] = (byte) (suite >> 8);
      hello[i++] = (byte) suite;
    }
    hello[i++] = 1; // one compression method: none
    hello[i] = 0;
    return hello;
  }
}
