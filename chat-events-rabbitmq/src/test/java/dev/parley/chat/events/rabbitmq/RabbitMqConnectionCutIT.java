package dev.parley.chat.events.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.testkit.net.ChaosProxy;
import dev.parley.chat.testkit.time.MutableClock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to the broker cut under traffic and the broker unreachable, through a {@link
 * ChaosProxy} in front of the real RabbitMQ: publishes fail, the sink reconnects by itself, and a
 * caller that publishes failed batches again (as the server's relay does) loses nothing.
 */
class RabbitMqConnectionCutIT {
  private static final Logger LOG = LoggerFactory.getLogger(RabbitMqConnectionCutIT.class);

  private String exchange;
  private TestQueue queue;
  private ChaosProxy proxy;

  @BeforeEach
  void broker() throws Exception {
    RabbitMqTestBroker.requireRunning();
    exchange = RabbitMqTestBroker.uniqueExchange();
    queue = new TestQueue(exchange);
    proxy =
        new ChaosProxy(new InetSocketAddress(RabbitMqTestBroker.host(), RabbitMqTestBroker.port()))
            .start();
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (queue != null) {
      queue.close();
    }
  }

  private RabbitMqEventSink.Builder sink() {
    return RabbitMqEventSink.builder()
        .uri(RabbitMqTestBroker.uriWithPort(proxy.port()))
        .exchange(exchange)
        .recoveryInterval(Duration.ofMillis(100))
        .confirmTimeout(Duration.ofSeconds(5));
  }

  @Test
  void twoCutsUnderTrafficLoseNothingAndKeepEachRoomsOrder() throws Exception {
    int batches = 40;
    int perBatch = 10;
    int rooms = 5;
    AtomicInteger failedPublishes = new AtomicInteger();
    List<ChatEvent> all = new ArrayList<>();
    try (RabbitMqEventSink sink = sink().breaker(20, Duration.ofMillis(200)).build()) {
      for (int b = 0; b < batches; b++) {
        List<ChatEvent> batch = TestEvents.messages("cut", b * perBatch, perBatch, rooms);
        all.addAll(batch);
        if (b == 1) {
          // connected now: cut everything twice, in the middle of later batches' bytes
          proxy.cutAfterClientBytes(3_000, 12_000);
        }
        publishUntilAccepted(sink, batch, failedPublishes);
      }
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> firstArrivals(queue).size() == all.size());
    List<String> arrived = firstArrivals(queue);
    assertThat(proxy.cutCount()).isEqualTo(2);
    assertThat(failedPublishes.get()).as("publishes failed by the cuts").isGreaterThanOrEqualTo(2);
    assertThat(new LinkedHashSet<>(arrived)).containsExactlyInAnyOrderElementsOf(ids(all));
    assertThat(byRoom(arrived, rooms)).isEqualTo(byRoom(ids(all), rooms));
    int deliveries = queue.deliveries().size();
    LOG.info(
        "{} events in {} batches, 2 cuts: {} failed publishes, {} deliveries, {} repeats, 0 lost",
        all.size(),
        batches,
        failedPublishes.get(),
        deliveries,
        deliveries - all.size());
  }

  @Test
  void anUnreachableBrokerOpensTheBreakerAndPublishesFailAtOnceUntilItIsBack() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-06T08:00:00Z"));
    try (RabbitMqEventSink sink = sink().breaker(2, Duration.ofMinutes(1)).clock(clock).build()) {
      sink.publish(TestEvents.messages("down", 0, 1, 1)).get(30, TimeUnit.SECONDS);

      proxy.refuseNew(true);
      proxy.cutAll();
      // the failures open the breaker: half or more of its last two batches failed
      for (int i = 0; i < 2; i++) {
        CompletableFuture<Void> failed = sink.publish(TestEvents.messages("down", 1, 1, 1));
        assertFailsWith(failed, "RabbitMQ");
      }
      CompletableFuture<Void> refused = sink.publish(TestEvents.messages("down", 1, 1, 1));

      assertThat(refused).as("refused by the open breaker, at once").isCompletedExceptionally();
      assertFailsWith(refused, "failed too often");
      assertThat(causeOf(refused).retryAfter()).contains(Duration.ofMinutes(1));
      clock.advance(Duration.ofSeconds(40));
      CompletableFuture<Void> later = sink.publish(TestEvents.messages("down", 1, 1, 1));
      assertThat(causeOf(later).retryAfter())
          .as("what is left of the open time")
          .contains(Duration.ofSeconds(20));

      proxy.refuseNew(false);
      AtomicInteger failures = new AtomicInteger();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                clock.advance(Duration.ofMinutes(1)); // the breaker lets one batch try
                return accepted(sink, TestEvents.messages("down", 1, 1, 1), failures);
              });
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> firstArrivals(queue).containsAll(List.of("down-0", "down-1")));
  }

  @Test
  void aSinkStartedWhileTheBrokerIsUnreachableConnectsWhenItIsBack() throws Exception {
    proxy.refuseNew(true);
    try (RabbitMqEventSink sink = sink().breaker(100, Duration.ofMillis(100)).build()) {
      assertFailsWith(sink.publish(TestEvents.messages("late", 0, 1, 1)), "RabbitMQ");

      proxy.refuseNew(false);
      publishUntilAccepted(sink, TestEvents.messages("late", 0, 1, 1), new AtomicInteger());
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> firstArrivals(queue).contains("late-0"));
  }

  @Test
  void aConnectionDownForFiveRecoveryIntervalsIsReplacedByANewOne() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-06T08:00:00Z"));
    try (RabbitMqEventSink sink =
        sink()
            .recoveryInterval(Duration.ofSeconds(2))
            .breaker(100, Duration.ofMillis(100))
            .clock(clock)
            .build()) {
      sink.publish(TestEvents.messages("replaced", 0, 1, 1)).get(30, TimeUnit.SECONDS);
      proxy.refuseNew(true);
      proxy.cutAll();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  failureOf(sink.publish(TestEvents.messages("replaced", 1, 1, 1)))
                      .contains("the client is reconnecting"));

      // the client's own recovery is still between attempts; five intervals later by the sink's
      // clock, the sink gives it up and opens a connection of its own on the next batch
      clock.advance(Duration.ofSeconds(11));
      proxy.refuseNew(false);
      sink.publish(TestEvents.messages("replaced", 1, 1, 1)).get(30, TimeUnit.SECONDS);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> firstArrivals(queue).containsAll(List.of("replaced-0", "replaced-1")));
  }

  private static String failureOf(CompletableFuture<Void> future) {
    try {
      future.get(30, TimeUnit.SECONDS);
      return "";
    } catch (ExecutionException e) {
      return String.valueOf(e.getCause().getMessage());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void closeEndsTheSinksThreadsAfterCutsAndRecoveries() throws Exception {
    try (RabbitMqEventSink sink = sink().breaker(100, Duration.ofMillis(100)).build()) {
      publishUntilAccepted(sink, TestEvents.messages("threads", 0, 1, 1), new AtomicInteger());
      proxy.cutAll();
      publishUntilAccepted(sink, TestEvents.messages("threads", 1, 1, 1), new AtomicInteger());
      proxy.refuseNew(true);
      proxy.cutAll(); // closed while the client is trying to recover
      assertThat(threadsOfSinks()).isNotEmpty();
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(threadsOfSinks()).isEmpty());
  }

  private static List<String> threadsOfSinks() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("parley-events-rabbitmq-"))
        .toList();
  }

  /** Publishes {@code batch} until the sink accepts it, as the server's relay does. */
  private static void publishUntilAccepted(
      RabbitMqEventSink sink, List<ChatEvent> batch, AtomicInteger failures) {
    if (accepted(sink, batch, failures)) {
      return;
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> accepted(sink, batch, failures));
  }

  private static boolean accepted(
      RabbitMqEventSink sink, List<ChatEvent> batch, AtomicInteger failures) {
    try {
      sink.publish(batch).get(30, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      failures.incrementAndGet();
      return false;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void assertFailsWith(CompletableFuture<Void> future, String text) {
    assertThat(future)
        .failsWithin(Duration.ofSeconds(30))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(ChatException.class)
        .withMessageContaining(text);
  }

  private static ChatException causeOf(CompletableFuture<Void> future) {
    try {
      future.get();
      throw new AssertionError("did not fail");
    } catch (ExecutionException e) {
      return (ChatException) e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Message ids in order of first arrival. */
  private static List<String> firstArrivals(TestQueue queue) {
    Set<String> first = new LinkedHashSet<>();
    for (TestQueue.Delivery d : queue.deliveries()) {
      first.add(d.properties().getMessageId());
    }
    return List.copyOf(first);
  }

  private static List<String> ids(List<ChatEvent> events) {
    return events.stream().map(ChatEvent::id).toList();
  }

  /** Ids of {@link TestEvents#messages} grouped by room (event {@code i} is in room i % rooms). */
  private static Map<Integer, List<String>> byRoom(List<String> ids, int rooms) {
    Map<Integer, List<String>> byRoom = new LinkedHashMap<>();
    for (String id : ids) {
      int i = Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
      byRoom.computeIfAbsent(i % rooms, r -> new ArrayList<>()).add(id);
    }
    return byRoom;
  }
}
