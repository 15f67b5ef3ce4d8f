package dev.parley.chat.auth.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ClosedEvent;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.testkit.net.RawWebSocket;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real Parley server (default transport, port 0) authenticating with a JwtAuthenticator whose
 * keys come from a JWKS URL on 127.0.0.1, and the real Java client over a real WebSocket.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JwtEndToEndIT {
  private static final RoomId ROOM = RoomId.of("general");

  private final ECKey key = Tokens.ecKey("chat-1");
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private JwksServer jwks;
  private ChatServer server;

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
    if (server != null) {
      server.close();
    }
    if (jwks != null) {
      jwks.close();
    }
  }

  private void startServer(boolean jwksDown) throws Exception {
    jwks = new JwksServer(List.of(key));
    jwks.down(jwksDown);
    JwtAuthenticator authenticator =
        JwtAuthenticator.builder()
            .jwksUri(jwks.uri())
            .jwksMinRefreshInterval(Duration.ofMillis(200))
            .algorithms("ES256")
            .issuer(Tokens.ISSUER)
            .audience(Tokens.AUDIENCE)
            .build();
    server =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .httpPort(0)
            .authenticator(authenticator)
            .build()
            .start();
  }

  private ChatClient client() {
    ChatClient client =
        ChatClient.builder()
            .endpoint(server.webSocketUri())
            .random(new Random(7))
            .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
            .build();
    toClose.add(0, client);
    return client;
  }

  private String token(ECKey signer, String user) {
    return Tokens.sign(signer, Tokens.claims(user, Clock.systemUTC().instant()).build());
  }

  @Test
  void validTokensChatAndAForgedOneIsRefusedWith4001WhileOthersGoOn() throws Exception {
    startServer(false);
    Recorder aliceEvents = new Recorder();
    Recorder bobEvents = new Recorder();
    ChatSession alice =
        client().connect(token(key, "alice"), aliceEvents).get(30, TimeUnit.SECONDS);
    ChatSession bob = client().connect(token(key, "bob"), bobEvents).get(30, TimeUnit.SECONDS);
    assertThat(alice.user().value()).isEqualTo("alice");
    RoomHandle aliceRoom = alice.join(ROOM).get(30, TimeUnit.SECONDS);
    bob.join(ROOM).get(30, TimeUnit.SECONDS);
    aliceRoom.send("hello from a signed token").get(30, TimeUnit.SECONDS);
    assertThat(bobEvents.nextText()).isEqualTo("hello from a signed token");

    // Forged: signed by a key of the same kid that the issuer never published.
    Recorder malloryEvents = new Recorder();
    CompletableFuture<ChatSession> mallory =
        client().connect(token(Tokens.ecKey("chat-1"), "alice"), malloryEvents);
    assertThatThrownBy(() -> mallory.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ChatException.class)
        .satisfies(
            e -> assertThat(((ChatException) e).code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED))
        .hasMessageContaining("invalid token");
    assertThat(malloryEvents.closed.poll(30, TimeUnit.SECONDS).code())
        .isEqualTo(CloseCodes.AUTHENTICATION_FAILED);

    // On the wire: the Error frame and the close code, exactly.
    try (RawWebSocket raw = rawConnect(token(Tokens.ecKey("chat-1"), "alice"))) {
      Envelope error = read(raw);
      assertThat(error.getError().getCode()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED.code());
      assertThat(error.getError().getMessage()).isEqualTo("invalid token");
      assertThat(error.getError().getRetryable()).isFalse();
      assertThat(raw.awaitClose(10_000)).isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
    }

    // The server still serves the others.
    aliceRoom.send("still here").get(30, TimeUnit.SECONDS);
    assertThat(bobEvents.nextText()).isEqualTo("still here");
  }

  private String expiredToken(ECKey signer, String user) {
    java.time.Instant longAgo = Clock.systemUTC().instant().minus(Duration.ofHours(1));
    return Tokens.sign(signer, Tokens.claims(user, longAgo).build()); // expired 50 min ago
  }

  @Test
  void anExpiredTokenAtConnectIsReplacedByAFreshOneAndAForgedExpiredOneIsRefusedFor4001()
      throws Exception {
    startServer(false);
    // On the wire: a genuine expired token is told so, and closed with 4004.
    try (RawWebSocket raw = rawConnect(expiredToken(key, "alice"))) {
      Envelope error = read(raw);
      assertThat(error.getError().getCode()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED.code());
      assertThat(error.getError().getMessage()).isEqualTo("token expired");
      assertThat(raw.awaitClose(10_000)).isEqualTo(CloseCodes.TOKEN_EXPIRED);
    }
    // A forged expired token learns nothing about expiry: 4001, "invalid token".
    try (RawWebSocket raw = rawConnect(expiredToken(Tokens.ecKey("chat-1"), "alice"))) {
      Envelope error = read(raw);
      assertThat(error.getError().getMessage()).isEqualTo("invalid token");
      assertThat(raw.awaitClose(10_000)).isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
    }

    // The real client: its provider's first token is stale, the one it asks for next is fresh.
    List<dev.parley.chat.client.TokenRequest.Reason> asked =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.parley.chat.client.TokenProvider tokens =
        request -> {
          asked.add(request.reason());
          return CompletableFuture.completedFuture(
              asked.size() == 1 ? expiredToken(key, "alice") : token(key, "alice"));
        };
    Recorder aliceEvents = new Recorder();
    ChatSession alice = client().connect(tokens, aliceEvents).get(30, TimeUnit.SECONDS);
    assertThat(alice.user().value()).isEqualTo("alice");
    assertThat(asked)
        .containsExactly(
            dev.parley.chat.client.TokenRequest.Reason.CONNECT,
            dev.parley.chat.client.TokenRequest.Reason.EXPIRED);
    assertThat(aliceEvents.closed).isEmpty();

    // The forged expired token through the real client: refused for good, never retried.
    List<dev.parley.chat.client.TokenRequest.Reason> malloryAsked =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    String forged = expiredToken(Tokens.ecKey("chat-1"), "alice");
    Recorder malloryEvents = new Recorder();
    CompletableFuture<ChatSession> mallory =
        client()
            .connect(
                request -> {
                  malloryAsked.add(request.reason());
                  return CompletableFuture.completedFuture(forged);
                },
                malloryEvents);
    assertThatThrownBy(() -> mallory.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ChatException.class)
        .hasMessageContaining("invalid token");
    assertThat(malloryEvents.closed.poll(30, TimeUnit.SECONDS).code())
        .isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
    assertThat(malloryAsked).containsExactly(dev.parley.chat.client.TokenRequest.Reason.CONNECT);
  }

  @Test
  void jwksDownTellsTheClientUnavailableAndItGetsInOnceTheKeysAreBack() throws Exception {
    startServer(true);
    try (RawWebSocket raw = rawConnect(token(key, "alice"))) {
      Envelope error = read(raw);
      assertThat(error.getError().getCode()).isEqualTo(ErrorCode.UNAVAILABLE.code());
      assertThat(error.getError().getRetryable()).isTrue();
      assertThat(raw.awaitClose(10_000)).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
    }

    // The real client keeps trying (UNAVAILABLE is retryable) instead of giving up.
    CompletableFuture<ChatSession> alice = client().connect(token(key, "alice"), new Recorder());
    int fetchesBefore = jwks.fetches();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> jwks.fetches() >= fetchesBefore + 2);
    assertThat(alice).isNotDone();
    jwks.down(false);
    assertThat(alice.get(30, TimeUnit.SECONDS).user().value()).isEqualTo("alice");
  }

  private RawWebSocket rawConnect(String token) throws Exception {
    RawWebSocket raw =
        RawWebSocket.connect(
            server.address(), server.webSocketUri().getPath(), Protocol.SUBPROTOCOL_PROTOBUF);
    raw.sendBinary(
        Envelope.newBuilder()
            .setRequestId(1)
            .setConnect(Connect.newBuilder().setProtocolVersion(Protocol.VERSION).setToken(token))
            .build()
            .toByteArray());
    return raw;
  }

  private static Envelope read(RawWebSocket raw) throws Exception {
    while (true) {
      RawWebSocket.Frame frame = raw.readFrame(15_000);
      assertThat(frame).as("a frame before the close").isNotNull();
      assertThat(frame.opcode()).as("a frame before the close").isNotEqualTo(RawWebSocket.CLOSE);
      if (frame.opcode() == RawWebSocket.BINARY) {
        Envelope envelope = BinaryFrames.decode(ByteBuffer.wrap(frame.payload()));
        assertThat(envelope.getBodyCase()).isEqualTo(Envelope.BodyCase.ERROR);
        return envelope;
      }
    }
  }

  /** Records one session's messages and its close. */
  private static final class Recorder implements ChatListener {
    final BlockingQueue<MessageEvent> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<ClosedEvent> closed = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(ChatSession session, MessageEvent event) {
      messages.add(event);
    }

    @Override
    public void onClosed(ChatSession session, ClosedEvent event) {
      closed.add(event);
    }

    String nextText() throws InterruptedException {
      MessageEvent event = messages.poll(30, TimeUnit.SECONDS);
      assertThat(event).as("a message within 30 s").isNotNull();
      return event.message().text();
    }
  }
}
