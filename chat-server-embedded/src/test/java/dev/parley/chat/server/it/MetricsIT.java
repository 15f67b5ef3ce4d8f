package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.HistoryRequest;
import dev.parley.chat.protocol.internal.Send;
import dev.parley.chat.server.DependencyStatus;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.server.testing.FaultyMessageStore;
import dev.parley.chat.testkit.net.RawWebSocket;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server's meters move with real clients on a real server (docs/metrics.md). */
class MetricsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Tag keys the server may use; each takes a bounded set of values. */
  private static final Set<String> BOUNDED_TAG_KEYS =
      Set.of("outcome", "code", "format", "action", "kind", "name", "state", "reason");

  private static final String BREAKER_STATE = "resilience4j.circuitbreaker.state";

  @Test
  void keyMetersMoveWithSendsErrorsAndAppends() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Fixture fixture = new Fixture(b -> b.meterRegistry(registry))) {
      RoomId room = RoomId.of("lobby");
      ChatSession reader = fixture.connect("reader", new RecordingListener());
      RecordingListener readerEvents = new RecordingListener();
      ChatSession writer = fixture.connect("writer", readerEvents);
      reader.join(room).get(10, TimeUnit.SECONDS);
      RoomHandle out = writer.join(room).get(10, TimeUnit.SECONDS);
      assertThat(registry.get("parley.connections.open").gauge().value()).isEqualTo(2.0);
      assertThat(count(registry, "parley.handshakes", "outcome", "accepted")).isEqualTo(2.0);

      double framesBefore = count(registry, "parley.frames.out", "format", "binary");
      for (int i = 0; i < 5; i++) {
        out.send("hello " + i).get(10, TimeUnit.SECONDS);
      }
      assertThat(registry.get("parley.send.ack").timer().count()).isEqualTo(5);
      assertThat(registry.get("parley.store.append").tag("outcome", "stored").timer().count())
          .isEqualTo(5);
      await().atMost(WAIT).until(() -> registry.get("parley.send.delivery").timer().count() == 5);
      // each message went to both members
      assertThat(registry.get("parley.fanout.size").summary().totalAmount()).isEqualTo(10.0);
      // a fan-out counts its frames once for all recipients: 5 acks and 10 deliveries at least
      assertThat(count(registry, "parley.frames.out", "format", "binary") - framesBefore)
          .isGreaterThanOrEqualTo(15.0);
      assertThat(count(registry, "parley.frames.in", "format", "binary")).isPositive();
      assertThat(count(registry, "parley.frames.out.bytes", "format", "binary")).isPositive();
      out.history(Long.MAX_VALUE, 10).get(10, TimeUnit.SECONDS);
      // (the clients may read history themselves after joining)
      assertThat(registry.get("parley.history.reads").tag("outcome", "ok").timer().count())
          .isPositive();

      // A send to a room the sender has not joined: NOT_A_MEMBER; a bad Connect version: counted.
      try (RawWebSocket raw = RawClients.connected(fixture.server, "stranger")) {
        raw.sendBinary(
            Envelope.newBuilder()
                .setRequestId(7)
                .setSend(Send.newBuilder().setRoom("lobby").setClientMessageId("m1").setText("x"))
                .build()
                .toByteArray());
        assertThat(RawClients.await(raw, Envelope.BodyCase.ERROR)).isNotNull();
      }
      assertThat(count(registry, "parley.errors", "code", "NOT_A_MEMBER")).isEqualTo(1.0);
      try (RawWebSocket old =
          RawWebSocket.connect(fixture.server.address(), "/chat", Protocol.SUBPROTOCOL_PROTOBUF)) {
        old.sendBinary(
            Envelope.newBuilder()
                .setRequestId(1)
                .setConnect(Connect.newBuilder().setProtocolVersion(99).setToken("old"))
                .build()
                .toByteArray());
        assertThat(RawClients.await(old, Envelope.BodyCase.ERROR)).isNotNull();
      }
      assertThat(count(registry, "parley.handshakes", "outcome", "unsupported_version"))
          .isEqualTo(1.0);
      assertThat(count(registry, "parley.errors", "code", "UNSUPPORTED_VERSION")).isEqualTo(1.0);
      await()
          .atMost(WAIT)
          .until(() -> registry.get("parley.connections.open").gauge().value() == 2.0);
    }
    // the server is closed: its gauges are gone, its counters stay
    assertThat(registry.find("parley.connections.open").gauge()).isNull();
    assertThat(registry.get("parley.send.ack").timer().count()).isEqualTo(5);
  }

  @Test
  void rateLimitRefusalsAreCountedByAction() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Fixture fixture = new Fixture(b -> b.meterRegistry(registry).requestRate(1, 1))) {
      try (RawWebSocket raw = RawClients.connected(fixture.server, "hasty")) {
        for (int i = 0; i < 3; i++) {
          raw.sendBinary(
              Envelope.newBuilder()
                  .setRequestId(10 + i)
                  .setHistoryRequest(HistoryRequest.newBuilder().setRoom("nowhere"))
                  .build()
                  .toByteArray());
        }
        await()
            .atMost(WAIT)
            .until(() -> count(registry, "parley.rate.limit.refusals", "action", "refused") >= 1);
      }
      assertThat(count(registry, "parley.errors", "code", "RATE_LIMITED"))
          .isEqualTo(count(registry, "parley.rate.limit.refusals", "action", "refused"));
    }
  }

  @Test
  void slowConsumerCloseIsCounted() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Fixture fixture =
        new Fixture(
            b ->
                b.meterRegistry(registry)
                    .maxOutboundBytes(64 * 1024)
                    .requestRate(100_000, 100_000)
                    .userSendRate(100_000, 100_000)
                    .pingInterval(Duration.ofSeconds(1)))) {
      RoomId room = RoomId.of("firehose");
      // joins, then never reads again, with a tiny receive buffer
      RawWebSocket stuck = RawWebSocket.open(fixture.server.address(), 4096);
      assertThat(stuck.handshake("/chat", Protocol.SUBPROTOCOL_PROTOBUF, "")).isEqualTo(101);
      stuck.sendBinary(
          Envelope.newBuilder()
              .setRequestId(1)
              .setConnect(Connect.newBuilder().setProtocolVersion(1).setToken("stuck"))
              .build()
              .toByteArray());
      assertThat(RawClients.await(stuck, Envelope.BodyCase.WELCOME)).isNotNull();
      RawClients.join(stuck, room.value());
      assertThat(RawClients.await(stuck, Envelope.BodyCase.JOINED)).isNotNull();
      RoomHandle out =
          fixture.connect("writer", new RecordingListener()).join(room).get(10, TimeUnit.SECONDS);
      String text = "x".repeat(16_000);
      // Until the server gives up on the stuck member: past the socket buffers on both sides.
      for (int batch = 0;
          batch < 200 && registry.get("parley.slow.consumer.closes").counter().count() == 0;
          batch++) {
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          sends.add(out.send(text));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      }
      // the stuck member is closed as a slow consumer. On a busy machine the writer, which reads
      // its own 16 kB messages back, can be closed as one too, reconnect and be closed again, so
      // the count is at least one, not exactly one.
      await().atMost(WAIT).until(() -> fixture.server.sessionCount() <= 1);
      double slow = registry.get("parley.slow.consumer.closes").counter().count();
      assertThat(slow).isGreaterThanOrEqualTo(1.0);
      // its close is counted by the code the transport reports (4008, or 1006 if it gave up)
      await()
          .atMost(WAIT)
          .until(
              () ->
                  registry.find("parley.connections.closed").counters().stream()
                          .mapToDouble(c -> c.count())
                          .sum()
                      >= slow);
      stuck.close();
    }
  }

  @Test
  void fiftyRoomsAndFiftyUsersAddNoMeters() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Fixture fixture = new Fixture(b -> b.meterRegistry(registry))) {
      ChatClient client = fixture.client();
      sendAs(client, 0);
      Set<String> before = meterIds(registry);
      for (int i = 1; i < 50; i++) {
        sendAs(client, i);
      }
      await().atMost(WAIT).until(() -> registry.get("parley.send.delivery").timer().count() == 50);
      assertThat(meterIds(registry)).isEqualTo(before);
      for (Meter meter : registry.getMeters()) {
        for (Tag tag : meter.getId().getTags()) {
          assertThat(BOUNDED_TAG_KEYS).as(meter.getId().toString()).contains(tag.getKey());
          assertThat(tag.getValue()).doesNotContain("user-").doesNotContain("room-");
        }
      }
    }
  }

  @Test
  void aFailingStoreOpensItsBreakerWhichRefusesCallsUntilItRecovers() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FaultyMessageStore store = new FaultyMessageStore(new InMemoryMessageStore());
    try (Fixture healthy = new Fixture(b -> b.meterRegistry(registry));
        Fixture failing =
            new Fixture(
                b ->
                    b.meterRegistry(registry)
                        .messageStore(store)
                        .breakerWindowSize(4)
                        .breakerOpenDuration(Duration.ofSeconds(2)))) {
      assertThat(breakerStates(registry, "parley-store")).containsExactly("closed");
      // a single node has no bus, hence no bus breaker
      assertThat(registry.find(BREAKER_STATE).tag("name", "parley-bus").gauges()).isEmpty();
      publish(failing, 0).get(10, TimeUnit.SECONDS);

      store.fail();
      int[] sent = {1};
      // the breaker opens after a window of failed calls; once open it refuses calls at once
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                ChatException failure = failure(publish(failing, sent[0]++));
                assertThat(failure.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(count(registry, "parley.breaker.refusals", "reason", "open"))
                    .isPositive();
              });
      // of the two servers sharing the registry, the worse breaker is reported
      await()
          .atMost(WAIT)
          .until(
              () ->
                  breakerStates(registry, "parley-store").equals(List.of("open"))
                      || breakerStates(registry, "parley-store").equals(List.of("half_open")));
      assertThat(
              registry
                  .get("parley.breaker.refusals")
                  .tag("name", "parley-store")
                  .tag("reason", "open")
                  .counter()
                  .count())
          .isPositive();
      assertThat(count(registry, "parley.breaker.refusals", "reason", "overloaded")).isZero();
      assertThat(healthy.server.dependencies().get(0).state())
          .isEqualTo(DependencyStatus.State.CLOSED);

      store.heal();
      await()
          .atMost(WAIT)
          .until(() -> breakerStates(registry, "parley-store").equals(List.of("closed")));
      publish(failing, sent[0]).get(10, TimeUnit.SECONDS);
    }
    // both servers are closed: their gauges are gone, the refusals stay counted
    assertThat(registry.find(BREAKER_STATE).gauges()).isEmpty();
    assertThat(count(registry, "parley.breaker.refusals", "reason", "open")).isPositive();
  }

  private static CompletableFuture<?> publish(Fixture fixture, int i) {
    return fixture
        .server
        .rooms()
        .publish(
            RoomId.of("lobby"),
            UserId.of("bot"),
            ClientMessageId.of("m-" + i),
            "notice " + i,
            new byte[0]);
  }

  private static ChatException failure(CompletableFuture<?> call) throws Exception {
    try {
      call.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ChatException chat) {
        return chat;
      }
      throw e;
    }
    throw new AssertionError("the call succeeded");
  }

  /** The states whose gauge reads 1 for breaker {@code name}. */
  private static List<String> breakerStates(MeterRegistry registry, String name) {
    List<String> states = new ArrayList<>();
    for (var gauge : registry.find(BREAKER_STATE).tag("name", name).gauges()) {
      if (gauge.value() == 1.0) {
        states.add(gauge.getId().getTag("state"));
      }
      assertThat(gauge.value()).isIn(0.0, 1.0);
    }
    return states;
  }

  private static void sendAs(ChatClient client, int i) throws Exception {
    ChatSession session =
        client.connect("user-" + i, new RecordingListener()).get(10, TimeUnit.SECONDS);
    RoomHandle room = session.join(RoomId.of("room-" + i)).get(10, TimeUnit.SECONDS);
    room.send("hello from " + i).get(10, TimeUnit.SECONDS);
    room.history(Long.MAX_VALUE, 5).get(10, TimeUnit.SECONDS);
  }

  /** Every meter's name and tags. */
  private static Set<String> meterIds(MeterRegistry registry) {
    Set<String> ids = new TreeSet<>();
    for (Meter meter : registry.getMeters()) {
      ids.add(meter.getId().getName() + meter.getId().getTags());
    }
    return ids;
  }

  private static double count(MeterRegistry registry, String name, String tag, String value) {
    var counter = registry.find(name).tag(tag, value).counter();
    return counter == null ? 0 : counter.count();
  }
}
