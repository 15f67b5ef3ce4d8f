package dev.parley.chat.testkit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.spi.ServerTransport;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.testkit.logging.CapturedLog;
import dev.parley.chat.testkit.net.HostileInput;
import dev.parley.chat.testkit.net.RawWebSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A transport's log stays the server's own: every kind of {@link HostileInput} a peer can send gets
 * its close code and leaves no ERROR line and no stack trace in the log, and a port that is taken
 * fails {@code start()} with a message naming the address and port, without logging an error first.
 * Subclass it in a transport's tests (as an {@code *IT}: it opens sockets) and implement {@link
 * #provider()}.
 *
 * <p>Reads the log through {@link CapturedLog}, so it needs slf4j-simple printing to {@code
 * System.err}, its default. Not thread-safe: JUnit runs one test at a time per instance.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class PeerFaultLoggingSuite {
  private static final int MAX_MESSAGE_BYTES = 4096;
  private static final int MAX_FRAGMENTS = 8;
  private static final String PATH = "/chat";

  private CapturedLog log;
  private ServerTransport transport;

  /** The transport under test. */
  protected abstract ServerTransportProvider provider();

  private static ServerTransportConfig config(InetSocketAddress address) {
    return new ServerTransportConfig(
        address,
        PATH,
        List.of(Protocol.SUBPROTOCOL_PROTOBUF),
        MAX_MESSAGE_BYTES,
        MAX_FRAGMENTS,
        2048,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        100);
  }

  @BeforeEach
  void captureLog() {
    log = CapturedLog.start();
  }

  @AfterEach
  void stopCapturing() {
    if (transport != null) {
      transport.close();
    }
    log.close();
  }

  @Test
  void hostileInputClosesWithItsCodeAndLogsNoErrorAndNoStackTrace() throws Exception {
    transport =
        provider()
            .create(config(new InetSocketAddress("127.0.0.1", 0)), new RecordingTransportHandler());
    transport.start();
    for (HostileInput input : HostileInput.all(MAX_MESSAGE_BYTES, MAX_FRAGMENTS)) {
      try (RawWebSocket socket =
          RawWebSocket.connect(transport.localAddress(), PATH, Protocol.SUBPROTOCOL_PROTOBUF)) {
        try {
          input.send().sendTo(socket);
        } catch (IOException e) {
          // the server may close before the last bytes are written; its close frame came first
        }
        assertThat(socket.awaitClose(5_000)).as(input.name()).isEqualTo(input.expectedCloseCode());
      }
    }
    // closing joins every transport thread, so whatever they were to log has been logged
    transport.close();
    assertThat(log.errorLines()).isEmpty();
    assertThat(log.stackTraceLines()).isEmpty();
  }

  @Test
  void portInUseFailsStartNamingAddressAndPortAndLogsNoError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      InetSocketAddress address =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
      transport = provider().create(config(address), new RecordingTransportHandler());
      assertThatThrownBy(transport::start)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
    }
    assertThat(log.errorLines()).isEmpty();
    assertThat(log.stackTraceLines()).isEmpty();
  }
}
