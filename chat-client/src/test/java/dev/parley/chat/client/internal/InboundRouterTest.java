package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ErrorEvent;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where the {@link InboundRouter} sends frames the other session tests do not: anything but
 * Welcome, GoAway and Error before Welcome, and frame types a client never handles after it.
 */
class InboundRouterTest {
  private ClientHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
      harness.listener.assertContractKept();
    }
  }

  @Test
  void beforeWelcomeOnlyWelcomeGoAwayAndErrorsAreActedOn() {
    harness = new ClientHarness();
    CompletableFuture<ChatSession> future = harness.connect();
    ScriptedTransport.Server server = harness.transport.accept();
    long connect = server.next(Envelope.BodyCase.CONNECT).getRequestId();

    server.send(Frames.live("r", 1));
    server.send(Frames.presence("r", "bob", true));
    server.send(Frames.joinedReply(connect + 1, Frames.joined("r", 1, 1)));
    server.send(Frames.ack(connect + 1, "r", "c1", 1, false));
    server.send(EnvelopeCodec.pong(connect + 2, 5));
    server.send(Frames.errorReply(connect + 7, ErrorCode.RATE_LIMITED, "slow down"));

    assertThat(harness.listener.next(ErrorEvent.class).error().code())
        .isEqualTo(ErrorCode.RATE_LIMITED);
    harness.listener.assertExhausted();
    assertThat(future).isNotDone();

    server.send(Frames.welcome(connect, "alice"));
    assertThat(future).isCompleted();
    harness.listener.nextState(ChatSession.State.CONNECTED);
    harness.listener.assertExhausted();
  }

  @Test
  void afterWelcomeFramesOnlyAClientSendsAreIgnoredAndTheSessionCarriesOn() {
    harness = new ClientHarness();
    ClientHarness.Connected connected = harness.connectAndWelcome("alice");
    ClientHarness.join(connected, "r", 0);

    connected.server().send(EnvelopeCodec.join(99, RoomId.of("r")));
    connected.server().send(EnvelopeCodec.ping(100, 1));
    connected.server().send(Frames.live("r", 1));

    harness.listener.nextMessage("r", 1);
    harness.listener.assertExhausted();
    assertThat(connected.session().state()).isEqualTo(ChatSession.State.CONNECTED);
    assertThat(connected.server().isClosed()).isFalse();
  }
}
