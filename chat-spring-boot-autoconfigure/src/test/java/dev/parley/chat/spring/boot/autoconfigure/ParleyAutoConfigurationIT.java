package dev.parley.chat.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.server.BeforeStoreEvent;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.server.InProcessClusterBus;
import dev.parley.chat.server.MembershipEvent;
import dev.parley.chat.server.MessageHook;
import dev.parley.chat.server.MessageVerdict;
import dev.parley.chat.server.SessionListener;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.RoomAccessStore;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import dev.parley.chat.testkit.events.InMemoryEventSink;
import dev.parley.chat.testkit.tls.TestCertificates;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configured server for real: started with the context, on loopback and free ports. */
@Timeout(120)
class ParleyAutoConfigurationIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final RoomId ROOM = RoomId.of("general");
  private static final RoomId CLUB = RoomId.of("club");

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ParleyAutoConfiguration.class, ParleyHealthContributorAutoConfiguration.class))
          .withPropertyValues("parley.host=127.0.0.1", "parley.port=0", "parley.http.port=0");

  private ChatClient client;

  @AfterEach
  void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void attachmentPropertiesTurnUploadsOnWithAFileSystemBlobStore(@TempDir Path dir)
      throws Exception {
    runner
        .withPropertyValues(
            "parley.development-authenticator=true",
            "parley.attachments.directory=" + dir.resolve("blobs"),
            "parley.attachments.staging-directory=" + dir.resolve("staging"),
            "parley.attachments.max-file-bytes=4096",
            "parley.attachments.signing-key="
                + java.util.Base64.getEncoder().encodeToString(new byte[32]))
        .run(
            context -> {
              assertThat(context).hasSingleBean(dev.parley.chat.server.FileSystemBlobStore.class);
              ChatServer server = context.getBean(ChatServer.class);
              assertThat(server.dependencies())
                  .extracting(dev.parley.chat.server.DependencyStatus::name)
                  .contains("blobs");
              java.net.http.HttpResponse<Void> options =
                  java.net.http.HttpClient.newHttpClient()
                      .send(
                          java.net.http.HttpRequest.newBuilder(
                                  server.httpUri().orElseThrow().resolve("/chat/uploads"))
                              .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                              .build(),
                          java.net.http.HttpResponse.BodyHandlers.discarding());
              assertThat(options.headers().firstValue("Tus-Max-Size")).contains("4096");
            });
  }

  @Test
  void anEventSinkBeanTurnsEventsOn() {
    runner
        .withPropertyValues("parley.development-authenticator=true")
        .withBean(InMemoryEventSink.class, InMemoryEventSink::new)
        .run(
            context -> {
              ChatServer server = context.getBean(ChatServer.class);
              InMemoryEventSink sink = context.getBean(InMemoryEventSink.class);
              client = ChatClient.builder().endpoint(server.webSocketUri()).build();
              client.connect("alice", new ChatListener() {}).get(10, TimeUnit.SECONDS);
              await()
                  .atMost(WAIT)
                  .until(
                      () ->
                          sink.received().stream()
                              .anyMatch(
                                  e ->
                                      e instanceof ChatEvent.UserOnline online
                                          && online.user().value().equals("alice")));
            });
  }

  @Test
  void aShortSigningKeyIsRefusedNamingTheProperty(@TempDir Path dir) {
    runner
        .withPropertyValues(
            "parley.development-authenticator=true",
            "parley.attachments.directory=" + dir,
            "parley.attachments.signing-key=c2hvcnQ=")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("signingKey needs 32 bytes"));
  }

  @Test
  void aRoomAccessStoreBeanKeepsTheServersRoomsAccess() {
    dev.parley.chat.server.InMemoryRoomAccessStore access =
        new dev.parley.chat.server.InMemoryRoomAccessStore();
    runner
        .withPropertyValues("parley.development-authenticator=true")
        .withBean(dev.parley.chat.spi.RoomAccessStore.class, () -> access)
        .run(
            context -> {
              ChatServer server = context.getBean(ChatServer.class);
              server
                  .rooms()
                  .createRoom(
                      RoomId.of("club"),
                      dev.parley.chat.api.RoomVisibility.PRIVATE,
                      dev.parley.chat.api.UserId.of("alice"))
                  .get(20, java.util.concurrent.TimeUnit.SECONDS);
              assertThat(
                      access
                          .access(RoomId.of("club"), dev.parley.chat.api.UserId.of("alice"))
                          .toCompletableFuture()
                          .get()
                          .orElseThrow()
                          .role())
                  .isEqualTo(dev.parley.chat.api.RoomRole.OWNER);
            });
  }

  @Test
  void tlsPropertiesWithPemFilesServeWss(@TempDir Path certificates) throws Exception {
    TestCertificates.Issued issued =
        TestCertificates.issue(certificates, "boot-pem", "EC", "ip:127.0.0.1");
    assertServesWss(
        issued,
        "parley.tls.certificate-chain=" + issued.certificatePem(),
        "parley.tls.private-key=" + issued.keyPem());
  }

  @Test
  void tlsPropertiesWithAKeyStoreServeWss(@TempDir Path certificates) throws Exception {
    TestCertificates.Issued issued =
        TestCertificates.issue(certificates, "boot-store", "RSA", "ip:127.0.0.1");
    assertServesWss(
        issued,
        "parley.tls.key-store=" + certificates.resolve("boot-store.p12"),
        "parley.tls.key-store-password=" + new String(TestCertificates.PASSWORD),
        "parley.tls.key-store-type=PKCS12");
  }

  private void assertServesWss(TestCertificates.Issued issued, String... tls) {
    runner
        .withPropertyValues("parley.development-authenticator=true")
        .withPropertyValues(tls)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              ChatServer server = context.getBean(ChatServer.class);
              assertThat(server.webSocketUri().getScheme()).isEqualTo("wss");
              assertThat(server.httpUri().orElseThrow().getScheme()).isEqualTo("https");
              client =
                  ChatClient.builder()
                      .endpoint(server.webSocketUri())
                      .trustStore(TestCertificates.trustStore(issued.certificate()))
                      .build();
              ChatSession alice =
                  client.connect("alice", new ChatListener() {}).get(20, TimeUnit.SECONDS);
              assertThat(alice.user()).isEqualTo(UserId.of("alice"));
              await().atMost(WAIT).until(() -> server.sessionCount() == 1);
            });
  }

  @Test
  void theDevelopmentOptInRunsAServerThatAcceptsAnyNicknameAndReportsUp() throws Exception {
    runner
        .withPropertyValues("parley.development-authenticator=true")
        .run(
            context -> {
              ChatServer server = context.getBean(ChatServer.class);
              assertThat(server.isReady()).isTrue();
              assertThat(server.httpUri()).isPresent();
              assertThat(context.getBean(ParleyServerLifecycle.class).isRunning()).isTrue();

              ChatSession alice = connect(server, "alice");
              assertThat(alice.user()).isEqualTo(UserId.of("alice"));

              Health health = context.getBean(ParleyHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails())
                  .containsEntry("sessions", 1)
                  .containsEntry("state", "RUNNING")
                  .containsEntry("endpoint", server.webSocketUri().toString());
            });
  }

  @Test
  void theApplicationsMeterRegistryReceivesTheServersMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    runner
        .withPropertyValues("parley.development-authenticator=true")
        .withBean(MeterRegistry.class, () -> registry)
        .run(
            context -> {
              ChatServer server = context.getBean(ChatServer.class);
              connect(server, "alice");
              assertThat(
                      registry
                          .get("parley.handshakes")
                          .tag("outcome", "accepted")
                          .counter()
                          .count())
                  .isEqualTo(1.0);
              assertThat(registry.get("parley.connections.open").gauge().value()).isEqualTo(1.0);
            });
  }

  @Test
  void theApplicationsAuthenticatorStoreAndCustomizersAreUsed() {
    runner
        .withUserConfiguration(AppBeans.class)
        .withPropertyValues("parley.http.enabled=false")
        .run(
            context -> {
              ChatServer server = context.getBean(ChatServer.class);
              assertThat(server.httpUri()).isEmpty();

              Throwable refused = catchThrowable(() -> connect(server, "mallory"));
              assertThat(refused).isInstanceOf(ExecutionException.class);
              assertThat(((ChatException) refused.getCause()).code())
                  .isEqualTo(ErrorCode.AUTHENTICATION_FAILED);

              ChatSession bob = connect(server, "token-bob");
              assertThat(bob.user()).isEqualTo(UserId.of("bob"));
              Throwable forbidden =
                  catchThrowable(() -> bob.join(RoomId.of("staff")).get(20, TimeUnit.SECONDS));
              assertThat(((ChatException) forbidden.getCause()).code())
                  .as("the customizer's room policy")
                  .isEqualTo(ErrorCode.FORBIDDEN);
              bob.join(ROOM).get(20, TimeUnit.SECONDS).send("hi").get(20, TimeUnit.SECONDS);

              MessageStore store = context.getBean(MessageStore.class);
              assertThat(store.position(ROOM).get(20, TimeUnit.SECONDS).headSeq())
                  .as("the message is in the application's store")
                  .isEqualTo(1);
            });
  }

  @Test
  void withTheJdbcStoreAndADataSourceMessagesGoToThatDatabase() {
    runner
        .withUserConfiguration(H2DataSource.class)
        .withPropertyValues("parley.development-authenticator=true", "parley.http.enabled=false")
        .run(
            context -> {
              assertThat(context).hasSingleBean(JdbcMessageStore.class);
              ChatServer server = context.getBean(ChatServer.class);
              connect(server, "carol")
                  .join(ROOM)
                  .get(20, TimeUnit.SECONDS)
                  .send("kept")
                  .get(20, TimeUnit.SECONDS);

              try (Connection connection = context.getBean(DataSource.class).getConnection();
                  Statement statement = connection.createStatement();
                  ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM parley_message")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getLong(1)).isEqualTo(1);
              }
            });
  }

  @Test
  void theJdbcStoreGoesOnTheDataSourceSpringBootConfigures() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(DataSourceAutoConfiguration.class, ParleyAutoConfiguration.class))
        .withPropertyValues(
            "parley.host=127.0.0.1",
            "parley.port=0",
            "parley.http.enabled=false",
            "parley.development-authenticator=true",
            "spring.datasource.url=jdbc:h2:mem:parley-boot4;DB_CLOSE_DELAY=-1",
            "spring.datasource.username=sa")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(JdbcMessageStore.class);
              assertThat(context.getBean(ChatServer.class).isReady()).isTrue();
            });
  }

  @Test
  void theJdbcStoreCanBeTurnedOff() {
    runner
        .withUserConfiguration(H2DataSource.class)
        .withPropertyValues(
            "parley.development-authenticator=true",
            "parley.http.enabled=false",
            "parley.store.jdbc.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(MessageStore.class);
              assertThat(context.getBean(ChatServer.class).isReady()).isTrue();
            });
  }

  /**
   * Two nodes, each an application with a ClusterBus bean and a DataSource on one shared database:
   * a message sent on one node reaches a member on the other, through the bus, and both stores (not
   * exclusive writers, since the nodes share the database) agree on the room's head.
   */
  @Test
  void withAClusterBusBeanTwoApplicationsShareRooms() {
    InProcessClusterBus.Network network = new InProcessClusterBus.Network();
    String database = "jdbc:h2:mem:parley-cluster-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    ApplicationContextRunner node =
        runner
            .withPropertyValues(
                "parley.development-authenticator=true", "parley.http.enabled=false")
            .withBean(ClusterBus.class, () -> new InProcessClusterBus(network))
            .withBean(DataSource.class, () -> h2(database));
    node.withPropertyValues("parley.server-id=node-1")
        .run(
            first ->
                node.withPropertyValues("parley.server-id=node-2")
                    .run(
                        second -> {
                          ChatServer one = first.getBean(ChatServer.class);
                          ChatServer two = second.getBean(ChatServer.class);
                          List<String> received = new CopyOnWriteArrayList<>();
                          try (ChatClient toOne =
                                  ChatClient.builder().endpoint(one.webSocketUri()).build();
                              ChatClient toTwo =
                                  ChatClient.builder().endpoint(two.webSocketUri()).build()) {
                            toTwo
                                .connect("frank", recording(received))
                                .get(20, TimeUnit.SECONDS)
                                .join(ROOM)
                                .get(20, TimeUnit.SECONDS);
                            toOne
                                .connect("grace", new ChatListener() {})
                                .get(20, TimeUnit.SECONDS)
                                .join(ROOM)
                                .get(20, TimeUnit.SECONDS)
                                .send("across nodes")
                                .get(20, TimeUnit.SECONDS);
                            await().atMost(WAIT).until(() -> received.contains("across nodes"));
                          }
                          assertThat(
                                  second
                                      .getBean(MessageStore.class)
                                      .position(ROOM)
                                      .get(20, TimeUnit.SECONDS)
                                      .headSeq())
                              .isEqualTo(1);
                        }));
  }

  /** Clustered on the JDBC store, the nodes keep rooms' access in that database and share it. */
  @Test
  void withAClusterBusTheNodesShareTheJdbcStoresRoomAccess() {
    InProcessClusterBus.Network network = new InProcessClusterBus.Network();
    String database = "jdbc:h2:mem:parley-access-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    ApplicationContextRunner node =
        runner
            .withPropertyValues(
                "parley.development-authenticator=true", "parley.http.enabled=false")
            .withBean(ClusterBus.class, () -> new InProcessClusterBus(network))
            .withBean(DataSource.class, () -> h2(database));
    node.withPropertyValues("parley.server-id=node-1")
        .run(
            first ->
                node.withPropertyValues("parley.server-id=node-2")
                    .run(
                        second -> {
                          RoomAccessStore access = second.getBean(RoomAccessStore.class);
                          assertThat(access)
                              .isSameAs(second.getBean(JdbcMessageStore.class).roomAccessStore());
                          first
                              .getBean(ChatServer.class)
                              .rooms()
                              .createRoom(CLUB, RoomVisibility.PRIVATE, UserId.of("alice"))
                              .get(20, TimeUnit.SECONDS);
                          assertThat(
                                  access
                                      .access(CLUB, UserId.of("alice"))
                                      .toCompletableFuture()
                                      .get(20, TimeUnit.SECONDS)
                                      .orElseThrow()
                                      .role())
                              .isEqualTo(RoomRole.OWNER);
                        }));
  }

  @Test
  void aSingleNodeOnTheJdbcStoreKeepsTheInMemoryRoomAccess() {
    runner
        .withPropertyValues("parley.development-authenticator=true", "parley.http.enabled=false")
        .withUserConfiguration(H2DataSource.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(JdbcMessageStore.class);
              assertThat(context).doesNotHaveBean(RoomAccessStore.class);
            });
  }

  /**
   * A client that ignores GoAway keeps the drain waiting: meanwhile the health is OUT_OF_SERVICE;
   * once it goes, the server closes and the health is DOWN with no session left.
   */
  @Test
  void theApplicationsHookAndSessionListenerBeansAreRegistered() {
    runner
        .withUserConfiguration(HookBeans.class)
        .withPropertyValues("parley.development-authenticator=true", "parley.http.enabled=false")
        .run(
            context -> {
              ChatServer server = context.getBean(ChatServer.class);
              List<String> texts = new CopyOnWriteArrayList<>();
              if (client == null) {
                client = ChatClient.builder().endpoint(server.webSocketUri()).build();
              }
              ChatSession carol =
                  client.connect("carol", recording(texts)).get(20, TimeUnit.SECONDS);
              var room = carol.join(ROOM).get(20, TimeUnit.SECONDS);

              Throwable refused = catchThrowable(() -> room.send("spam").get(20, TimeUnit.SECONDS));
              assertThat(refused).isInstanceOf(ExecutionException.class);
              assertThat(((ChatException) refused.getCause()).code()).isEqualTo(ErrorCode.REJECTED);
              assertThat(refused.getCause()).hasMessageContaining("no spam here");

              room.send("hello").get(20, TimeUnit.SECONDS);
              await().atMost(WAIT).until(() -> texts.contains("HELLO"));
              assertThat(texts).containsExactly("HELLO");
              await()
                  .atMost(WAIT)
                  .until(() -> context.getBean(HookBeans.class).joined.contains("carol"));
            });
  }

  @Test
  void whileTheContextStopsTheServerDrainsAndIsOutOfService() {
    runner
        .withPropertyValues(
            "parley.development-authenticator=true",
            "parley.http.enabled=false",
            "parley.shutdown.drain-timeout=60s")
        .run(
            context -> {
              ChatServer server = context.getBean(ChatServer.class);
              ParleyHealthIndicator health = context.getBean(ParleyHealthIndicator.class);
              StubbornClient stubborn = StubbornClient.connect(server.webSocketUri(), "dave");
              await().atMost(WAIT).until(() -> server.sessionCount() == 1);

              CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);
              await()
                  .atMost(WAIT)
                  .until(() -> health.health().getStatus().equals(Status.OUT_OF_SERVICE));
              assertThat(health.health().getDetails())
                  .containsEntry("state", "DRAINING")
                  .containsEntry("sessions", 1);
              assertThat(server.isReady()).isFalse();
              assertThat(closed).isNotDone();
              assertThat(stubborn.received()).contains("goAway");

              stubborn.leave();
              closed.get(30, TimeUnit.SECONDS);
              assertThat(server.sessionCount()).isZero();
              Health after = health.health();
              assertThat(after.getStatus()).isEqualTo(Status.DOWN);
              assertThat(after.getDetails()).containsEntry("state", "STOPPED");
            });
  }

  private ChatSession connect(ChatServer server, String token) throws Exception {
    if (client == null) {
      client = ChatClient.builder().endpoint(server.webSocketUri()).build();
    }
    return client.connect(token, new ChatListener() {}).get(20, TimeUnit.SECONDS);
  }

  private static ChatListener recording(List<String> texts) {
    return new ChatListener() {
      @Override
      public void onMessage(ChatSession session, MessageEvent event) {
        texts.add(event.message().text());
      }
    };
  }

  private static DataSource h2(String url) {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL(url);
    return dataSource;
  }

  @Configuration(proxyBeanMethods = false)
  static class AppBeans {
    @Bean
    Authenticator tokenAuthenticator() {
      return request ->
          request.token().startsWith("token-")
              ? CompletableFuture.completedFuture(
                  UserId.of(request.token().substring("token-".length())))
              : CompletableFuture.failedFuture(
                  new ChatException(ErrorCode.AUTHENTICATION_FAILED, "unknown token"));
    }

    @Bean
    MessageStore appStore() {
      return new InMemoryMessageStore(100);
    }

    @Bean
    ChatServerBuilderCustomizer noStaffRoom() {
      return builder -> builder.roomPolicy((user, room) -> !room.value().equals("staff"));
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class HookBeans {
    final List<String> joined = new CopyOnWriteArrayList<>();

    @Bean
    MessageHook shoutingSpamFilter() {
      return new MessageHook() {
        @Override
        public MessageVerdict beforeStore(BeforeStoreEvent event) {
          return event.text().equals("spam")
              ? MessageVerdict.reject("no spam here")
              : MessageVerdict.rewrite(event.text().toUpperCase(Locale.ROOT));
        }
      };
    }

    @Bean
    SessionListener joinRecorder() {
      return new SessionListener() {
        @Override
        public void onJoined(MembershipEvent event) {
          joined.add(event.user().value());
        }
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class H2DataSource {
    @Bean
    DataSource dataSource() {
      return h2("jdbc:h2:mem:parley-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    }
  }

  /**
   * A raw JSON-subprotocol client that connects, then ignores GoAway and stays until told to leave.
   */
  private static final class StubbornClient implements WebSocket.Listener {
    private final StringBuilder received = new StringBuilder();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static StubbornClient connect(URI endpoint, String nickname) throws Exception {
      StubbornClient client = new StubbornClient();
      client.socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .subprotocols("parley.v1.json")
              .buildAsync(endpoint, client)
              .get(20, TimeUnit.SECONDS);
      client
          .socket
          .sendText(
              "{\"requestId\":\"1\",\"connect\":{\"protocolVersion\":1,\"token\":\""
                  + nickname
                  + "\",\"clientName\":\"stubborn\",\"clientVersion\":\"1\"}}",
              true)
          .get(20, TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> client.received().contains("welcome"));
      return client;
    }

    synchronized String received() {
      return received.toString();
    }

    void leave() throws Exception {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(20, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      synchronized (this) {
        partial.append(data);
        if (last) {
          received.append(partial).append('\n');
          partial.setLength(0);
        }
      }
      webSocket.request(1);
      return null;
    }
  }
}
