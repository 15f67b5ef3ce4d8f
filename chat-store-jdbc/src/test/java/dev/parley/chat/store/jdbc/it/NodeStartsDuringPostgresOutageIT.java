package dev.parley.chat.store.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import dev.parley.chat.store.jdbc.PostgresDatabase;
import dev.parley.chat.testkit.net.ChaosProxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A node starts while PostgreSQL is unreachable, its store built with {@code
 * connectInBackground()}: the node starts and accepts clients, is not ready from the start (before
 * any client call), refuses what needs the store retryably; once the database answers the store
 * creates its tables, the node turns ready and messages are stored once each.
 */
class NodeStartsDuringPostgresOutageIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final RoomId ROOM = RoomId.of("general");

  @Test
  void theNodeStartsWithoutItsDatabaseAndServesOnceTheDatabaseAnswers() throws Exception {
    URI pg = URI.create(PostgresDatabase.URL.substring("jdbc:".length()));
    try (PostgresDatabase db = PostgresDatabase.requireRunning();
        ChaosProxy line =
            new ChaosProxy(new InetSocketAddress(pg.getHost(), pg.getPort())).start()) {
      line.refuseNew(true);
      try (JdbcMessageStore store =
              JdbcMessageStore.builder()
                  .jdbcUrl(
                      "jdbc:postgresql://127.0.0.1:" + line.port() + pg.getPath(),
                      PostgresDatabase.USER,
                      PostgresDatabase.PASSWORD)
                  .schema(db.schema())
                  .connectionTimeout(Duration.ofSeconds(1))
                  .connectInBackground(Duration.ofMillis(200), Duration.ofSeconds(1))
                  .build();
          ChatServer server =
              ChatServer.builder()
                  .host("127.0.0.1")
                  .port(0)
                  .httpPort(0)
                  .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                  .messageStore(store)
                  .breakerWindowSize(4)
                  .breakerOpenDuration(Duration.ofMillis(500))
                  .dependencyTimeout(Duration.ofSeconds(5))
                  .build()
                  .start();
          ChatClient clients = ChatClient.builder().endpoint(server.webSocketUri()).build()) {
        assertThat(store.isInitialised()).isFalse();
        // before any client call: the node has not reached its store, so it is not ready
        assertThat(server.isReady()).isFalse();
        Awaitility.await()
            .during(Duration.ofSeconds(2))
            .atMost(WAIT)
            .untilAsserted(() -> assertThat(readyz(server)).isEqualTo(503));
        ChatSession alice =
            clients.connect("alice", new ChatListener() {}).get(30, TimeUnit.SECONDS);

        // joining needs the room's position from the store: refused, retryably, and the failures
        // open the breaker, so the node reports itself not ready
        assertThatThrownBy(() -> alice.join(ROOM).get(30, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(ChatException.class)
            .satisfies(
                e -> {
                  assertThat(((ChatException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
                  assertThat(((ChatException) e).retryable()).isTrue();
                });
        Awaitility.await()
            .atMost(WAIT)
            .until(
                () -> {
                  alice.join(ROOM).exceptionally(e -> null).get(30, TimeUnit.SECONDS);
                  return !server.isReady();
                });
        assertThat(readyz(server)).isEqualTo(503);
        // the store keeps trying in the background, waiting between attempts
        Awaitility.await().atMost(WAIT).until(() -> store.failedInitialisationAttempts() >= 2);
        assertThat(store.isInitialised()).isFalse();
        assertThat(alice.room(ROOM)).isEmpty();

        line.refuseNew(false);
        Awaitility.await().atMost(WAIT).until(store::isInitialised);
        Awaitility.await().atMost(WAIT).until(server::isReady);
        assertThat(readyz(server)).isEqualTo(200);

        RoomHandle aliceRoom = joinWhenServed(alice);
        SendReceipt first = aliceRoom.send("first").get(30, TimeUnit.SECONDS);
        SendReceipt second = aliceRoom.send("second").get(30, TimeUnit.SECONDS);
        assertThat(second.seq()).isEqualTo(first.seq() + 1);

        ChatSession bob = clients.connect("bob", new ChatListener() {}).get(30, TimeUnit.SECONDS);
        RoomHandle bobRoom = joinWhenServed(bob);
        List<ChatMessage> history = bobRoom.history(0, 100).get(30, TimeUnit.SECONDS).messages();
        assertThat(history).extracting(ChatMessage::text).containsExactly("first", "second");
        assertThat(history)
            .extracting(ChatMessage::clientMessageId)
            .containsExactly(first.clientMessageId(), second.clientMessageId());
      }
    }
  }

  /** Joins, trying again while the server still refuses retryably (its breaker half-open). */
  private static RoomHandle joinWhenServed(ChatSession session) {
    AtomicReference<RoomHandle> handle = new AtomicReference<>();
    Awaitility.await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () -> {
              handle.set(session.join(ROOM).get(30, TimeUnit.SECONDS));
              return true;
            });
    return handle.get();
  }

  private static int readyz(ChatServer server) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(server.httpUri().orElseThrow().resolve("/readyz")).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
