package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.testkit.net.RawWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real {@link ChatServer} on the Netty transport, named explicitly ({@code transport("netty")}),
 * serving real {@link ChatClient}s over loopback: the whole path of a message, and hostile sockets
 * next to healthy sessions, with the transport's own threads checked. Netty is the default too;
 * naming it keeps this test on Netty, so the jws-smoke run leaves it out.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NettyChatServerIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final RoomId ROOM = RoomId.of("general");

  private ChatServer server;
  private final List<AutoCloseable> clients = new ArrayList<>();

  /** Records the messages a session receives, in order. */
  private static final class Inbox implements ChatListener {
    final BlockingQueue<ChatMessage> messages = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(ChatSession session, MessageEvent event) {
      messages.add(event.message());
    }

    ChatMessage next() throws InterruptedException {
      ChatMessage message = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(message).as("a message within %s", WAIT).isNotNull();
      return message;
    }
  }

  @BeforeEach
  void startServer() throws Exception {
    server =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .disableHttp()
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .transport("netty")
            .build()
            .start();
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (AutoCloseable client : clients) {
      client.close();
    }
    server.close();
    assertThat(Thread.getAllStackTraces().keySet())
        .as("transport threads after the server closed")
        .filteredOn(t -> t.isAlive() && t.getName().startsWith("parley-netty-"))
        .isEmpty();
  }

  private ChatSession connect(String user, Inbox inbox) throws Exception {
    ChatClient client = ChatClient.builder().endpoint(server.webSocketUri()).build();
    clients.add(0, client);
    return client.connect(user, inbox).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static RoomHandle join(ChatSession session) throws Exception {
    return session.join(ROOM).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static SendReceipt send(RoomHandle room, String text) throws Exception {
    return room.send(text).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void twoClientsChatThroughTheNettyTransport() throws Exception {
    Inbox aliceInbox = new Inbox();
    Inbox bobInbox = new Inbox();
    RoomHandle alice = join(connect("alice", aliceInbox));
    RoomHandle bob = join(connect("bob", bobInbox));
    assertThat(Thread.getAllStackTraces().keySet())
        .as("the server runs on this transport's event loops")
        .anyMatch(t -> t.getName().matches("parley-netty-\\d+-io-\\d+"));

    SendReceipt receipt = send(alice, "hello bob");
    assertThat(receipt.seq()).isEqualTo(1);
    assertThat(receipt.duplicate()).isFalse();
    ChatMessage atBob = bobInbox.next();
    assertThat(atBob.text()).isEqualTo("hello bob");
    assertThat(atBob.sender().value()).isEqualTo("alice");
    assertThat(atBob.seq()).isEqualTo(1);

    assertThat(send(bob, "hi alice").seq()).isEqualTo(2);
    assertThat(aliceInbox.next().text()).isEqualTo("hello bob");
    assertThat(aliceInbox.next().text()).isEqualTo("hi alice");
    assertThat(bobInbox.next().seq()).isEqualTo(2);
  }

  @Test
  void hostileSocketsAreClosedWhileSessionsChatOn() throws Exception {
    Inbox bobInbox = new Inbox();
    RoomHandle alice = join(connect("alice", new Inbox()));
    join(connect("bob", bobInbox));
    int sent = 0;
    assertStillChatting(alice, bobInbox, ++sent);

    try (RawWebSocket garbage = upgraded()) {
      garbage.sendFrame(0x3, true, new byte[] {1, 2, 3}); // a reserved opcode
      assertThat(garbage.awaitClose((int) WAIT.toMillis())).isEqualTo(CloseCodes.PROTOCOL_ERROR);
    }
    assertStillChatting(alice, bobInbox, ++sent);

    try (RawWebSocket oversized = upgraded()) {
      // Only the header: the transport refuses the frame from its announced length, and a client
      // still writing the payload could find the socket closed under it (broken pipe, reset).
      oversized.sendHeaderOnly(RawWebSocket.BINARY, Protocol.DEFAULT_MAX_FRAME_BYTES + 1);
      assertThat(oversized.awaitClose((int) WAIT.toMillis())).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
    }
    assertStillChatting(alice, bobInbox, ++sent);

    try (RawWebSocket wrongPath = RawWebSocket.open(server.address(), 0)) {
      assertThat(wrongPath.handshake("/not-chat", Protocol.SUBPROTOCOL_PROTOBUF, ""))
          .isEqualTo(404);
    }
    assertStillChatting(alice, bobInbox, ++sent);
    await("only alice's and bob's sessions remain")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(() -> assertThat(server.sessionCount()).isEqualTo(2));
  }

  @Test
  void frameOfTheOtherTypeClosesWith1003() throws Exception {
    try (RawWebSocket proto = upgraded()) {
      proto.sendText("{\"requestId\":\"1\",\"ping\":{\"nonce\":\"1\"}}");
      assertThat(proto.awaitClose((int) WAIT.toMillis())).isEqualTo(CloseCodes.UNSUPPORTED_DATA);
    }
    try (RawWebSocket json =
        RawWebSocket.connect(server.address(), Protocol.DEFAULT_PATH, Protocol.SUBPROTOCOL_JSON)) {
      json.sendBinary(new byte[] {0x08, 0x01});
      assertThat(json.awaitClose((int) WAIT.toMillis())).isEqualTo(CloseCodes.UNSUPPORTED_DATA);
    }
  }

  @Test
  void refusedUpgradesAnswerWithAStatusNamingTheReason() throws Exception {
    try (RawWebSocket wrongPath = RawWebSocket.open(server.address(), 0)) {
      assertThat(wrongPath.handshake("/not-chat", Protocol.SUBPROTOCOL_PROTOBUF, ""))
          .isEqualTo(404);
    }
    try (RawWebSocket unknown = RawWebSocket.open(server.address(), 0)) {
      assertThat(unknown.handshake(Protocol.DEFAULT_PATH, "parley.v2.proto", "")).isEqualTo(400);
    }
    try (RawWebSocket oversized = RawWebSocket.open(server.address(), 0)) {
      String padding = "X-Padding: " + "a".repeat(16 * 1024) + "\r\n";
      assertThat(oversized.handshake(Protocol.DEFAULT_PATH, Protocol.SUBPROTOCOL_PROTOBUF, padding))
          .isEqualTo(431);
    }
  }

  private RawWebSocket upgraded() throws Exception {
    return RawWebSocket.connect(
        server.address(), Protocol.DEFAULT_PATH, Protocol.SUBPROTOCOL_PROTOBUF);
  }

  private static void assertStillChatting(RoomHandle alice, Inbox bobInbox, int seq)
      throws Exception {
    String text = "still here " + seq;
    assertThat(send(alice, text).seq()).isEqualTo(seq);
    ChatMessage received = bobInbox.next();
    assertThat(received.text()).isEqualTo(text);
    assertThat(received.seq()).isEqualTo(seq);
  }
}
