package dev.parley.chat.cluster.redis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.RoomRemovedEvent;
import dev.parley.chat.cluster.redis.RedisClusterBus;
import dev.parley.chat.cluster.redis.RedisTestServer;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import dev.parley.chat.store.jdbc.PostgresDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes sharing PostgreSQL (messages and rooms' access) and Redis (the bus): a ban made on one
 * node removes the user from the room on the other, and keeps them out on both.
 */
class BanAcrossNodesIT {
  private static final RoomId HALL = RoomId.of("hall");
  private static final Duration CACHE_TTL = Duration.ofMillis(500);

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private ChatServer node(String id, PostgresDatabase db, String prefix) throws Exception {
    JdbcMessageStore store = db.storeBuilder().exclusiveWriter(false).build();
    toClose.add(store);
    RedisClusterBus bus =
        RedisClusterBus.builder().uri(RedisTestServer.URI).keyPrefix(prefix).build();
    ChatServer server =
        ChatServer.builder()
            .serverId(id)
            .host("127.0.0.1")
            .port(0)
            .httpPort(0)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .messageStore(store)
            .roomAccessStore(store.roomAccessStore())
            .accessCacheTtl(CACHE_TTL)
            .clusterBus(bus)
            .build()
            .start();
    toClose.add(server);
    return server;
  }

  private ChatSession connect(ChatServer node, String user, ChatListener listener)
      throws Exception {
    ChatClient client = ChatClient.builder().endpoint(node.webSocketUri()).build();
    toClose.add(client);
    return client.connect(user, listener).get(10, TimeUnit.SECONDS);
  }

  @Test
  void aUserBannedOnOneNodeIsRemovedAndRefusedOnTheOther() throws Exception {
    RedisTestServer.requireRunning();
    PostgresDatabase db = PostgresDatabase.requireRunning();
    toClose.add(db);
    String prefix = RedisTestServer.uniquePrefix();
    toClose.add(() -> RedisTestServer.deleteKeys(prefix));
    ChatServer a = node("node-a", db, prefix);
    ChatServer b = node("node-b", db, prefix);

    ChatSession alice = connect(a, "alice", new ChatListener() {});
    alice.createRoom(HALL, RoomVisibility.PUBLIC).get(10, TimeUnit.SECONDS);
    RoomHandle hall = alice.join(HALL).get(10, TimeUnit.SECONDS);

    List<RoomRemovedEvent> removals = new CopyOnWriteArrayList<>();
    ChatListener bobListener =
        new ChatListener() {
          @Override
          public void onRemovedFromRoom(ChatSession session, RoomRemovedEvent event) {
            removals.add(event);
          }
        };
    ChatSession bob = connect(b, "bob", bobListener);
    RoomHandle bobsHall = bob.join(HALL).get(10, TimeUnit.SECONDS);
    bobsHall.send("hello from node b").get(10, TimeUnit.SECONDS);

    hall.ban(UserId.of("bob"), Duration.ofMinutes(10), "spam").get(10, TimeUnit.SECONDS);

    // node b learns of it from the shared store within its cache period, bob idle meanwhile
    await().atMost(Duration.ofSeconds(30)).until(() -> !removals.isEmpty());
    assertThat(removals.get(0).reason()).contains("banned").endsWith("spam");
    assertThat(bobsHall.isJoined()).isFalse();

    // retrying on the other node, or on this one, is refused
    assertThat(code(bob.join(HALL))).isEqualTo(ErrorCode.FORBIDDEN);
    ChatSession bobOnA = connect(a, "bob", new ChatListener() {});
    assertThat(code(bobOnA.join(HALL))).isEqualTo(ErrorCode.FORBIDDEN);
    ChatSession bobAgainOnB = connect(b, "bob", new ChatListener() {});
    assertThat(code(bobAgainOnB.join(HALL))).isEqualTo(ErrorCode.FORBIDDEN);

    // lifted on node a: node b lets bob in again once its cache period has passed
    hall.unban(UserId.of("bob")).get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> bobAgainOnB.join(HALL).handle((h, e) -> e == null).get());
  }

  private static ErrorCode code(CompletableFuture<?> future) throws Exception {
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ChatException.class);
      return ((ChatException) e.getCause()).code();
    }
    throw new AssertionError("succeeded");
  }
}
