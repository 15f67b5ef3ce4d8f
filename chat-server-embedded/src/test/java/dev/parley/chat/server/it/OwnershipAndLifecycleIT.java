package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.spi.ProviderLookup;
import dev.parley.chat.spi.ServerTransport;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.ServerTransportProvider;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the server owns and what stays the application's, a transport given as an instance, and a
 * drain that returns at once and completes when the server has closed.
 */
class OwnershipAndLifecycleIT {
  private static final RoomId ROOM = RoomId.of("owned");

  @Test
  void aWorkerExecutorAndStorePassedInOutliveTheServer() throws Exception {
    ExecutorService workers =
        Executors.newFixedThreadPool(
            2,
            runnable -> {
              Thread thread = new Thread(runnable, "application-worker");
              thread.setDaemon(true);
              return thread;
            });
    InMemoryMessageStore store = new InMemoryMessageStore();
    List<String> authenticatedOn = new CopyOnWriteArrayList<>();
    try {
      ChatServer server =
          ChatServer.builder()
              .host("127.0.0.1")
              .port(0)
              .disableHttp()
              .workerExecutor(workers)
              .messageStore(store)
              .authenticator(
                  request -> {
                    authenticatedOn.add(Thread.currentThread().getName());
                    return DevelopmentAuthenticator.ANY_NICKNAME.authenticate(request);
                  })
              .build()
              .start();
      try (server;
          ChatClient client = ChatClient.builder().endpoint(server.webSocketUri()).build()) {
        ChatSession session =
            client.connect("alice", new RecordingListener()).get(10, TimeUnit.SECONDS);
        RoomHandle room = session.join(ROOM).get(10, TimeUnit.SECONDS);
        room.send("kept").get(10, TimeUnit.SECONDS);
      }

      assertThat(authenticatedOn).containsExactly("application-worker");
      assertThat(workers.isShutdown()).as("the application's executor is left running").isFalse();
      assertThat(workers.submit(() -> "still works").get(10, TimeUnit.SECONDS))
          .isEqualTo("still works");
      assertThat(store.position(ROOM).get(10, TimeUnit.SECONDS).headSeq())
          .as("the application's store is left open, with its messages")
          .isEqualTo(1);
    } finally {
      workers.shutdownNow();
      store.close();
    }
  }

  @Test
  void aTransportGivenAsAnInstanceIsUsedWithoutLookingItUp() throws Exception {
    ServerTransportProvider found =
        ProviderLookup.select(
            ServerTransportProvider.class,
            ProviderLookup.load(ServerTransportProvider.class, getClass().getClassLoader()),
            null,
            ServerTransportProvider::name,
            ServerTransportProvider::priority,
            ServerTransportProvider::isAvailable,
            "the default transport is a test dependency");
    AtomicInteger created = new AtomicInteger();
    ServerTransportProvider given =
        new ServerTransportProvider() {
          @Override
          public String name() {
            return "application-provided";
          }

          @Override
          public ServerTransport create(
              ServerTransportConfig config, ServerTransportHandler handler) {
            created.incrementAndGet();
            return found.create(config, handler);
          }
        };
    try (ChatServer server =
            ChatServer.builder()
                .host("127.0.0.1")
                .port(0)
                .disableHttp()
                .transport(given)
                .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                .build()
                .start();
        ChatClient client = ChatClient.builder().endpoint(server.webSocketUri()).build()) {
      ChatSession session =
          client.connect("alice", new RecordingListener()).get(10, TimeUnit.SECONDS);
      assertThat(session.join(ROOM).get(10, TimeUnit.SECONDS).id()).isEqualTo(ROOM);
      assertThat(created).hasValue(1);
    }
  }

  @Test
  void drainReturnsAFutureThatCompletesOnceTheServerHasClosed() throws Exception {
    ChatServer server =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .disableHttp()
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .build()
            .start();
    try (ChatClient client =
        ChatClient.builder()
            .endpoint(server.webSocketUri())
            .random(new Random(5))
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
            .build()) {
      client.connect("alice", new RecordingListener()).get(10, TimeUnit.SECONDS);

      CompletableFuture<Void> drained = server.drain(Duration.ofSeconds(30));
      assertThat(server.isReady()).as("not ready as soon as drain returns").isFalse();
      drained.get(20, TimeUnit.SECONDS);

      assertThat(server.sessionCount()).isZero();
      assertThat(server.drain(Duration.ofSeconds(1))).as("draining a closed server").isDone();
    } finally {
      server.close();
    }
  }

  @Test
  void drainingAServerThatNeverStartedOnlyClosesIt() {
    ChatServer server =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .disableHttp()
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .build();
    assertThat(server.drain(Duration.ofSeconds(30))).isDone();
  }
}
