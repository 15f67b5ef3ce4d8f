package dev.parley.chat.examples.notify;

import static dev.parley.chat.examples.notify.NotifyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.parley.chat.events.rabbitmq.RabbitMqEventSink;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker posting to a webhook (a JDK HTTP server on a local port) that fails once: the same
 * notification, with the same {@code Idempotency-Key}, is posted again, and marked delivered only
 * after a 2xx.
 */
class NotificationWebhookIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  record Request(String method, String contentType, String key, String body) {}

  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger calls = new AtomicInteger();
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    TestServices.requireRabbitMq();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/notify",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            requests.add(
                new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst(WebhookNotifier.IDEMPOTENCY_KEY_HEADER),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)));
          }
          exchange.sendResponseHeaders(calls.incrementAndGet() == 1 ? 503 : 204, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void aFailedPostIsRepeatedWithTheSameIdempotencyKeyAndMarkedDeliveredAfterASuccess()
      throws Exception {
    URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/notify");
    try (NotifyFixture f = new NotifyFixture(TestServices.h2(), RabbitMqEventSink.Format.PROTOBUF);
        NotificationWorker worker = f.worker().notifier(new WebhookNotifier(endpoint)).build()) {
      f.publish(CoalescingScenario.firstPart());
      await().atMost(WAIT).until(() -> worker.stats().processed() == CoalescingScenario.FIRST_PART);
      f.clock.set(T0.plusSeconds(61));

      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(f.notifications())
                      .singleElement()
                      .matches(NotifyFixture.Row::delivered));
      NotifyFixture.Row row = f.notifications().get(0);
      assertThat(requests).hasSize(2);
      for (Request r : requests) {
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.key()).isEqualTo(row.id());
        assertThat(r.body())
            .isEqualTo(
                "{\"id\":\""
                    + row.id()
                    + "\",\"user\":\"carol\",\"room\":\"team.lobby\",\"count\":20,"
                    + "\"firstSeq\":1,\"lastSeq\":20,\"windowStart\":\"2026-12-06T08:00:01Z\","
                    + "\"windowEnd\":\"2026-12-06T08:01:01Z\"}");
      }
      assertThat(worker.stats().deliveryFailures()).isEqualTo(1);
      assertThat(worker.stats().delivered()).isEqualTo(1);
    }
  }
}
