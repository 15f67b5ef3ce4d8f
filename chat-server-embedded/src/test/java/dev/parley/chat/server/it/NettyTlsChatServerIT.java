package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.spi.ServerTls;
import dev.parley.chat.testkit.tls.TestCertificates;
import dev.parley.chat.testkit.tls.TestCertificates.Issued;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server on the Netty transport (named explicitly) serving {@code wss://} to real, verifying
 * clients.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NettyTlsChatServerIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final RoomId ROOM = RoomId.of("general");

  @TempDir Path certificates;

  private static final class Inbox implements ChatListener {
    final BlockingQueue<ChatMessage> messages = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(ChatSession session, MessageEvent event) {
      messages.add(event.message());
    }
  }

  @Test
  void twoVerifyingClientsChatOverWssOnNetty() throws Exception {
    Issued issued = TestCertificates.issue(certificates, "netty", "EC", "ip:127.0.0.1");
    ChatServer server =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .disableHttp()
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .transport("netty")
            .tls(ServerTls.fromPem(issued.certificatePem(), issued.keyPem()))
            .build()
            .start();
    try (ChatClient alice = client(server, issued);
        ChatClient bob = client(server, issued)) {
      assertThat(server.webSocketUri().getScheme()).isEqualTo("wss");
      Inbox bobInbox = new Inbox();
      RoomHandle aliceRoom = join(alice.connect("alice", new Inbox()));
      join(bob.connect("bob", bobInbox));
      aliceRoom.send("hello over tls").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      ChatMessage received = bobInbox.messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(received).isNotNull();
      assertThat(received.text()).isEqualTo("hello over tls");
    } finally {
      server.close();
    }
  }

  private static ChatClient client(ChatServer server, Issued issued) throws Exception {
    return ChatClient.builder()
        .endpoint(server.webSocketUri())
        .trustStore(TestCertificates.trustStore(issued.certificate()))
        .build();
  }

  private static RoomHandle join(java.util.concurrent.CompletableFuture<ChatSession> connecting)
      throws Exception {
    return connecting
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .join(ROOM)
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }
}
