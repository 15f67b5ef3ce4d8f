package dev.parley.chat.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.StateChangeEvent;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.spring.boot.autoconfigure.ParleyServerLifecycle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example application for real, on loopback and free ports: two Parley clients chat through it,
 * Actuator's health over HTTP shows the chat server UP, and stopping the application drains the
 * clients (GoAway, close code 1001) before the server closes.
 */
@Timeout(180)
class ParleySpringBootExampleIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final RoomId ROOM = RoomId.of("general");

  private ConfigurableApplicationContext application;
  private ChatClient alicesApp;
  private ChatClient bobsApp;

  @AfterEach
  void stopEverything() {
    if (alicesApp != null) {
      alicesApp.close();
    }
    if (bobsApp != null) {
      bobsApp.close();
    }
    if (application != null) {
      application.close();
    }
  }

  @Test
  void twoClientsChatTheHealthIsUpAndStoppingTheApplicationDrainsThem() throws Exception {
    application =
        SpringApplication.run(
            ParleySpringBootExample.class,
            "--server.address=127.0.0.1",
            "--server.port=0",
            "--parley.host=127.0.0.1",
            "--parley.port=0",
            // Long enough that a drain ended by its timeout could not pass for clients leaving.
            "--parley.shutdown.drain-timeout=100s",
            "--spring.lifecycle.timeout-per-shutdown-phase=120s");
    ChatServer server = application.getBean(ChatServer.class);
    URI endpoint = server.webSocketUri();
    assertThat(endpoint.getPort()).isNotEqualTo(9090);

    alicesApp = ChatClient.builder().endpoint(endpoint).build();
    bobsApp = ChatClient.builder().endpoint(endpoint).build();
    Recorder alicesEvents = new Recorder();
    Recorder bobsEvents = new Recorder();
    ChatSession alice = alicesApp.connect("alice-token", alicesEvents).get(30, TimeUnit.SECONDS);
    ChatSession bob = bobsApp.connect("bob-token", bobsEvents).get(30, TimeUnit.SECONDS);
    bob.join(ROOM).get(30, TimeUnit.SECONDS);
    Throwable refused =
        catchThrowable(() -> bob.join(RoomId.of("staff-room")).get(30, TimeUnit.SECONDS));
    assertThat(((ChatException) refused.getCause()).code())
        .as("the application's customizer: staff rooms are for demo.staff")
        .isEqualTo(ErrorCode.FORBIDDEN);
    alice.join(RoomId.of("staff-room")).get(30, TimeUnit.SECONDS);
    alice.join(ROOM).get(30, TimeUnit.SECONDS).send("hello bob").get(30, TimeUnit.SECONDS);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(bobsEvents.messages)
                    .extracting(
                        event -> event.message().sender().value() + ": " + event.message().text())
                    .containsExactly("alice: hello bob"));

    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + application.getEnvironment().getProperty("local.server.port")
                                + "/actuator/health"))
                    .timeout(WAIT)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject health = JsonParser.parseString(response.body()).getAsJsonObject();
    assertThat(health.get("status").getAsString()).isEqualTo("UP");
    JsonObject parley = health.getAsJsonObject("components").getAsJsonObject("parley");
    assertThat(parley.get("status").getAsString()).isEqualTo("UP");
    assertThat(parley.getAsJsonObject("details").get("sessions").getAsInt()).isEqualTo(2);
    assertThat(parley.getAsJsonObject("details").get("endpoint").getAsString())
        .isEqualTo(endpoint.toString());

    ParleyServerLifecycle lifecycle = application.getBean(ParleyServerLifecycle.class);
    CompletableFuture<Void> stopped = CompletableFuture.runAsync(application::close);

    for (Recorder events : List.of(alicesEvents, bobsEvents)) {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(events.states)
                      .anySatisfy(
                          change -> {
                            assertThat(change.current()).isEqualTo(ChatSession.State.RECONNECTING);
                            assertThat(change.reason())
                                .contains("(1001)")
                                .contains("server is draining");
                          }));
    }
    await().atMost(WAIT).until(() -> server.sessionCount() == 0);
    // The clients left by themselves: the drain ends long before its 100 s timeout.
    stopped.get(60, TimeUnit.SECONDS);
    assertThat(lifecycle.state()).isEqualTo(ParleyServerLifecycle.State.STOPPED);
    assertThat(server.isReady()).isFalse();
  }

  /** Records one session's messages and state changes, from the client's callback thread. */
  private static final class Recorder implements ChatListener {
    final List<MessageEvent> messages = new CopyOnWriteArrayList<>();
    final List<StateChangeEvent> states = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(ChatSession session, MessageEvent event) {
      messages.add(event);
    }

    @Override
    public void onStateChanged(ChatSession session, StateChangeEvent event) {
      states.add(event);
    }
  }
}
