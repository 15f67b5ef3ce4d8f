package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.Ping;
import dev.parley.chat.testkit.net.RawWebSocket;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The close codes a server sends when it ends a session (4009 after a flood, 4001 after refused
 * credentials) reach the client as that code, not as a dropped connection (1006), including a
 * client that is still sending and has not read the server's last answers yet: the server waits for
 * the client's close frame before it ends the TCP connection (RFC 6455 7.1.1).
 */
class ServerCloseCodeIT {
  private static final int FLOOD = 3_000;
  private static final byte[] PING =
      Envelope.newBuilder().setPing(Ping.getDefaultInstance()).build().toByteArray();
  private static Fixture fixture;

  @BeforeAll
  static void start() throws Exception {
    fixture = new Fixture(b -> b.requestRate(50, 100));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  /**
   * A flooding client with a small receive buffer that sends its whole burst before it reads: the
   * flood close is queued behind the server's answers when the server decides it, and the rest of
   * the burst arrives after that.
   */
  @Test
  void floodingClientThatReadsLateStillReadsTheFloodingCode() throws Exception {
    try (RawWebSocket ws = RawWebSocket.open(fixture.server.address(), 4096)) {
      assertThat(ws.handshake("/chat", Protocol.SUBPROTOCOL_PROTOBUF, "")).isEqualTo(101);
      ws.sendBinary(connect("late-reader"));
      assertThat(RawClients.read(ws)).matches(Envelope::hasWelcome, "a Welcome");
      for (int i = 0; i < FLOOD; i++) {
        try {
          ws.sendBinary(PING);
        } catch (IOException e) {
          break; // the server ended the socket; what the client reads below is the point
        }
      }
      assertThat(ws.awaitClose(10_000)).isEqualTo(CloseCodes.FLOODING);
    }
  }

  /**
   * The JDK's WebSocket client, flooding after its Welcome without reading anything more. (Before
   * Welcome, frames wait on the server within a smaller bound, and overflowing that closes 4000.)
   */
  @Test
  void floodingJdkClientGetsTheFloodingCodeInsteadOfAnError() throws Exception {
    CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    CompletableFuture<Void> welcomed = new CompletableFuture<>();
    WebSocket.Listener listener =
        new WebSocket.Listener() {
          @Override
          public void onOpen(WebSocket webSocket) {
            // reads nothing until the test asks for it
          }

          @Override
          public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            welcomed.complete(null); // the first frame is the Welcome; no more is asked for
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
          }

          @Override
          public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(1006);
          }
        };
    HttpClient http = HttpClient.newHttpClient();
    WebSocket ws =
        http.newWebSocketBuilder()
            .subprotocols(Protocol.SUBPROTOCOL_PROTOBUF)
            .buildAsync(fixture.server.webSocketUri(), listener)
            .get(10, TimeUnit.SECONDS);
    try {
      ws.sendBinary(ByteBuffer.wrap(connect("jdk-flooder")), true).join();
      ws.request(1);
      welcomed.get(10, TimeUnit.SECONDS);
      for (int i = 0; i < FLOOD; i++) {
        try {
          ws.sendBinary(ByteBuffer.wrap(PING), true).join();
        } catch (CompletionException e) {
          break; // the server ended the socket; what the client reads below is the point
        }
      }
      ws.request(Long.MAX_VALUE);
      assertThat(closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(CloseCodes.FLOODING);
    } finally {
      ws.abort();
    }
  }

  /** The chat client reports refused credentials with 4001 and does not reconnect. */
  @Test
  void refusedCredentialsCloseTheChatClientsSessionWith4001() {
    RecordingListener listener = new RecordingListener();
    CompletableFuture<?> connecting = fixture.client().connect("no spaces allowed", listener);
    assertThatThrownBy(() -> connecting.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            ChatException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED));
    await().atMost(Duration.ofSeconds(10)).until(() -> listener.closed != null);
    assertThat(listener.closed.code()).isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
  }

  /** A raw client that sends more right behind its refused Connect, reading late: it reads 4001. */
  @Test
  void clientStillSendingAfterARefusedConnectReads4001() throws Exception {
    try (RawWebSocket ws = RawWebSocket.open(fixture.server.address(), 4096)) {
      assertThat(ws.handshake("/chat", Protocol.SUBPROTOCOL_PROTOBUF, "")).isEqualTo(101);
      ws.sendBinary(connect("no spaces allowed"));
      for (int i = 0; i < 50; i++) {
        try {
          ws.sendBinary(PING);
        } catch (IOException e) {
          break;
        }
      }
      assertThat(ws.awaitClose(10_000)).isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
    }
  }

  private static byte[] connect(String token) {
    return Envelope.newBuilder()
        .setRequestId(1)
        .setConnect(Connect.newBuilder().setProtocolVersion(1).setToken(token))
        .build()
        .toByteArray();
  }
}
