package dev.parley.chat.transport.jws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.spi.ServerTls;
import dev.parley.chat.testkit.tls.TestCertificates;
import dev.parley.chat.testkit.tls.TestCertificates.Issued;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TlsChannel} on a real loopback socket pair, driven by hand: what Java-WebSocket's selector
 * loop asks of it while a peer says nothing, and when a peer does not speak TLS.
 */
class TlsChannelTest {
  @TempDir static Path certificates;
  private static ServerTls tls;

  private ServerSocketChannel listener;
  private SocketChannel peer;
  private SocketChannel accepted;
  private Selector selector;
  private TlsChannel channel;

  @BeforeAll
  static void issue() throws Exception {
    Issued issued = TestCertificates.issue(certificates, "unit", "EC", "ip:127.0.0.1");
    tls = ServerTls.fromPem(issued.certificatePem(), issued.keyPem());
  }

  @BeforeEach
  void connect() throws Exception {
    listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    peer = SocketChannel.open(listener.getLocalAddress());
    accepted = listener.accept();
    accepted.configureBlocking(false);
    selector = Selector.open();
    SelectionKey key = accepted.register(selector, SelectionKey.OP_READ);
    channel = new TlsChannel(accepted, tls.newServerEngine(), key);
  }

  @AfterEach
  void close() throws Exception {
    channel.close();
    peer.close();
    listener.close();
    selector.close();
  }

  @Test
  void aSilentPeerAsksForNoWritesAndNoExtraReads() throws Exception {
    ByteBuffer into = ByteBuffer.allocate(1024);
    for (int i = 0; i < 3; i++) {
      assertThat(channel.read(into)).isZero();
      // Java-WebSocket keeps write interest while this is true: with SSLSocketChannel2 it stayed
      // true for the whole handshake, and the selector spun (issue #896)
      assertThat(channel.isNeedWrite()).isFalse();
      assertThat(channel.isNeedRead()).isFalse();
    }
    assertThat(channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3}))).isZero();
  }

  @Test
  void plaintextFailsTheReadWithATlsError() throws Exception {
    peer.write(
        ByteBuffer.wrap(
            "GET /chat HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    ByteBuffer into = ByteBuffer.allocate(1024);
    assertThatThrownBy(
            () -> {
              for (int i = 0; i < 1000; i++) {
                channel.read(into); // until the bytes have arrived
              }
            })
        .isInstanceOf(SSLException.class);
  }

  @Test
  void thePeerClosingEndsTheStream() throws Exception {
    peer.close();
    ByteBuffer into = ByteBuffer.allocate(1024);
    int read = 0;
    for (int i = 0; i < 1000 && read == 0; i++) {
      read = channel.read(into);
    }
    assertThat(read).isEqualTo(-1);
  }
}
