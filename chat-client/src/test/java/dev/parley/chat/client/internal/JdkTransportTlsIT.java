package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.spi.ClientTransportConfig;
import dev.parley.chat.spi.ClientTransportListener;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The "jdk" transport's TLS settings: TLS 1.3 and 1.2 only, one HTTP client per context. */
class JdkTransportTlsIT {
  private static final ClientTransportListener IGNORED =
      new ClientTransportListener() {
        @Override
        public void onBinary(ByteBuffer message) {}

        @Override
        public void onClosed(int code, String reason) {}
      };

  private final JdkClientTransportProvider transport = new JdkClientTransportProvider();

  @AfterEach
  void close() {
    transport.close();
  }

  @Test
  void offersTls13And12OnlyWithTheDefaultContextAndAGivenOne() throws Exception {
    SSLContext given = SSLContext.getInstance("TLS");
    given.init(null, null, null);
    try (ServerSocket silent = new ServerSocket(0)) {
      URI endpoint = URI.create("wss://127.0.0.1:" + silent.getLocalPort() + "/chat");
      for (SSLContext tls : new SSLContext[] {null, given}) {
        ClientTransportConfig config =
            new ClientTransportConfig(
                Protocol.SUBPROTOCOL_PROTOBUF, Duration.ofMillis(300), 4096, tls);
        // nothing answers the handshake: the attempt times out, the HTTP client stays
        assertThatThrownBy(
                () -> transport.connect(endpoint, config, IGNORED).get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class);
        assertThat(transport.httpClient(tls)).as("an HTTP client for %s", tls).isNotNull();
        assertThat(transport.httpClient(tls).sslParameters().getProtocols())
            .containsExactly("TLSv1.3", "TLSv1.2");
      }
      assertThat(transport.httpClient(given).sslContext()).isSameAs(given);
      assertThat(transport.httpClient(null).sslContext()).isSameAs(SSLContext.getDefault());
    }
  }
}
