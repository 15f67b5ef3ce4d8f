package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import dev.parley.chat.spi.ClientTransportConfig;
import dev.parley.chat.spi.ClientTransportConnection;
import dev.parley.chat.spi.ClientTransportListener;
import dev.parley.chat.spi.ClientTransportProvider;
import dev.parley.chat.testkit.net.ChaosProxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SSE transport hides a network that cuts its connections: the event stream is reopened with
 * {@code Last-Event-ID} and unanswered POSTs are repeated with the same {@code Parley-Post-Seq}, so
 * the session sees every answer once, in order, and no close.
 */
class SseStreamResumeIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private Fixture fixture;
  private ChaosProxy proxy;
  private ClientTransportProvider transport;

  @BeforeEach
  void start() throws Exception {
    fixture = new Fixture(b -> b.requestRate(10_000, 10_000));
    URI http = fixture.server.httpUri().orElseThrow();
    proxy = new ChaosProxy(new InetSocketAddress("127.0.0.1", http.getPort())).start();
    transport = JdkClientTransportConformanceIT.load("sse");
  }

  @AfterEach
  void stop() throws Exception {
    ((AutoCloseable) transport).close();
    proxy.close();
    fixture.close();
  }

  @Test
  void cutConnectionsLoseAndRepeatNothing() throws Exception {
    List<Envelope> frames = new CopyOnWriteArrayList<>();
    List<Integer> closes = new CopyOnWriteArrayList<>();
    ClientTransportListener listener =
        new ClientTransportListener() {
          @Override
          public void onBinary(ByteBuffer message) {
            try {
              frames.add(BinaryFrames.decode(message));
            } catch (FrameDecodeException e) {
              frames.add(Envelope.getDefaultInstance());
            }
          }

          @Override
          public void onClosed(int code, String reason) {
            closes.add(code);
          }
        };
    URI endpoint = URI.create("http://127.0.0.1:" + proxy.port() + "/chat/sse");
    ClientTransportConnection connection =
        transport
            .connect(
                endpoint,
                new ClientTransportConfig(
                    Protocol.SUBPROTOCOL_PROTOBUF, Duration.ofSeconds(5), 1 << 20),
                listener)
            .get(10, TimeUnit.SECONDS);
    connection.sendBinary(
        BinaryFrames.encode(EnvelopeCodec.connect(1, "alice", "it", "1", List.of())));
    await().atMost(WAIT).until(() -> frames.stream().anyMatch(Envelope::hasWelcome));

    List<Long> sent = new ArrayList<>();
    long id = 1;
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 40; i++) {
        sent.add(++id);
        assertThat(connection.sendBinary(BinaryFrames.encode(EnvelopeCodec.ping(id, id)))).isTrue();
      }
      proxy.cutAll(); // the stream, and the POST if one is in flight
      int answeredSoFar = sent.size();
      // the next cut hits a stream the transport has reopened
      await()
          .atMost(WAIT)
          .until(() -> frames.stream().filter(Envelope::hasPong).count() >= answeredSoFar);
    }

    await()
        .atMost(WAIT)
        .until(() -> frames.stream().filter(Envelope::hasPong).count() >= sent.size());
    List<Long> answered =
        frames.stream().filter(Envelope::hasPong).map(Envelope::getRequestId).toList();
    assertThat(answered).containsExactlyElementsOf(sent);
    assertThat(closes).isEmpty();
    assertThat(proxy.cutCount()).isEqualTo(5);

    connection.close(1000, "done");
    await().atMost(WAIT).until(() -> closes.size() == 1);
    assertThat(closes).containsExactly(1000);
  }
}
