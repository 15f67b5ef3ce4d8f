package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatClientBuilder;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.EndpointProbe;
import dev.parley.chat.client.EndpointsRankedEvent;
import dev.parley.chat.client.ProximityPolicy;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.server.InProcessClusterBus;
import dev.parley.chat.testkit.net.ChaosProxy;
import dev.parley.chat.testkit.store.SharedMessageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three real nodes of one cluster (one shared store, an in-process bus), each behind latency
 * injecting proxies on loopback in front of both its WebSocket and its HTTP side: 5, 40 and 120 ms
 * each way (so at least 10, 80 and 240 ms more per round trip). A client with a {@link
 * ProximityPolicy} picks the nearest healthy node, fails over in round-trip order, comes back on
 * its next reconnect once the nearest returns (never moving a healthy connection), loses and
 * repeats nothing, and avoids a saturated node. The probes and the order chosen are logged.
 */
@Timeout(120)
class ProximityIT {
  private static final Logger log = LoggerFactory.getLogger(ProximityIT.class);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final RoomId ROOM = RoomId.of("proximity");

  private final InProcessClusterBus.Network network =
      new InProcessClusterBus.Network(Duration.ofMillis(600));
  private final SharedMessageStore store = new SharedMessageStore(new InMemoryMessageStore());
  private final List<ChatServer> servers = new ArrayList<>();
  private final List<ChaosProxy> proxies = new ArrayList<>();
  private final List<ChatClient> clients = new ArrayList<>();
  private final Map<URI, String> names = new LinkedHashMap<>();

  @AfterEach
  void closeAll() {
    clients.forEach(ChatClient::close);
    proxies.forEach(ChaosProxy::close);
    servers.forEach(ChatServer::close);
  }

  @Test
  void picksTheNearestFailsOverInRoundTripOrderAndComesBackOnTheNextReconnect() throws Exception {
    Node fast = node("fast-5ms", 5, 1_000);
    Node medium = node("medium-40ms", 40, 1_000);
    Node slow = node("slow-120ms", 120, 1_000);
    Rankings rankings = new Rankings();
    // the endpoints are added slowest first: in the order given the client would pick the slowest
    ChatClient alice = proximityClient(rankings, slow, medium, fast);
    ChatSession session = alice.connect("alice", rankings).get(20, TimeUnit.SECONDS);

    assertThat(session.endpoint()).contains(fast.ws);
    assertThat(rankings.last().order()).containsExactly(fast.ws, medium.ws, slow.ws);
    assertThat(rankings.last().probes()).allMatch(p -> p.status() == EndpointProbe.Status.HEALTHY);

    RecordingListener bob = new RecordingListener();
    ChatClient bobClient = plainClient(medium.server.webSocketUri());
    RoomHandle bobRoom =
        bobClient
            .connect("bob", bob)
            .get(10, TimeUnit.SECONDS)
            .join(ROOM)
            .get(10, TimeUnit.SECONDS);
    assertThat(bobRoom).isNotNull();
    RoomHandle room = session.join(ROOM).get(10, TimeUnit.SECONDS);
    List<SendReceipt> receipts = new ArrayList<>();
    receipts.addAll(sendAll(room, 1, 5));

    // the nearest node dies for this client: its proxies refuse and cut everything
    int before = rankings.size();
    fast.cut(true);
    List<CompletableFuture<SendReceipt>> during = new ArrayList<>();
    for (int i = 6; i <= 10; i++) {
      during.add(room.send("m" + i)); // queued while the session reconnects
    }
    await().atMost(WAIT).until(() -> session.endpoint().equals(Optional.of(medium.ws)));
    for (CompletableFuture<SendReceipt> f : during) {
      receipts.add(f.get(20, TimeUnit.SECONDS));
    }
    EndpointsRankedEvent failover = rankings.after(before);
    assertThat(failover.order()).containsExactly(medium.ws, slow.ws, fast.ws);
    assertThat(probeOf(failover, fast).status()).isEqualTo(EndpointProbe.Status.UNREACHABLE);

    // the nearest node returns: a healthy connection is not moved...
    fast.cut(false);
    int whileHealthy = rankings.size();
    receipts.addAll(sendAll(room, 11, 12));
    assertThat(session.endpoint()).contains(medium.ws);
    assertThat(rankings.size()).isEqualTo(whileHealthy);

    // ...the next reconnect ranks again and goes back to the nearest
    medium.wsProxy.cutAll();
    await().atMost(WAIT).until(() -> session.endpoint().equals(Optional.of(fast.ws)));
    EndpointsRankedEvent back = rankings.after(whileHealthy);
    assertThat(back.order()).containsExactly(fast.ws, medium.ws, slow.ws);
    receipts.addAll(sendAll(room, 13, 15));

    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 15; i++) {
      expected.add("m" + i);
    }
    List<ChatMessage> seen = bob.awaitMessages(ROOM, 15, WAIT);
    assertThat(seen).extracting(ChatMessage::text).containsExactlyElementsOf(expected);
    assertThat(receipts).extracting(SendReceipt::seq).doesNotHaveDuplicates().isSorted();
    assertThat(bob.violations).isEmpty();
    assertThat(bob.gaps).isEmpty();
  }

  @Test
  void avoidsASaturatedNodeEvenWhenItIsTheNearest() throws Exception {
    Node fast = node("fast-5ms-saturated", 5, 10);
    Node medium = node("medium-40ms", 40, 1_000);
    Node slow = node("slow-120ms", 120, 1_000);
    ChatClient crowd = plainClient(fast.server.webSocketUri());
    for (int i = 0; i < 9; i++) { // 9 of 10: at the 90% threshold
      crowd.connect("crowd" + i, new RecordingListener()).get(10, TimeUnit.SECONDS);
    }
    Rankings rankings = new Rankings();
    ChatClient alice = proximityClient(rankings, fast, medium, slow);
    ChatSession session = alice.connect("alice", rankings).get(20, TimeUnit.SECONDS);

    assertThat(session.endpoint()).contains(medium.ws);
    EndpointsRankedEvent ranking = rankings.last();
    assertThat(ranking.order()).containsExactly(medium.ws, slow.ws, fast.ws);
    EndpointProbe saturated = probeOf(ranking, fast);
    assertThat(saturated.status()).isEqualTo(EndpointProbe.Status.SATURATED);
    assertThat(saturated.connections()).isEqualTo(9);
    assertThat(saturated.maxConnections()).isEqualTo(10);
    assertThat(saturated.roundTrip()).isLessThan(probeOf(ranking, medium).roundTrip());
    // and it chats there
    SendReceipt receipt =
        session.join(ROOM).get(10, TimeUnit.SECONDS).send("hello").get(10, TimeUnit.SECONDS);
    assertThat(receipt.seq()).isPositive();
  }

  // --- fixtures ---

  /** A node with proxies in front of its WebSocket and its HTTP side. */
  private final class Node {
    final String name;
    final ChatServer server;
    final ChaosProxy wsProxy;
    final ChaosProxy httpProxy;
    final URI ws;
    final URI probe;

    Node(String name, ChatServer server, Duration oneWay) throws Exception {
      this.name = name;
      this.server = server;
      this.wsProxy = new ChaosProxy(server.address()).latency(oneWay).start();
      URI http = server.httpUri().orElseThrow();
      this.httpProxy =
          new ChaosProxy(new InetSocketAddress(http.getHost(), http.getPort()))
              .latency(oneWay)
              .start();
      proxies.add(wsProxy);
      proxies.add(httpProxy);
      this.ws = URI.create("ws://127.0.0.1:" + wsProxy.port() + server.webSocketUri().getPath());
      this.probe = URI.create("http://127.0.0.1:" + httpProxy.port() + "/readyz");
      names.put(ws, name);
    }

    /** Cuts (or restores) the way to this node: both proxies refuse, open connections reset. */
    void cut(boolean cut) {
      wsProxy.refuseNew(cut);
      httpProxy.refuseNew(cut);
      if (cut) {
        wsProxy.cutAll();
        httpProxy.cutAll();
      }
    }
  }

  private Node node(String name, int oneWayMillis, int maxConnections) throws Exception {
    ChatServer server =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .httpHost("127.0.0.1")
            .httpPort(0)
            .maxConnections(maxConnections)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .messageStore(store)
            .clusterBus(new InProcessClusterBus(network))
            .serverId(name)
            .catchUpInterval(Duration.ofMillis(200))
            .build()
            .start();
    servers.add(server);
    return new Node(name, server, Duration.ofMillis(oneWayMillis));
  }

  private ChatClient proximityClient(Rankings rankings, Node... nodes) {
    warmUpHttp();
    // five samples, the fastest counting: a busy machine's hiccup rarely hits all five
    ProximityPolicy policy =
        ProximityPolicy.byRoundTrip().samples(5).probeTimeout(Duration.ofSeconds(5));
    ChatClientBuilder builder =
        ChatClient.builder()
            .random(new Random(42))
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    for (Node node : nodes) {
      builder.endpoint(node.ws);
      policy = policy.probe(node.ws, node.probe);
    }
    ChatClient client = builder.proximity(policy).build();
    clients.add(client);
    return client;
  }

  /**
   * Loads the JDK's HTTP client classes in this JVM with one request to each node's own HTTP side
   * (not through its proxy), so that class loading does not count in the first probe's round trip.
   */
  private void warmUpHttp() {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (ChatServer server : servers) {
      URI readyz = server.httpUri().orElseThrow().resolve("/readyz");
      try {
        http.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.discarding());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private ChatClient plainClient(URI endpoint) {
    ChatClient client =
        ChatClient.builder()
            .endpoint(endpoint)
            .random(new Random(clients.size()))
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
            .build();
    clients.add(client);
    return client;
  }

  private static List<SendReceipt> sendAll(RoomHandle room, int from, int to) throws Exception {
    List<SendReceipt> receipts = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      receipts.add(room.send("m" + i).get(20, TimeUnit.SECONDS));
    }
    return receipts;
  }

  private static EndpointProbe probeOf(EndpointsRankedEvent event, Node node) {
    return event.probes().stream()
        .filter(p -> p.endpoint().equals(node.ws))
        .findFirst()
        .orElseThrow();
  }

  /** Records every ranking and logs the round trips measured and the order chosen. */
  private final class Rankings extends RecordingListener {
    private final List<EndpointsRankedEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEndpointsRanked(ChatSession session, EndpointsRankedEvent event) {
      events.add(event);
      log.info(
          "ranking #{}: RTTs measured {}; order chosen {}",
          events.size(),
          event.probes().stream()
              .map(
                  p ->
                      names.get(p.endpoint())
                          + "="
                          + (p.roundTrip() == null
                              ? "no answer"
                              : String.format("%.1f ms", p.roundTrip().toNanos() / 1e6))
                          + " "
                          + p.status()
                          + (p.connections() >= 0
                              ? " (" + p.connections() + "/" + p.maxConnections() + ")"
                              : ""))
              .collect(Collectors.joining(", ")),
          event.order().stream().map(names::get).collect(Collectors.joining(" > ")));
    }

    int size() {
      return events.size();
    }

    EndpointsRankedEvent last() {
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !events.isEmpty());
      return events.get(events.size() - 1);
    }

    /** The first ranking after the first {@code count}, waiting for it. */
    EndpointsRankedEvent after(int count) {
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> events.size() > count);
      return events.get(count);
    }
  }
}
