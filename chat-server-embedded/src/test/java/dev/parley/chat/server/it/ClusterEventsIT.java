package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.EventOptions;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.server.InProcessClusterBus;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.testkit.events.InMemoryEventSink;
import dev.parley.chat.testkit.store.SharedMessageStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes sharing one store and its outbox: each event is relayed by one node only, and when that
 * node stops the other takes over, losing and repeating nothing.
 */
@Timeout(60)
class ClusterEventsIT {
  private static final RoomId ROOM = RoomId.of("cluster");

  private final InProcessClusterBus.Network network =
      new InProcessClusterBus.Network(Duration.ofMillis(600));
  private final SharedMessageStore store = new SharedMessageStore(new InMemoryMessageStore());
  private final List<ChatServer> nodes = new ArrayList<>();
  private final List<InMemoryEventSink> sinks = new ArrayList<>();
  private final List<ChatClient> clients = new ArrayList<>();

  @AfterEach
  void closeAll() {
    clients.forEach(ChatClient::close);
    nodes.forEach(ChatServer::close);
    store.closeShared();
  }

  private ChatServer node() throws Exception {
    InMemoryEventSink sink = new InMemoryEventSink();
    sinks.add(sink);
    ChatServer server =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .disableHttp()
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .messageStore(store)
            .clusterBus(new InProcessClusterBus(network))
            .serverId("node" + nodes.size())
            .events(
                EventOptions.builder(sink)
                    .pollInterval(Duration.ofMillis(20))
                    .leaseTtl(Duration.ofMillis(600))
                    .build())
            .build()
            .start();
    nodes.add(server);
    return server;
  }

  private RoomHandle member(ChatServer node, String user) throws Exception {
    ChatClient client =
        ChatClient.builder().endpoint(node.webSocketUri()).random(new Random(7)).build();
    clients.add(client);
    return client
        .connect(user, new RecordingListener())
        .get(10, TimeUnit.SECONDS)
        .join(ROOM)
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void oneNodeRelaysEachEventAndTheOtherTakesOverWhenItStops() throws Exception {
    node();
    node();
    RoomHandle onA = member(nodes.get(0), "alice");
    RoomHandle onB = member(nodes.get(1), "bob");
    sendBoth(onA, onB, 0, 40);
    await().atMost(Duration.ofSeconds(15)).until(() -> storedSeqs().size() == 80);
    int relaying = sinks.get(0).received().isEmpty() ? 1 : 0;
    assertThat(messages(sinks.get(1 - relaying))).as("the node without the lease").isEmpty();

    nodes.get(relaying).close();
    RoomHandle survivor = relaying == 0 ? onB : onA;
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sends.add(survivor.send("after " + i));
    }
    for (CompletableFuture<?> send : sends) {
      send.get(10, TimeUnit.SECONDS);
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> storedSeqs().size() == 100);

    List<Long> all = new ArrayList<>();
    for (InMemoryEventSink sink : sinks) {
      messages(sink).forEach(m -> all.add(m.seq()));
    }
    assertThat(all).as("every message's event exactly once").hasSize(100).doesNotHaveDuplicates();
    assertThat(messages(sinks.get(1 - relaying)))
        .extracting(ChatEvent.MessageStored::seq)
        .as("the survivor relays the rest, in order")
        .isSorted()
        .hasSize(20);
  }

  private static void sendBoth(RoomHandle a, RoomHandle b, int from, int count) throws Exception {
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      sends.add(a.send("a" + i));
      sends.add(b.send("b" + i));
    }
    for (CompletableFuture<?> send : sends) {
      send.get(10, TimeUnit.SECONDS);
    }
  }

  private Set<Long> storedSeqs() {
    Set<Long> seqs = new HashSet<>();
    for (InMemoryEventSink sink : sinks) {
      messages(sink).forEach(m -> seqs.add(m.seq()));
    }
    return seqs;
  }

  private static List<ChatEvent.MessageStored> messages(InMemoryEventSink sink) {
    return sink.received().stream()
        .filter(e -> e instanceof ChatEvent.MessageStored)
        .map(e -> (ChatEvent.MessageStored) e)
        .toList();
  }
}
