package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.EndpointProbe;
import dev.parley.chat.client.EndpointsRankedEvent;
import dev.parley.chat.client.ProximityPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The session's side of proximity, over real sockets and real HTTP probes on loopback, decided by
 * what the probes answer (ready or not) rather than by timing: it connects to the best ranked
 * endpoint, does not move a healthy connection, ranks again on the next reconnect, and probes
 * nothing with one endpoint.
 */
class ProximitySelectionIT {
  private final MiniChatServer a = new MiniChatServer();
  private final MiniChatServer b = new MiniChatServer();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<EndpointsRankedEvent> rankings = new CopyOnWriteArrayList<>();
  private final ChatListener listener =
      new ChatListener() {
        @Override
        public void onEndpointsRanked(ChatSession session, EndpointsRankedEvent event) {
          rankings.add(event);
        }
      };

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    a.socket.close();
    b.socket.close();
  }

  private ProbeServer probeServer() throws Exception {
    ProbeServer server = new ProbeServer();
    closing.add(server);
    return server;
  }

  private ChatClient client(ProximityPolicy policy, URI... endpoints) {
    var builder =
        ChatClient.builder()
            .random(new Random(3))
            .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
            .proximity(policy);
    for (URI endpoint : endpoints) {
      builder.endpoint(endpoint);
    }
    ChatClient client = builder.build();
    closing.add(0, client);
    return client;
  }

  @Test
  void connectsToTheBestRankedStaysWhileHealthyAndRanksAgainOnTheNextReconnect() throws Exception {
    a.socket.startAndWait();
    b.socket.startAndWait();
    ProbeServer probeA = probeServer().answer(503, Map.of());
    ProbeServer probeB = probeServer().answer(200, Map.of());
    URI wsA = a.socket.uri();
    URI wsB = b.socket.uri();
    ChatClient client =
        client(
            ProximityPolicy.byRoundTrip().probe(wsA, probeA.uri()).probe(wsB, probeB.uri()),
            wsA,
            wsB);

    ChatSession session = client.connect("alice", listener).get(10, TimeUnit.SECONDS);

    assertThat(session.endpoint()).contains(wsB); // added second, but the first is not ready
    await().until(() -> rankings.size() == 1);
    assertThat(rankings.get(0).order()).containsExactly(wsB, wsA);
    assertThat(rankings.get(0).probes())
        .extracting(EndpointProbe::status)
        .containsExactly(EndpointProbe.Status.NOT_READY, EndpointProbe.Status.HEALTHY);

    // a is ready now and b is not: the healthy connection to b stays, nothing is probed
    probeA.answer(200, Map.of());
    probeB.answer(503, Map.of());
    int probesA = probeA.requests();
    session.join(RoomId.of("r")).get(10, TimeUnit.SECONDS).send("x").get(10, TimeUnit.SECONDS);
    assertThat(session.endpoint()).contains(wsB);
    assertThat(probeA.requests()).isEqualTo(probesA);
    assertThat(rankings).hasSize(1);

    // the next reconnect ranks again and goes to a
    b.cutAll();
    await().atMost(Duration.ofSeconds(10)).until(() -> session.endpoint().equals(Optional.of(wsA)));
    assertThat(rankings).hasSize(2);
    assertThat(rankings.get(1).order()).containsExactly(wsA, wsB);
  }

  @Test
  void withOneEndpointNothingIsProbed() throws Exception {
    a.socket.startAndWait();
    ProbeServer probe = probeServer().answer(503, Map.of());
    URI ws = a.socket.uri();
    ChatClient client = client(ProximityPolicy.byRoundTrip().probe(ws, probe.uri()), ws);

    ChatSession session = client.connect("alice", listener).get(10, TimeUnit.SECONDS);

    assertThat(session.endpoint()).contains(ws);
    assertThat(probe.requests()).isZero();
    assertThat(rankings).isEmpty();
    session.close();
    assertThat(session.endpoint()).isEmpty();
  }

  @Test
  void unreachableProbesStillLetTheSessionTryEveryEndpoint() throws Exception {
    b.socket.startAndWait();
    URI wsB = b.socket.uri();
    URI wsA = URI.create("ws://127.0.0.1:1/chat"); // nothing listens there
    ChatClient client =
        client(
            ProximityPolicy.byRoundTrip()
                .probe(wsA, URI.create("http://127.0.0.1:1/readyz"))
                .probe(wsB, URI.create("http://127.0.0.1:1/readyz"))
                .probeTimeout(Duration.ofMillis(500)),
            wsA,
            wsB);

    ChatSession session = client.connect("alice", listener).get(10, TimeUnit.SECONDS);

    assertThat(session.endpoint()).contains(wsB);
    assertThat(rankings.get(0).order()).containsExactly(wsA, wsB); // both unreachable: as added
  }
}
