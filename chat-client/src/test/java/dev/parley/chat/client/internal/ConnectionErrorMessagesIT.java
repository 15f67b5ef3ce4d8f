package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.parley.chat.api.ChatException;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.protocols.IProtocol;
import org.java_websocket.protocols.Protocol;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A first connect that fails says what to check, against real sockets: a closed port, an HTTP
 * server answering 404, a WebSocket server that speaks another subprotocol.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionErrorMessagesIT {
  private ChatClient client;

  @AfterEach
  void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  /** The message the first connect to {@code endpoint} fails with. */
  private String connectFailure(URI endpoint) {
    client = ChatClient.builder().endpoint(endpoint).build();
    Throwable[] failure = new Throwable[1];
    assertThatThrownBy(
            () -> {
              try {
                client.connect("alice", new ChatListener() {}).get(30, TimeUnit.SECONDS);
              } catch (ExecutionException e) {
                failure[0] = e.getCause();
                throw e;
              }
            })
        .isInstanceOf(ExecutionException.class);
    assertThat(failure[0]).isInstanceOf(ChatException.class);
    String message = failure[0].getMessage();
    assertThat(message).doesNotContain("CODE_1006").doesNotContain("HandshakeException");
    return message;
  }

  @Test
  void closedPortSaysNothingIsListeningThere() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    // a port just released can be taken again by another process; the message then differs and
    // the test says so rather than passing by accident
    assertThat(connectFailure(URI.create("ws://127.0.0.1:" + port + "/chat")))
        .contains("nothing is listening at 127.0.0.1:" + port)
        .contains("server is running");
  }

  @Test
  void http404NamesThePathAndTheHttpPortMistake() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.start();
    try {
      int port = http.getAddress().getPort();
      assertThat(connectFailure(URI.create("ws://127.0.0.1:" + port + "/chat")))
          .contains("127.0.0.1:" + port + " answered HTTP 404")
          .contains("check the path (/chat")
          .contains("not the HTTP port");
    } finally {
      http.stop(0);
    }
  }

  @Test
  void serverRefusingTheSubprotocolIsNamed() throws Exception {
    OtherProtocolServer server = new OtherProtocolServer();
    server.start();
    try {
      assertThat(server.started.await(10, TimeUnit.SECONDS)).isTrue();
      String message = connectFailure(URI.create("ws://127.0.0.1:" + server.getPort() + "/chat"));
      assertThat(message)
          .contains("answered HTTP 404")
          .contains(
              "does not speak the subprotocol "
                  + dev.parley.chat.protocol.Protocol.SUBPROTOCOL_PROTOBUF);
    } finally {
      server.stop(1000);
    }
  }

  /** A WebSocket server that speaks only a subprotocol no Parley client asks for. */
  private static final class OtherProtocolServer extends WebSocketServer {
    final CountDownLatch started = new CountDownLatch(1);

    OtherProtocolServer() {
      super(
          new InetSocketAddress("127.0.0.1", 0),
          List.<Draft>of(
              new Draft_6455(List.of(), List.<IProtocol>of(new Protocol("example.other.v9")))));
      setReuseAddr(true);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {}

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

    @Override
    public void onMessage(WebSocket conn, String message) {}

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {}

    @Override
    public void onError(WebSocket conn, Exception ex) {}

    @Override
    public void onStart() {
      started.countDown();
    }
  }
}
