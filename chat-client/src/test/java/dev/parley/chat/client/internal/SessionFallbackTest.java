package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.client.ChatSession;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A session's moves between WebSocket and its SSE fallback, on a manual clock. */
class SessionFallbackTest {
  private static final URI WS = URI.create("ws://one.test/chat");
  private static final URI SSE = URI.create("http://one.test:7451/chat/sse");
  private ClientHarness harness;

  @AfterEach
  void close() {
    harness.close();
  }

  private ClientHarness withFallback() {
    // no heartbeats within the minutes the tests let pass
    return new ClientHarness(b -> b.sseFallback(SSE).heartbeatInterval(Duration.ofHours(1)));
  }

  @Test
  void twoRefusedUpgradesConnectOverSseAndWebSocketIsTriedAgainAfterFiveMinutes() {
    harness = withFallback();
    harness.transport.failNextConnect(new IOException("HTTP 403"));
    harness.transport.failNextConnect(new IOException("HTTP 403"));

    CompletableFuture<ChatSession> future = harness.connect();
    harness.scheduler.runDue();
    ScriptedTransport.Server sse = harness.transport.accept();
    sse.welcome("alice");

    assertThat(harness.transport.attempts).containsExactly(WS, WS, SSE);
    ChatSession session = future.join();
    assertThat(session.endpoint()).contains(SSE);
    assertThat(harness.listener.nextState(ChatSession.State.CONNECTED).reason()).contains("SSE");

    // a drop within the five minutes: back to SSE
    harness.scheduler.advance(Duration.ofMinutes(4));
    sse.closeFromServer(1006, "dropped");
    harness.scheduler.advance(harness.scheduler.nextDelay());
    ScriptedTransport.Server again = harness.transport.accept();
    assertThat(again.endpoint).isEqualTo(SSE);
    again.welcome("alice");

    // the first reconnect after five minutes tries WebSocket
    harness.scheduler.advance(Duration.ofMinutes(1));
    again.closeFromServer(1006, "dropped");
    harness.scheduler.advance(harness.scheduler.nextDelay());
    ScriptedTransport.Server ws = harness.transport.accept();
    assertThat(ws.endpoint).isEqualTo(WS);
    ws.welcome("alice");
    assertThat(session.endpoint()).contains(WS);
  }

  @Test
  void anUnreachableHostDoesNotMoveTheSessionToSse() {
    harness = withFallback();
    harness.transport.failNextConnect(new ConnectException("Connection refused"));

    CompletableFuture<ChatSession> future = harness.connect();
    harness.scheduler.runDue();

    assertThat(harness.transport.attempts).containsExactly(WS);
    assertThat(future).isCompletedExceptionally();
  }

  @Test
  void theFirstConnectTriesTheFallbackOnceBeforeGivingUp() {
    harness = withFallback();
    harness.transport.failNextConnect(new IOException("HTTP 403"));
    harness.transport.failNextConnect(new IOException("HTTP 403"));
    harness.transport.failNextConnect(new IOException("SSE refused too"));

    CompletableFuture<ChatSession> future = harness.connect();
    harness.scheduler.runDue();

    assertThat(harness.transport.attempts).containsExactly(WS, WS, SSE);
    assertThat(future).isCompletedExceptionally();
  }
}
