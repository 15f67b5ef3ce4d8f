package dev.parley.chat.spring.boot.boot3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.spring.boot.autoconfigure.MissingAuthenticatorException;
import dev.parley.chat.spring.boot.autoconfigure.ParleyAutoConfiguration;
import dev.parley.chat.spring.boot.autoconfigure.ParleyHealthContributorAutoConfiguration;
import dev.parley.chat.spring.boot.autoconfigure.ParleyServerLifecycle;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import io.netty.util.Version;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The auto-configuration, compiled against Spring Boot 4, on Spring Boot 3.5: the server, its
 * properties, the JDBC store on Boot 3's DataSource and the lifecycle work the same; the Actuator
 * health indicator (Boot 4's health API) is left out without breaking anything. Boot 3 manages
 * Netty 4.1, so the default Netty transport is not available and the server runs on Java-WebSocket,
 * which this module adds as a Boot 3 application would.
 */
@Timeout(120)
class SpringBoot3CompatibilityIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class,
                  ParleyAutoConfiguration.class,
                  ParleyHealthContributorAutoConfiguration.class))
          .withPropertyValues(
              "parley.host=127.0.0.1",
              "parley.port=0",
              "parley.http.port=0",
              "parley.development-authenticator=true");

  @Test
  void runsOnSpringBoot3AndDrainsOnShutdown() {
    assertThat(SpringBootVersion.getVersion()).startsWith("3.5.");
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean("parleyHealthIndicator");
          ChatServer server = context.getBean(ChatServer.class);
          assertThat(server.isReady()).isTrue();
          assertThat(server.httpUri()).isPresent();
          assertThat(Version.identify().get("netty-common").artifactVersion())
              .as("the Netty version Boot 3 manages")
              .startsWith("4.1.");
          assertThat(Thread.getAllStackTraces().keySet())
              .as("the server's transport threads")
              .extracting(Thread::getName)
              .anyMatch(name -> name.startsWith("parley-jws-"))
              .noneMatch(name -> name.startsWith("parley-netty-"));

          List<String> received = new CopyOnWriteArrayList<>();
          try (ChatClient client = ChatClient.builder().endpoint(server.webSocketUri()).build()) {
            ChatSession erin =
                client
                    .connect(
                        "erin",
                        new ChatListener() {
                          @Override
                          public void onMessage(ChatSession session, MessageEvent event) {
                            received.add(event.message().text());
                          }
                        })
                    .get(20, TimeUnit.SECONDS);
            erin.join(RoomId.of("general"))
                .get(20, TimeUnit.SECONDS)
                .send("on boot 3")
                .get(20, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> received.contains("on boot 3"));

            ParleyServerLifecycle lifecycle = context.getBean(ParleyServerLifecycle.class);
            CompletableFuture.runAsync(context::close).get(60, TimeUnit.SECONDS);
            assertThat(lifecycle.state()).isEqualTo(ParleyServerLifecycle.State.STOPPED);
            assertThat(server.sessionCount()).isZero();
            assertThat(erin.state()).isNotEqualTo(ChatSession.State.CONNECTED);
          }
        });
  }

  @Test
  void theJdbcStoreGoesOnBoot3sDataSource() {
    runner
        .withPropertyValues(
            "parley.http.enabled=false",
            "spring.datasource.url=jdbc:h2:mem:parley-boot3;DB_CLOSE_DELAY=-1",
            "spring.datasource.username=sa")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(JdbcMessageStore.class);
              assertThat(context.getBean(ChatServer.class).isReady()).isTrue();
            });
  }

  @Test
  void withoutAnAuthenticatorStartupFailsWithTheSameMessage() {
    runner
        .withPropertyValues("parley.development-authenticator=false")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .isInstanceOf(MissingAuthenticatorException.class)
                  .hasMessageContaining("parley.development-authenticator=true");
            });
  }
}
