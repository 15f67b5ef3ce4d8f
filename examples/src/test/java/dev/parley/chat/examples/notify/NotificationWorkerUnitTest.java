package dev.parley.chat.examples.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.EventCodec;
import dev.parley.chat.spi.ChatEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The parts of the worker that need no broker: decoding, settings, notification ids and JSON. */
class NotificationWorkerUnitTest {
  private static final ChatEvent EVENT =
      NotifyFixture.message(NotifyFixture.LOBBY, 7, NotifyFixture.T0, NotifyFixture.ALICE);

  @Test
  void decodesByContentType() {
    byte[] json = EventCodec.toJson(EVENT).getBytes(StandardCharsets.UTF_8);
    assertThat(NotificationWorker.decode("application/json", json)).isEqualTo(EVENT);
    assertThat(NotificationWorker.decode("application/json; charset=utf-8", json)).isEqualTo(EVENT);
    assertThat(NotificationWorker.decode("application/x-protobuf", EventCodec.encode(EVENT)))
        .isEqualTo(EVENT);
    assertThat(NotificationWorker.decode(null, EventCodec.encode(EVENT))).isEqualTo(EVENT);
    assertThatThrownBy(() -> NotificationWorker.decode("text/plain", json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("text/plain");
    assertThatThrownBy(
            () -> NotificationWorker.decode("application/json", EventCodec.encode(EVENT)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesSettingsThatCannotWork() {
    NotificationWorker.Builder b = NotificationWorker.builder();
    assertThatThrownBy(() -> b.window(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.prefetch(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.flushInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.retryDelay(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WebhookNotifier(URI.create("ftp://example.org/notify")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNotificationIdDependsOnlyOnUserRoomAndWindowStart() {
    String id = NotificationStore.notificationId(UserId.of("carol"), RoomId.of("lobby"), 1000);
    assertThat(NotificationStore.notificationId(UserId.of("carol"), RoomId.of("lobby"), 1000))
        .isEqualTo(id);
    assertThat(NotificationStore.notificationId(UserId.of("carol"), RoomId.of("lobby"), 1001))
        .isNotEqualTo(id);
    assertThat(NotificationStore.notificationId(UserId.of("bob"), RoomId.of("lobby"), 1000))
        .isNotEqualTo(id);
  }

  @Test
  void writesItselfAsJson() {
    Notification n =
        new Notification(
            "id\"1",
            UserId.of("carol@example.org"),
            RoomId.of("team.blue"),
            3,
            4,
            9,
            Instant.parse("2026-12-06T08:00:00Z"),
            Instant.parse("2026-12-06T08:01:00Z"));
    assertThat(n.toJson())
        .isEqualTo(
            "{\"id\":\"id\\\"1\",\"user\":\"carol@example.org\",\"room\":\"team.blue\",\"count\":3,"
                + "\"firstSeq\":4,\"lastSeq\":9,\"windowStart\":\"2026-12-06T08:00:00Z\","
                + "\"windowEnd\":\"2026-12-06T08:01:00Z\"}");
    assertThatThrownBy(
            () ->
                new Notification("x", n.user(), n.room(), 0, 1, 1, n.windowStart(), n.windowEnd()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aBrokerOrDatabaseThatCannotBeReachedFailsTheBuildAndLeavesNoThreads() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    NotificationWorker.Builder b =
        NotificationWorker.builder()
            .uri("amqp://guest:guest@127.0.0.1:" + port + "/%2f")
            .jdbcUrl("jdbc:h2:mem:notify-unreachable-" + UUID.randomUUID(), "sa", "");
    assertThatThrownBy(b::build).isInstanceOf(IOException.class);
    b.jdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/none", "nobody", "");
    assertThatThrownBy(b::build)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("could not open the database");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(Thread::isAlive)
                    .extracting(Thread::getName)
                    .noneMatch(name -> name.startsWith("parley-notify-")));
  }
}
