package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** When a session moves to its SSE fallback and back, on a clock the test moves. */
class TransportFallbackTest {
  private static final URI WS = URI.create("ws://localhost:7450/chat");
  private static final URI SSE = URI.create("http://localhost:7451/chat/sse");
  private static final IOException REFUSED_UPGRADE = new IOException("HTTP 403");

  private Instant now = Instant.parse("2026-12-06T00:00:00Z");

  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };

  @Test
  void twoFailedUpgradesInARowMoveToSseUntilFiveMinutesPassed() {
    TransportFallback fallback = new TransportFallback(SSE, clock);
    assertThat(fallback.endpointFor(WS)).isEqualTo(WS);
    fallback.upgradeFailed(WS, REFUSED_UPGRADE);
    assertThat(fallback.endpointFor(WS)).isEqualTo(WS);
    fallback.upgradeFailed(WS, new CompletionException(new HttpTimeoutException("timed out")));

    assertThat(fallback.endpointFor(WS)).isEqualTo(SSE);
    assertThat(fallback.onSse()).isTrue();
    now = now.plus(TransportFallback.RETRY_WEBSOCKET_AFTER).minusMillis(1);
    assertThat(fallback.endpointFor(WS)).isEqualTo(SSE);
    now = now.plusMillis(1);
    assertThat(fallback.endpointFor(WS)).isEqualTo(WS);
    assertThat(fallback.onSse()).isFalse();

    // back on WebSocket, the count starts over
    fallback.upgradeFailed(WS, REFUSED_UPGRADE);
    assertThat(fallback.endpointFor(WS)).isEqualTo(WS);
    fallback.upgradeFailed(WS, null);
    assertThat(fallback.endpointFor(WS)).isEqualTo(SSE);
  }

  @Test
  void aSuccessfulUpgradeOrAnUnreachableHostBreaksTheRow() {
    TransportFallback fallback = new TransportFallback(SSE, clock);
    fallback.upgradeFailed(WS, REFUSED_UPGRADE);
    fallback.upgraded();
    fallback.upgradeFailed(WS, REFUSED_UPGRADE);
    assertThat(fallback.endpointFor(WS)).isEqualTo(WS);

    fallback.upgradeFailed(WS, new CompletionException(new ConnectException("refused")));
    fallback.upgradeFailed(WS, REFUSED_UPGRADE);
    assertThat(fallback.endpointFor(WS)).isEqualTo(WS);
    assertThat(fallback.wantsAnotherTry()).isTrue();
  }

  @Test
  void theFirstConnectTriesTheFallbackOnceBeforeGivingUp() {
    TransportFallback fallback = new TransportFallback(SSE, clock);
    assertThat(fallback.wantsAnotherTry()).isFalse();
    fallback.upgradeFailed(WS, REFUSED_UPGRADE);
    assertThat(fallback.wantsAnotherTry()).isTrue();
    fallback.upgradeFailed(WS, REFUSED_UPGRADE);
    assertThat(fallback.wantsAnotherTry()).isTrue();
    assertThat(fallback.endpointFor(WS)).isEqualTo(SSE);
    assertThat(fallback.wantsAnotherTry()).isFalse();
  }

  @Test
  void withoutAFallbackNothingChanges() {
    TransportFallback fallback = new TransportFallback(null, clock);
    for (int i = 0; i < 5; i++) {
      fallback.upgradeFailed(WS, REFUSED_UPGRADE);
    }
    assertThat(fallback.endpointFor(WS)).isEqualTo(WS);
    assertThat(fallback.wantsAnotherTry()).isFalse();
    assertThat(new TransportFallback(SSE, clock).endpointFor(SSE)).isEqualTo(SSE);
    assertThat(Duration.ofMinutes(5)).isEqualTo(TransportFallback.RETRY_WEBSOCKET_AFTER);
  }
}
