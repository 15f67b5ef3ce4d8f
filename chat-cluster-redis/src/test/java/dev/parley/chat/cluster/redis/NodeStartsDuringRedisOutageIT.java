package dev.parley.chat.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DependencyStatus;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.InMemoryMessageStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node started while Redis is down comes up not ready instead of failing, keeps trying in the
 * background, and joins the cluster once Redis is back: its clients' presence reaches the other
 * node and chat flows between the nodes.
 */
class NodeStartsDuringRedisOutageIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final RoomId ROOM = RoomId.of("general");

  private final InMemoryMessageStore store = new InMemoryMessageStore();
  private RedisServerProcess redis;
  private ChatServer early;
  private ChatServer late;
  private ChatClient clients;

  @AfterEach
  void stop() {
    if (clients != null) {
      clients.close();
    }
    for (ChatServer server : new ChatServer[] {early, late}) {
      if (server != null) {
        server.close();
      }
    }
    if (redis != null) {
      redis.close();
    }
    store.close();
  }

  private ChatServer node(String id) throws Exception {
    return node(id, new SimpleMeterRegistry());
  }

  private ChatServer node(String id, MeterRegistry registry) throws Exception {
    return ChatServer.builder()
        .serverId(id)
        .host("127.0.0.1")
        .port(0)
        .httpHost("127.0.0.1")
        .httpPort(0)
        .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
        .messageStore(store)
        .clusterBus(
            RedisClusterBus.builder()
                .uri(redis.uri())
                .keyPrefix("late-start")
                .leaseTime(Duration.ofSeconds(3))
                .meterRegistry(registry)
                .build())
        .catchUpInterval(Duration.ofMillis(500))
        .dependencyReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
        .build()
        .start();
  }

  @Test
  void aNodeStartedWhileRedisIsDownJoinsOnceRedisIsBack() throws Exception {
    redis = RedisServerProcess.start();
    redis.kill();

    SimpleMeterRegistry earlyMeters = new SimpleMeterRegistry();
    early = node("early", earlyMeters);
    assertThat(early.isReady()).isFalse();
    // the lease gauge exists from the start and says what the alert needs to know
    assertThat(earlyMeters.get("parley.bus.lease.current").gauge().value()).isZero();
    assertThat(readyz(early)).isEqualTo(503);
    assertThat(early.dependencies())
        .contains(new DependencyStatus("bus", DependencyStatus.State.STARTING));

    // a client of the node that is not ready yet: in the room before Redis is back
    clients = ChatClient.builder().endpoint(early.webSocketUri()).build();
    ChatSession alice = clients.connect("alice", new ChatListener() {}).get(10, TimeUnit.SECONDS);
    RoomHandle aliceRoom = alice.join(ROOM).get(10, TimeUnit.SECONDS);

    redis.restart();
    Awaitility.await().atMost(WAIT).until(early::isReady);
    assertThat(readyz(early)).isEqualTo(200);
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> earlyMeters.get("parley.bus.lease.current").gauge().value() == 1.0);
    assertThat(early.dependencies())
        .contains(new DependencyStatus("bus", DependencyStatus.State.CLOSED));

    late = node("late");
    assertThat(late.isReady()).isTrue();
    List<ChatMessage> heardByBob = new CopyOnWriteArrayList<>();
    ChatClient bobClient = ChatClient.builder().endpoint(late.webSocketUri()).build();
    try {
      ChatSession bob =
          bobClient
              .connect(
                  "bob",
                  new ChatListener() {
                    @Override
                    public void onMessage(ChatSession session, MessageEvent event) {
                      heardByBob.add(event.message());
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      RoomHandle bobRoom = bob.join(ROOM).get(10, TimeUnit.SECONDS);
      // alice joined before the bus started: the node announced her once it had
      Awaitility.await()
          .atMost(WAIT)
          .until(() -> bobRoom.onlineMembers().contains(UserId.of("alice")));

      aliceRoom.send("the bus is back").get(10, TimeUnit.SECONDS);
      Awaitility.await().atMost(WAIT).until(() -> !heardByBob.isEmpty());
      assertThat(heardByBob).extracting(ChatMessage::text).containsExactly("the bus is back");
    } finally {
      bobClient.close();
    }
  }

  private static int readyz(ChatServer server) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(server.httpUri().orElseThrow().resolve("/readyz")).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
