package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.StateChangeEvent;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A quiet session over SSE stays open: the server closes a session that has not posted for three
 * heartbeat intervals (4003), so the client's SSE transport posts a Ping in time on its own, even
 * when the session has nothing to say and its own heartbeat is much slower.
 */
class SseKeepAliveIT {
  private Fixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = new Fixture(b -> b.pingInterval(Duration.ofMillis(300)));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void aQuietSseSessionOutlivesTheServersSilenceLimit() throws Exception {
    URI sse = SseClientTransportConformanceIT.sseEndpoint(fixture);
    RecordingListener events = new RecordingListener();
    ChatSession session =
        fixture
            .client(sse, b -> b.heartbeatInterval(Duration.ofSeconds(30)))
            .connect("quiet", events)
            .get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> events.states.size() == 1);
    List<StateChangeEvent> before = List.copyOf(events.states);

    // ten times the server's limit of silence (three intervals of 300 ms)
    await()
        .during(Duration.ofSeconds(9))
        .atMost(Duration.ofSeconds(12))
        .until(() -> session.state() == ChatSession.State.CONNECTED);

    assertThat(events.states).containsExactlyElementsOf(before);
    assertThat(session.endpoint()).contains(sse);
  }
}
