package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A network that refuses WebSocket upgrades: the client's WebSocket endpoint is a socket that
 * answers every request with {@code 403}, while the server's SSE endpoint works. With {@code
 * sseFallback}, the client connects over SSE after two refused upgrades, and chats as usual.
 */
class SseFallbackIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private Fixture fixture;
  private UpgradeRefuser refuser;

  @BeforeEach
  void start() throws Exception {
    fixture = new Fixture();
    refuser = new UpgradeRefuser();
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
    refuser.close();
  }

  @Test
  void refusedUpgradesFallBackToSseAndTheSessionChats() throws Exception {
    URI sse = SseClientTransportConformanceIT.sseEndpoint(fixture);
    URI blocked = URI.create("ws://127.0.0.1:" + refuser.port() + "/chat");
    ChatClient client = fixture.client(blocked, b -> b.sseFallback(sse));
    RecordingListener aliceEvents = new RecordingListener();
    RecordingListener bobEvents = new RecordingListener();

    ChatSession alice = client.connect("alice", aliceEvents).get(20, TimeUnit.SECONDS);
    ChatSession bob = fixture.connect("bob", bobEvents);

    assertThat(alice.endpoint()).contains(sse);
    assertThat(refuser.requests.get()).isEqualTo(2);
    assertThat(aliceEvents.states.get(aliceEvents.states.size() - 1).reason()).contains("SSE");
    RoomId room = RoomId.of("fallback");
    RoomHandle aliceRoom = alice.join(room).get(10, TimeUnit.SECONDS);
    RoomHandle bobRoom = bob.join(room).get(10, TimeUnit.SECONDS);
    aliceRoom.send("over sse").get(10, TimeUnit.SECONDS);
    bobRoom.send("over websocket").get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 40; i++) {
      aliceRoom.send("burst " + i);
    }

    for (RecordingListener events : List.of(aliceEvents, bobEvents)) {
      List<ChatMessage> seen = events.awaitMessages(room, 42, WAIT);
      assertThat(seen.subList(0, 2))
          .extracting(ChatMessage::text)
          .containsExactly("over sse", "over websocket");
      assertThat(seen.subList(2, 42))
          .extracting(ChatMessage::text)
          .containsExactlyElementsOf(
              java.util.stream.IntStream.range(0, 40).mapToObj(i -> "burst " + i).toList());
    }
    assertThat(aliceEvents.violations).isEmpty();
  }

  /** Answers every HTTP request with 403 and closes the socket, as a proxy that blocks upgrades. */
  private static final class UpgradeRefuser implements AutoCloseable {
    private final ServerSocket server = new ServerSocket();
    private final AtomicInteger requests = new AtomicInteger();
    private final Thread thread;

    UpgradeRefuser() throws IOException {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      thread = new Thread(this::serve, "upgrade-refuser");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve() {
      while (!server.isClosed()) {
        try (Socket socket = server.accept()) {
          socket.setSoTimeout(5_000);
          InputStream in = socket.getInputStream();
          int matched = 0;
          byte[] end = {'\r', '\n', '\r', '\n'};
          int b;
          while (matched < 4 && (b = in.read()) >= 0) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
          }
          requests.incrementAndGet();
          OutputStream out = socket.getOutputStream();
          out.write(
              ("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n"
                      + "Connection: close\r\n\r\nforbidden")
                  .getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (IOException e) {
          if (server.isClosed()) {
            return;
          }
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      try {
        thread.join(WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
