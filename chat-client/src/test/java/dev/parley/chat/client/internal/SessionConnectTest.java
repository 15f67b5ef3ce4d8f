package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ClosedEvent;
import dev.parley.chat.client.StateChangeEvent;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.Envelope;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connection lifecycle: Connect/Welcome, refusals, endpoints, GoAway, heartbeats. */
class SessionConnectTest {
  private ClientHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
      harness.listener.assertContractKept();
    }
  }

  @Test
  void connectSendsConnectAndCompletesOnWelcome() {
    harness = new ClientHarness(b -> b.clientInfo("tester", "9.9"));
    CompletableFuture<ChatSession> future = harness.connect();
    ScriptedTransport.Server server = harness.transport.accept();
    assertThat(harness.transport.lastConfig.subprotocol()).isEqualTo(Protocol.SUBPROTOCOL_PROTOBUF);

    Envelope frame = server.next(Envelope.BodyCase.CONNECT);
    Connect connect = frame.getConnect();
    assertThat(connect.getProtocolVersion()).isEqualTo(1);
    assertThat(connect.getToken()).isEqualTo("alice-token");
    assertThat(connect.getClientName()).isEqualTo("tester");
    assertThat(connect.getClientVersion()).isEqualTo("9.9");
    assertThat(connect.getResumeList()).isEmpty();
    assertThat(future).isNotDone();

    server.send(Frames.welcome(frame.getRequestId(), "alice"));

    ChatSession session = future.join();
    assertThat(session.user()).isEqualTo(UserId.of("alice"));
    assertThat(session.state()).isEqualTo(ChatSession.State.CONNECTED);
    StateChangeEvent event = harness.listener.nextState(ChatSession.State.CONNECTED);
    assertThat(event.previous()).isEqualTo(ChatSession.State.CONNECTING);
    harness.listener.assertExhausted();
  }

  @Test
  void authenticationFailureFailsConnectAndClosesForGood() {
    harness = new ClientHarness();
    CompletableFuture<ChatSession> future = harness.connect();
    ScriptedTransport.Server server = harness.transport.accept();
    Envelope connect = server.next(Envelope.BodyCase.CONNECT);

    server.send(
        Frames.errorReply(connect.getRequestId(), ErrorCode.AUTHENTICATION_FAILED, "bad token"));
    server.closeFromServer(CloseCodes.AUTHENTICATION_FAILED, "authentication failed");

    assertThat(future).isCompletedExceptionally();
    ChatException failure = unwrap(future);
    assertThat(failure.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
    harness.listener.nextState(ChatSession.State.CLOSED);
    assertThat(harness.listener.next(ClosedEvent.class).code())
        .isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
    harness.listener.assertExhausted();

    harness.scheduler.advance(Duration.ofHours(1));
    harness.transport.assertNoConnection();
    assertThat(harness.transport.attempts).hasSize(1);
  }

  @Test
  void closeCode4001BeforeWelcomeIsAnAuthenticationFailureToo() {
    harness = new ClientHarness();
    CompletableFuture<ChatSession> future = harness.connect();
    ScriptedTransport.Server server = harness.transport.accept();
    server.next(Envelope.BodyCase.CONNECT);
    server.closeFromServer(CloseCodes.AUTHENTICATION_FAILED, "authentication failed");

    assertThat(unwrap(future).code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
    harness.scheduler.advance(Duration.ofHours(1));
    harness.transport.assertNoConnection();
  }

  @Test
  void authenticationFailureOnReconnectClosesTheSession() {
    harness = new ClientHarness();
    ClientHarness.Connected connected = harness.connectAndWelcome("alice");
    connected.server().closeFromServer(1006, "cut");
    harness.listener.nextState(ChatSession.State.RECONNECTING);

    harness.scheduler.advance(ChatClientBuilderDefaults.MAX_FIRST_RECONNECT);
    ScriptedTransport.Server again = harness.transport.accept();
    Envelope connect = again.next(Envelope.BodyCase.CONNECT);
    again.send(
        Frames.errorReply(connect.getRequestId(), ErrorCode.AUTHENTICATION_FAILED, "revoked"));
    // the close code that follows says whether fresh credentials could pass (4004) or not
    assertThat(connected.session().state()).isEqualTo(ChatSession.State.RECONNECTING);
    again.closeFromServer(CloseCodes.AUTHENTICATION_FAILED, "authentication failed");

    assertThat(connected.session().state()).isEqualTo(ChatSession.State.CLOSED);
    harness.listener.nextState(ChatSession.State.CLOSED);
    assertThat(harness.listener.next(ClosedEvent.class).code())
        .isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
    harness.listener.assertExhausted();
    harness.scheduler.advance(Duration.ofHours(1));
    harness.transport.assertNoConnection();
  }

  @Test
  void firstConnectTriesEachEndpointOnceThenFails() {
    harness =
        new ClientHarness(
            b ->
                b.endpoint(URI.create("ws://two.test/chat"))
                    .endpoint(URI.create("ws://three.test/chat")));
    harness.transport.failNextConnect(new IOException("refused 1"));
    harness.transport.failNextConnect(new IOException("refused 2"));
    harness.transport.failNextConnect(new IOException("refused 3"));

    CompletableFuture<ChatSession> future = harness.connect();
    harness.scheduler.runDue();

    assertThat(harness.transport.attempts)
        .containsExactly(
            URI.create("ws://one.test/chat"),
            URI.create("ws://two.test/chat"),
            URI.create("ws://three.test/chat"));
    ChatException failure = unwrap(future);
    assertThat(failure.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(failure.getMessage()).contains("refused 3");
    harness.listener.nextState(ChatSession.State.CLOSED);
    harness.listener.next(ClosedEvent.class);
    harness.listener.assertExhausted();
  }

  @Test
  void firstConnectMovesToTheNextEndpointWhenOneFails() {
    harness = new ClientHarness(b -> b.endpoint(URI.create("ws://two.test/chat")));
    harness.transport.failNextConnect(new IOException("refused"));
    CompletableFuture<ChatSession> future = harness.connect();
    harness.scheduler.runDue();
    ScriptedTransport.Server server = harness.transport.accept();
    assertThat(server.endpoint).isEqualTo(URI.create("ws://two.test/chat"));
    server.welcome("alice");
    assertThat(future).isCompleted();
  }

  @Test
  void noWelcomeWithinConnectTimeoutCountsAsAFailedAttempt() {
    harness = new ClientHarness(b -> b.connectTimeout(Duration.ofSeconds(3)));
    CompletableFuture<ChatSession> future = harness.connect();
    ScriptedTransport.Server server = harness.transport.accept();
    server.next(Envelope.BodyCase.CONNECT);

    harness.scheduler.advance(Duration.ofSeconds(3));

    assertThat(server.aborted).isTrue();
    assertThat(unwrap(future).code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void droppedConnectionReconnectsWithBackoffAndResumes() {
    harness = new ClientHarness();
    ClientHarness.Connected connected = harness.connectAndWelcome("alice");

    connected.server().closeFromServer(1006, "network cut");

    StateChangeEvent reconnecting = harness.listener.nextState(ChatSession.State.RECONNECTING);
    assertThat(reconnecting.reason()).contains("1006");
    assertThat(connected.session().state()).isEqualTo(ChatSession.State.RECONNECTING);
    Duration delay = harness.scheduler.nextDelay();
    assertThat(delay).isBetween(Duration.ZERO, ChatClientBuilderDefaults.MAX_FIRST_RECONNECT);
    harness.transport.assertNoConnection();

    harness.scheduler.advance(delay);
    ScriptedTransport.Server again = harness.transport.accept();
    again.welcome("alice");

    assertThat(connected.session().state()).isEqualTo(ChatSession.State.CONNECTED);
    assertThat(harness.listener.nextState(ChatSession.State.CONNECTED).previous())
        .isEqualTo(ChatSession.State.RECONNECTING);
    harness.listener.assertExhausted();
  }

  @Test
  void reconnectDelaysGrowWithEachFailedAttemptAndRotateEndpoints() {
    harness =
        new ClientHarness(
            b ->
                b.endpoint(URI.create("ws://two.test/chat"))
                    .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(10)));
    ClientHarness.Connected connected = harness.connectAndWelcome("alice");
    connected.server().closeFromServer(1011, "server error");
    harness.listener.nextState(ChatSession.State.RECONNECTING);

    List<URI> tried = new java.util.ArrayList<>();
    for (int attempt = 0; attempt < 6; attempt++) {
      Duration delay = harness.scheduler.nextDelay();
      assertThat(delay.toNanos()).isLessThanOrEqualTo(Duration.ofMillis(100).toNanos() << attempt);
      harness.transport.failNextConnect(new IOException("down"));
      harness.scheduler.advance(delay);
      tried.add(harness.transport.attempts.get(harness.transport.attempts.size() - 1));
    }
    assertThat(tried)
        .containsExactly(
            URI.create("ws://one.test/chat"),
            URI.create("ws://two.test/chat"),
            URI.create("ws://one.test/chat"),
            URI.create("ws://two.test/chat"),
            URI.create("ws://one.test/chat"),
            URI.create("ws://two.test/chat"));
    assertThat(connected.session().state()).isEqualTo(ChatSession.State.RECONNECTING);
    harness.listener.assertExhausted();
  }

  @Test
  void normalCloseFromTheServerEndsTheSession() {
    harness = new ClientHarness();
    ClientHarness.Connected connected = harness.connectAndWelcome("alice");
    connected.server().closeFromServer(CloseCodes.PROTOCOL_VIOLATION, "bad client");

    harness.listener.nextState(ChatSession.State.CLOSED);
    assertThat(harness.listener.next(ClosedEvent.class).code())
        .isEqualTo(CloseCodes.PROTOCOL_VIOLATION);
    harness.listener.assertExhausted();
    harness.scheduler.advance(Duration.ofHours(1));
    harness.transport.assertNoConnection();
  }

  @Test
  void goAwayReconnectsToTheNextEndpointAfterTheDelay() {
    harness = new ClientHarness(b -> b.endpoint(URI.create("ws://two.test/chat")));
    ClientHarness.Connected connected = harness.connectAndWelcome("alice");

    connected.server().send(Frames.goAway(5_000));
    connected.server().closeFromServer(CloseCodes.GOING_AWAY, "stopping");
    harness.listener.nextState(ChatSession.State.RECONNECTING);

    harness.scheduler.advance(Duration.ofMillis(4_999));
    harness.transport.assertNoConnection();
    harness.scheduler.advance(Duration.ofMillis(1));
    ScriptedTransport.Server again = harness.transport.accept();
    assertThat(again.endpoint).isEqualTo(URI.create("ws://two.test/chat"));
  }

  @Test
  void goAwayAloneMakesTheClientCloseTheConnectionAndMoveOn() {
    // A draining server sends GoAway and waits for its clients to leave.
    harness = new ClientHarness(b -> b.endpoint(URI.create("ws://two.test/chat")));
    ClientHarness.Connected connected = harness.connectAndWelcome("alice");

    connected.server().send(Frames.goAway(0));
    harness.listener.nextState(ChatSession.State.RECONNECTING);
    assertThat(connected.server().isClosed()).isTrue();
    assertThat(connected.server().clientCloseCode).isEqualTo(CloseCodes.GOING_AWAY);

    harness.scheduler.advance(Duration.ZERO);
    ScriptedTransport.Server again = harness.transport.accept();
    assertThat(again.endpoint).isEqualTo(URI.create("ws://two.test/chat"));
  }

  @Test
  void quietConnectionIsPingedThenDroppedAfterTwoSilentIntervals() {
    harness = new ClientHarness(b -> b.heartbeatInterval(Duration.ofSeconds(10)));
    ClientHarness.Connected connected = harness.connectAndWelcome("alice");
    ScriptedTransport.Server server = connected.server();

    harness.scheduler.advance(Duration.ofSeconds(9));
    server.assertNothingReceived();
    harness.scheduler.advance(Duration.ofSeconds(1));
    Envelope ping = server.next(Envelope.BodyCase.PING);

    // A Pong (any frame) proves the connection alive.
    server.send(
        Envelope.newBuilder()
            .setRequestId(ping.getRequestId())
            .setPong(
                dev.parley.chat.protocol.internal.Pong.newBuilder()
                    .setNonce(ping.getPing().getNonce()))
            .build());
    harness.scheduler.advance(Duration.ofSeconds(19));
    assertThat(server.isClosed()).isFalse();
    server.next(Envelope.BodyCase.PING);

    // Then silence: dead 20 s after the last frame.
    harness.scheduler.advance(Duration.ofSeconds(1));
    assertThat(server.aborted).isTrue();
    harness.listener.nextState(ChatSession.State.RECONNECTING);
  }

  @Test
  void closeEndsTheSessionWithCode1000() {
    harness = new ClientHarness();
    ClientHarness.Connected connected = harness.connectAndWelcome("alice");

    connected.session().close();
    connected.session().close();

    assertThat(connected.server().clientCloseCode).isEqualTo(CloseCodes.NORMAL);
    assertThat(connected.session().state()).isEqualTo(ChatSession.State.CLOSED);
    harness.listener.nextState(ChatSession.State.CLOSED);
    ClosedEvent closed = harness.listener.next(ClosedEvent.class);
    assertThat(closed.code()).isEqualTo(CloseCodes.NORMAL);
    harness.listener.assertExhausted();
    harness.scheduler.advance(Duration.ofHours(1));
    harness.transport.assertNoConnection();
  }

  @Test
  void garbageFramesAreIgnoredUntilTooManyInARow() {
    harness = new ClientHarness();
    ClientHarness.Connected connected = harness.connectAndWelcome("alice");
    for (int i = 0; i < 10; i++) {
      connected.server().sendRaw(new byte[] {(byte) 0xff, 1, 2, 3});
    }
    assertThat(connected.server().isClosed()).isFalse();
    connected.server().sendRaw(new byte[] {(byte) 0xff});
    assertThat(connected.server().aborted).isTrue();
    harness.listener.nextState(ChatSession.State.RECONNECTING);
  }

  static ChatException unwrap(CompletableFuture<?> future) {
    assertThat(future).isCompletedExceptionally();
    try {
      future.join();
      throw new AssertionError("not failed");
    } catch (java.util.concurrent.CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(ChatException.class);
      return (ChatException) e.getCause();
    }
  }
}
