package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ClosedEvent;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.StateChangeEvent;
import dev.parley.chat.client.TokenProvider;
import dev.parley.chat.client.TokenRefreshedEvent;
import dev.parley.chat.client.TokenRequest;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.spi.AuthenticationException;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.ConnectRequest;
import dev.parley.chat.spi.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Expiring credentials on the Netty transport (named explicitly): a refresh on the open connection,
 * then an expiry without refresh (4004) that the client turns into a reconnect with a fresh token
 * and a resume with nothing lost; and a revocation (4005).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NettyTokenExpiryIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final RoomId ROOM = RoomId.of("general");

  private ChatServer server;
  private final List<AutoCloseable> clients = new ArrayList<>();

  /** Tokens are {@code user} (never expires) or {@code user@expiryMillis}. */
  private static final Authenticator TOKENS =
      new Authenticator() {
        @Override
        public CompletionStage<Identity> identify(ConnectRequest request) {
          String token = request.token();
          int at = token.indexOf('@');
          try {
            if (at < 0) {
              return CompletableFuture.completedFuture(Identity.of(UserId.of(token)));
            }
            Instant expiry = Instant.ofEpochMilli(Long.parseLong(token.substring(at + 1)));
            return CompletableFuture.completedFuture(
                Identity.of(UserId.of(token.substring(0, at)), Set.of(), expiry));
          } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new AuthenticationException("invalid token"));
          }
        }

        @Override
        public CompletionStage<UserId> authenticate(ConnectRequest request) {
          return identify(request).thenApply(Identity::user);
        }
      };

  /** Records messages, states, refreshes and the close. */
  private static final class Recorder implements ChatListener {
    final List<ChatMessage> messages = new CopyOnWriteArrayList<>();
    final List<StateChangeEvent> states = new CopyOnWriteArrayList<>();
    final List<TokenRefreshedEvent> refreshes = new CopyOnWriteArrayList<>();
    volatile ClosedEvent closed;

    @Override
    public void onMessage(ChatSession session, MessageEvent event) {
      messages.add(event.message());
    }

    @Override
    public void onStateChanged(ChatSession session, StateChangeEvent event) {
      states.add(event);
    }

    @Override
    public void onTokenRefreshed(ChatSession session, TokenRefreshedEvent event) {
      refreshes.add(event);
    }

    @Override
    public void onClosed(ChatSession session, ClosedEvent event) {
      closed = event;
    }

    boolean reconnectedAfterExpiry() {
      boolean expired = false;
      for (StateChangeEvent s : states) {
        expired |= s.reason().contains("TOKEN_EXPIRED (4004)");
        if (expired && s.current() == ChatSession.State.CONNECTED) {
          return true;
        }
      }
      return false;
    }
  }

  @BeforeEach
  void startServer() throws Exception {
    server =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .disableHttp()
            .authenticator(TOKENS)
            .tokenExpiryLead(Duration.ofSeconds(1))
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
  }

  private ChatSession connect(TokenProvider tokens, Recorder recorder) throws Exception {
    ChatClient client =
        ChatClient.builder()
            .endpoint(server.webSocketUri())
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(500))
            .build();
    clients.add(0, client);
    return client.connect(tokens, recorder).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String expiringIn(String user, Duration lifetime) {
    return user + "@" + Instant.now().plus(lifetime).toEpochMilli();
  }

  @Test
  void aRefreshThenAnExpiryWithoutOneLoseNothing() throws Exception {
    AtomicInteger refreshesGiven = new AtomicInteger();
    TokenProvider aliceTokens =
        request ->
            CompletableFuture.completedFuture(
                request.reason() == TokenRequest.Reason.EXPIRING
                        && refreshesGiven.incrementAndGet() > 1
                    ? null // the second time, no fresh token: the credentials run out
                    : expiringIn("alice", Duration.ofSeconds(4)));
    // bob first: the first connection of the process warms the client up, which can take longer
    // than alice's tokens live on a busy machine
    RoomHandle bobRoom =
        connect(TokenProvider.fixed("bob"), new Recorder()).join(ROOM).get(10, TimeUnit.SECONDS);
    Recorder alice = new Recorder();
    RoomHandle aliceRoom = connect(aliceTokens, alice).join(ROOM).get(10, TimeUnit.SECONDS);

    int sent = 0;
    int extra = 5;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (extra > 0) {
      if (alice.refreshes.size() >= 1 && alice.reconnectedAfterExpiry()) {
        extra--;
      }
      assertThat(System.nanoTime()).as("refreshed and reconnected in time").isLessThan(deadline);
      bobRoom.send("m-" + sent).get(10, TimeUnit.SECONDS);
      aliceRoom.send("a-" + sent).get(30, TimeUnit.SECONDS);
      sent++;
      int expected = 2 * sent;
      await().atMost(WAIT).until(() -> alice.messages.size() >= expected);
    }

    assertThat(alice.messages).extracting(ChatMessage::seq).doesNotHaveDuplicates().isSorted();
    assertThat(alice.messages).hasSize(2 * sent);
    assertThat(alice.messages.get(alice.messages.size() - 1).seq()).isEqualTo(2L * sent);
    assertThat(alice.refreshes).isNotEmpty();
  }

  @Test
  void aRevokedSessionWithoutATokenClosesWith4005() throws Exception {
    Recorder alice = new Recorder();
    TokenProvider tokens =
        request ->
            CompletableFuture.completedFuture(
                request.reason() == TokenRequest.Reason.REVOKED ? null : "alice");
    ChatSession session = connect(tokens, alice);

    assertThat(server.rooms().revoke(UserId.of("alice"), "account suspended")).isEqualTo(1);

    await().atMost(WAIT).until(() -> alice.closed != null);
    assertThat(alice.closed.code()).isEqualTo(CloseCodes.REVOKED);
    assertThat(session.state()).isEqualTo(ChatSession.State.CLOSED);
  }
}
