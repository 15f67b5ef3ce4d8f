package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ClosedEvent;
import dev.parley.chat.client.TokenFailedEvent;
import dev.parley.chat.client.TokenProvider;
import dev.parley.chat.client.TokenRefreshedEvent;
import dev.parley.chat.client.TokenRequest;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's side of expiring credentials, in memory: TokenExpiring leads to a Reauthenticate
 * with the provider's fresh token; a retryable refusal is retried, a final one given up until the
 * server closes with 4004 and the session reconnects with a new token; after 4005 the provider is
 * asked once more.
 */
class CredentialRefreshTest {
  private final ClientHarness harness = new ClientHarness();
  private final List<TokenRequest.Reason> asked = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    harness.close();
  }

  private TokenProvider provider(Function<TokenRequest.Reason, String> answer) {
    return request -> {
      asked.add(request.reason());
      CompletionStage<String> token =
          CompletableFuture.completedFuture(answer.apply(request.reason()));
      return token;
    };
  }

  /** Connects with {@code tokens} and welcomes the session; returns the server's end. */
  private ScriptedTransport.Server connect(TokenProvider tokens) {
    CompletableFuture<ChatSession> connecting = harness.client.connect(tokens, harness.listener);
    ScriptedTransport.Server server = harness.transport.accept();
    Envelope connect = server.welcome("alice");
    assertThat(connect.getConnect().getToken()).isEqualTo("token-1");
    assertThat(connecting).isCompleted();
    harness.listener.nextState(ChatSession.State.CONNECTED);
    return server;
  }

  private Instant inAMinute() {
    return Instant.ofEpochMilli(harness.scheduler.clock().millis()).plusSeconds(60);
  }

  @Test
  void tokenExpiringSendsTheProvidersFreshTokenAndReportsTheRefresh() {
    ScriptedTransport.Server server = connect(provider(r -> "token-" + (asked.size())));

    server.send(EnvelopeCodec.tokenExpiring(inAMinute()));
    Envelope reauthenticate = server.next(Envelope.BodyCase.REAUTHENTICATE);
    assertThat(reauthenticate.getReauthenticate().getToken()).isEqualTo("token-2");
    Instant fresh = inAMinute().plusSeconds(3600);
    server.send(EnvelopeCodec.reauthenticated(reauthenticate.getRequestId(), fresh));

    assertThat(harness.listener.next(TokenRefreshedEvent.class).expiresAt()).isEqualTo(fresh);
    assertThat(asked).containsExactly(TokenRequest.Reason.CONNECT, TokenRequest.Reason.EXPIRING);
    server.assertNothingReceived();
    harness.listener.assertExhausted();
  }

  @Test
  void aRetryableRefusalIsRetriedAfterABackoffDelay() {
    ScriptedTransport.Server server = connect(provider(r -> "token-" + (asked.size())));
    server.send(EnvelopeCodec.tokenExpiring(inAMinute()));
    Envelope first = server.next(Envelope.BodyCase.REAUTHENTICATE);

    server.send(
        EnvelopeCodec.errorFrame(
            first.getRequestId(), ErrorCode.UNAVAILABLE, "authentication is unavailable", null));
    TokenFailedEvent failed = harness.listener.next(TokenFailedEvent.class);
    assertThat(failed.retrying()).isTrue();
    assertThat(((ChatException) failed.cause()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    server.assertNothingReceived();

    harness.scheduler.advance(Duration.ofSeconds(1)); // past the first backoff delay (<= 200 ms)
    Envelope second = server.next(Envelope.BodyCase.REAUTHENTICATE);
    assertThat(second.getReauthenticate().getToken()).isEqualTo("token-3");
    server.send(EnvelopeCodec.reauthenticated(second.getRequestId(), null));
    assertThat(harness.listener.next(TokenRefreshedEvent.class).expiry()).isEmpty();
    harness.listener.assertExhausted();
  }

  @Test
  void aRefusedTokenIsGivenUpAndTheExpiryCloseReconnectsWithAFreshOne() {
    ScriptedTransport.Server server = connect(provider(r -> "token-" + (asked.size())));
    server.send(EnvelopeCodec.tokenExpiring(inAMinute()));
    Envelope reauthenticate = server.next(Envelope.BodyCase.REAUTHENTICATE);
    server.send(
        EnvelopeCodec.errorFrame(
            reauthenticate.getRequestId(),
            ErrorCode.AUTHENTICATION_FAILED,
            "the token does not belong to this session's user",
            null));
    TokenFailedEvent failed = harness.listener.next(TokenFailedEvent.class);
    assertThat(failed.retrying()).isFalse();
    assertThat(failed.reason()).isEqualTo(TokenRequest.Reason.EXPIRING);
    harness.scheduler.advance(Duration.ofSeconds(20)); // a heartbeat, not a dead connection
    assertThat(server.drainReceived())
        .extracting(Envelope::getBodyCase)
        .as("no second try: only heartbeats")
        .containsOnly(Envelope.BodyCase.PING);

    server.closeFromServer(CloseCodes.TOKEN_EXPIRED, "credentials expired");
    assertThat(harness.listener.nextState(ChatSession.State.RECONNECTING).reason())
        .contains("TOKEN_EXPIRED (4004)");
    harness.scheduler.advance(Duration.ofSeconds(1));
    Envelope connect = harness.transport.accept().welcome("alice");

    assertThat(connect.getConnect().getToken()).isEqualTo("token-3");
    assertThat(asked)
        .containsExactly(
            TokenRequest.Reason.CONNECT, TokenRequest.Reason.EXPIRING, TokenRequest.Reason.EXPIRED);
    harness.listener.nextState(ChatSession.State.CONNECTED);
    harness.listener.assertExhausted();
  }

  /** Answers the next Connect with AUTHENTICATION_FAILED and closes with {@code code}. */
  private static Envelope refuseConnect(ScriptedTransport.Server server, int code) {
    Envelope connect = server.next(Envelope.BodyCase.CONNECT);
    server.send(
        EnvelopeCodec.errorFrame(
            connect.getRequestId(), ErrorCode.AUTHENTICATION_FAILED, "token expired", null));
    server.closeFromServer(code, code == CloseCodes.TOKEN_EXPIRED ? "credentials expired" : "");
    return connect;
  }

  @Test
  void aTokenExpiredAtConnectIsReplacedAfterABackoffAndTheFirstConnectSucceeds() {
    CompletableFuture<ChatSession> connecting =
        harness.client.connect(provider(r -> "token-" + asked.size()), harness.listener);

    Envelope first = refuseConnect(harness.transport.accept(), CloseCodes.TOKEN_EXPIRED);
    assertThat(first.getConnect().getToken()).isEqualTo("token-1");
    assertThat(connecting).as("not given up: a fresh token may pass").isNotDone();
    harness.scheduler.advance(Duration.ofSeconds(1)); // past the first backoff delay
    Envelope second = harness.transport.accept().welcome("alice");

    assertThat(second.getConnect().getToken()).isEqualTo("token-2");
    assertThat(asked).containsExactly(TokenRequest.Reason.CONNECT, TokenRequest.Reason.EXPIRED);
    assertThat(connecting).isCompleted();
    harness.listener.nextState(ChatSession.State.CONNECTED);
    harness.listener.assertExhausted();
  }

  @Test
  void aRefusalClosedWith4001StillEndsTheFirstConnect() {
    CompletableFuture<ChatSession> connecting =
        harness.client.connect(provider(r -> "token-" + asked.size()), harness.listener);

    refuseConnect(harness.transport.accept(), CloseCodes.AUTHENTICATION_FAILED);

    assertThat(connecting)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            ChatException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
              assertThat(e.getMessage()).contains("token expired");
            });
    harness.listener.nextState(ChatSession.State.CLOSED);
    assertThat(harness.listener.next(ClosedEvent.class).code())
        .isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
    harness.scheduler.advance(Duration.ofSeconds(30));
    assertThat(asked).containsExactly(TokenRequest.Reason.CONNECT);
  }

  @Test
  void aRefusalWithoutACloseEndsTheSessionAtTheConnectDeadline() {
    CompletableFuture<ChatSession> connecting =
        harness.client.connect(provider(r -> "token-" + asked.size()), harness.listener);
    ScriptedTransport.Server server = harness.transport.accept();
    Envelope connect = server.next(Envelope.BodyCase.CONNECT);
    server.send(
        EnvelopeCodec.errorFrame(
            connect.getRequestId(), ErrorCode.AUTHENTICATION_FAILED, "invalid token", null));
    assertThat(connecting).isNotDone();

    harness.scheduler.advance(Duration.ofSeconds(60)); // past the connect deadline

    assertThat(connecting).isCompletedExceptionally();
    harness.listener.nextState(ChatSession.State.CLOSED);
    assertThat(harness.listener.next(ClosedEvent.class).code())
        .isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
    assertThat(asked).containsExactly(TokenRequest.Reason.CONNECT);
  }

  @Test
  void aFixedTokenExpiredAtConnectEndsTheSessionAtOnce() {
    CompletableFuture<ChatSession> connecting =
        harness.client.connect(TokenProvider.fixed("stale"), harness.listener);

    refuseConnect(harness.transport.accept(), CloseCodes.TOKEN_EXPIRED);

    assertThat(connecting)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            ChatException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
              assertThat(e.getMessage()).contains("fixed token cannot be renewed");
            });
    harness.listener.nextState(ChatSession.State.CLOSED);
    assertThat(harness.listener.next(ClosedEvent.class).code()).isEqualTo(CloseCodes.TOKEN_EXPIRED);
    harness.scheduler.advance(Duration.ofSeconds(30));
    assertThat(harness.transport.poll()).as("no second attempt").isNull();
  }

  @Test
  void aProviderThatHandsOverTheExpiredTokenAgainEndsTheSession() {
    CompletableFuture<ChatSession> connecting =
        harness.client.connect(provider(r -> "cached"), harness.listener);

    refuseConnect(harness.transport.accept(), CloseCodes.TOKEN_EXPIRED);
    harness.scheduler.advance(Duration.ofSeconds(1));

    assertThat(asked).containsExactly(TokenRequest.Reason.CONNECT, TokenRequest.Reason.EXPIRED);
    assertThat(connecting).isCompletedExceptionally();
    harness.listener.nextState(ChatSession.State.CLOSED);
    assertThat(harness.listener.next(ClosedEvent.class).code()).isEqualTo(CloseCodes.TOKEN_EXPIRED);
    assertThat(harness.transport.poll()).as("the same token is not sent again").isNull();
  }

  @Test
  void tokensKeepExpiringAtConnectAreRetriedWithGrowingBackoffNotInATightLoop() {
    CompletableFuture<ChatSession> connecting =
        harness.client.connect(provider(r -> "token-" + asked.size()), harness.listener);
    for (int i = 0; i < 4; i++) {
      refuseConnect(harness.transport.accept(), CloseCodes.TOKEN_EXPIRED);
      assertThat(harness.transport.poll()).as("waits for the backoff").isNull();
      Duration backoff = harness.scheduler.nextDelay();
      assertThat(backoff).as("a backoff delay, not a tight loop").isNotNull();
      assertThat(backoff).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
      harness.scheduler.advance(backoff);
    }
    assertThat(harness.transport.accept().welcome("alice").getConnect().getToken())
        .isEqualTo("token-5");
    assertThat(connecting).isCompleted();
    assertThat(asked.subList(1, asked.size())).containsOnly(TokenRequest.Reason.EXPIRED);
  }

  @Test
  void afterARevokeTheProviderIsAskedOnceMoreAndNoTokenEndsTheSession() {
    ScriptedTransport.Server server =
        connect(provider(r -> r == TokenRequest.Reason.REVOKED ? null : "token-1"));

    server.closeFromServer(CloseCodes.REVOKED, "account suspended");
    harness.listener.nextState(ChatSession.State.RECONNECTING);
    harness.scheduler.advance(Duration.ofSeconds(1));

    harness.listener.nextState(ChatSession.State.CLOSED);
    assertThat(harness.listener.next(ClosedEvent.class).code()).isEqualTo(CloseCodes.REVOKED);
    assertThat(asked).containsExactly(TokenRequest.Reason.CONNECT, TokenRequest.Reason.REVOKED);
    harness.scheduler.advance(Duration.ofSeconds(30));
    harness.listener.assertExhausted();
  }

  @Test
  void aProviderThatThrowsIsReportedAndAskedAgain() {
    TokenProvider flaky =
        request -> {
          asked.add(request.reason());
          if (asked.size() == 1) {
            throw new IllegalStateException("no session with the identity provider");
          }
          return CompletableFuture.completedFuture("token-1");
        };
    CompletableFuture<ChatSession> connecting = harness.client.connect(flaky, harness.listener);

    TokenFailedEvent failed = harness.listener.next(TokenFailedEvent.class);
    assertThat(failed.cause()).isInstanceOf(IllegalStateException.class);
    assertThat(failed.retrying()).isTrue();
    assertThat(connecting).isNotDone();

    harness.scheduler.advance(Duration.ofSeconds(1));
    assertThat(harness.transport.accept().welcome("alice").getConnect().getToken())
        .isEqualTo("token-1");
    assertThat(connecting).isCompleted();
    harness.listener.nextState(ChatSession.State.CONNECTED);
    harness.listener.assertExhausted();
  }
}
