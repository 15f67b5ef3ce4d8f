package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An SSE client that stops reading its stream is closed as a slow consumer, as a WebSocket one is;
 * the room keeps flowing for everyone else and the server's writer threads are not held.
 */
class SseSlowConsumerIT {
  @Test
  void aStreamThatIsNotReadIsClosedWhileOthersKeepReceiving() throws Exception {
    try (Fixture fixture =
            new Fixture(
                b ->
                    b.maxOutboundBytes(256 * 1024)
                        .requestRate(100_000, 100_000)
                        .userSendRate(100_000, 100_000)
                        .pingInterval(Duration.ofSeconds(1)));
        SseWire stuck = new SseWire(fixture.server.httpUri().orElseThrow())) {
      RoomId room = RoomId.of("firehose");
      assertThat(stuck.open(SseWire.connectFrame("stuck")).statusCode()).isEqualTo(201);
      // The stream on a raw socket with a tiny receive buffer, never read after the request.
      URI uri = stuck.sessionUri();
      try (Socket socket = new Socket()) {
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("GET "
                    + uri.getRawPath()
                    + " HTTP/1.1\r\nHost: "
                    + uri.getHost()
                    + ":"
                    + uri.getPort()
                    + "\r\nAccept: text/event-stream\r\nParley-Session-Key: "
                    + stuck.key
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(
                stuck.post("{\"requestId\":\"2\",\"join\":{\"room\":\"firehose\"}}").statusCode())
            .isEqualTo(204);
        RecordingListener.await(
            () -> fixture.server.sessionCount() == 1, Duration.ofSeconds(5), () -> "stuck session");

        RecordingListener readerEvents = new RecordingListener();
        ChatSession reader = fixture.connect("reader", readerEvents);
        reader.join(room).get(10, TimeUnit.SECONDS);
        ChatSession writer = fixture.connect("writer", new RecordingListener());
        RoomHandle handle = writer.join(room).get(10, TimeUnit.SECONDS);

        String text = "x".repeat(2_000);
        // About 24 MB through the room: far past the 256 KiB limit and the sockets' buffers.
        int messages = 12_000;
        Semaphore window = new Semaphore(20);
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
          window.acquireUninterruptibly();
          sends.add(handle.send(text + i).whenComplete((r, e) -> window.release()));
          if (i % 500 == 0) { // the stuck client still posts, as a live one does
            stuck.post("{\"ping\":{\"nonce\":\"" + i + "\"}}");
          }
        }
        for (CompletableFuture<?> send : sends) {
          send.get(30, TimeUnit.SECONDS);
        }
        List<ChatMessage> got = readerEvents.awaitMessages(room, messages, Duration.ofSeconds(60));
        assertThat(got).hasSize(messages);
        assertThat(got).extracting(ChatMessage::seq).doesNotHaveDuplicates().isSorted();
        RecordingListener.await(
            () -> fixture.server.sessionCount() == 2,
            Duration.ofSeconds(10),
            () -> "the stuck session to be dropped, sessions=" + fixture.server.sessionCount());
        assertThat(stuck.post("{\"ping\":{\"nonce\":\"1\"}}").statusCode()).isEqualTo(404);
      }
    }
  }
}
