package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.HistoryRequest;
import dev.parley.chat.protocol.internal.Join;
import dev.parley.chat.protocol.internal.Send;
import dev.parley.chat.testkit.net.RawWebSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * Attacks on the abuse limits, over real sockets. Each test names the defence it checks, asserts
 * the exact refusal, and afterwards two well-behaved users (alice and bob, on the Java client)
 * still chat on the same server.
 *
 * <p>The server's clock stands still unless a test moves it, so every bucket and retry-after is
 * exact; after each test it moves on ten seconds, which refills every bucket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbuseLimitsIT {
  private static final RoomId HEALTHY = RoomId.of("healthy");
  private final SteppedClock clock = new SteppedClock();
  private Fixture fixture;
  private RoomHandle alice;
  private RecordingListener bobEvents;
  private final List<RawWebSocket> attackers = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    fixture =
        new Fixture(
            b ->
                b.clock(clock)
                    .userSendRate(5, 10)
                    .userJoinRate(2, 5)
                    .userHistoryReadRate(3, 3)
                    .maxConnectionsPerUser(3)
                    .maxRoomsPerUser(5)
                    .maxTokenBytes(256)
                    .maxConnectionsPerAddress(8));
    ChatSession a = fixture.connect("alice", new RecordingListener());
    bobEvents = new RecordingListener();
    ChatSession b = fixture.connect("bob", bobEvents);
    alice = a.join(HEALTHY).get(10, TimeUnit.SECONDS);
    b.join(HEALTHY).get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  @AfterEach
  void othersStillChat(TestInfo test) throws Exception {
    for (RawWebSocket attacker : attackers) {
      attacker.close();
    }
    attackers.clear();
    clock.advance(Duration.ofSeconds(10));
    RecordingListener.await(
        () -> fixture.server.sessionCount() == 2,
        Duration.ofSeconds(10),
        () -> "sessions back to 2, now " + fixture.server.sessionCount());
    String text = "still here after " + test.getDisplayName();
    alice.send(text).get(10, TimeUnit.SECONDS);
    RecordingListener.await(
        () -> bobEvents.messages(HEALTHY).stream().anyMatch(m -> m.text().equals(text)),
        Duration.ofSeconds(10),
        () -> "bob to get '" + text + "'");
    assertThat(bobEvents.messages(HEALTHY))
        .extracting(ChatMessage::seq)
        .doesNotHaveDuplicates()
        .isSorted();
  }

  @Test
  void userSendRate_sendFloodOverManyConnectionsGetsOneUsersShare() throws Exception {
    List<RawWebSocket> connections = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RawWebSocket ws = attacker("flooder");
      RawClients.join(ws, "flood");
      assertThat(RawClients.await(ws, Envelope.BodyCase.JOINED)).isNotNull();
      connections.add(ws);
    }
    // 5 sends on each of 3 connections: 15 requests, one user's burst of 10 gets through
    for (RawWebSocket ws : connections) {
      for (int i = 0; i < 5; i++) {
        ws.sendBinary(send(100 + i, "flood", ws.hashCode() + "-" + i).toByteArray());
      }
    }
    List<Envelope> answers = new ArrayList<>();
    for (RawWebSocket ws : connections) {
      for (int i = 0; i < 5; i++) {
        answers.add(answer(ws, Envelope.BodyCase.SEND_ACK));
      }
    }
    assertThat(answers).filteredOn(Envelope::hasSendAck).hasSize(10);
    List<Envelope> refused = answers.stream().filter(Envelope::hasError).toList();
    assertThat(refused).hasSize(5);
    for (Envelope e : refused) {
      assertThat(e.getError().getCode()).isEqualTo(ErrorCode.RATE_LIMITED.code());
      assertThat(e.getError().getRetryable()).isTrue();
      assertThat(e.getError().getRetryAfterMs()).as("one token at 5/s").isEqualTo(200);
    }
    // at the retry-after the user may send again; a connection whose sends were refused resends
    // them first, in order (a later send may not overtake them: docs/guarantees.md)
    clock.advance(Duration.ofMillis(200));
    RawWebSocket first = connections.get(0);
    List<Envelope> firstAnswers = answers.subList(0, 5);
    int resent = 0;
    for (int i = 0; i < 5; i++) {
      if (firstAnswers.get(i).hasError()) {
        clock.advance(Duration.ofMillis(200)); // a token for each
        first.sendBinary(send(300 + i, "flood", first.hashCode() + "-" + i).toByteArray());
        Envelope again = answer(first, Envelope.BodyCase.SEND_ACK);
        assertThat(again.hasSendAck()).as("resent %d: %s", i, again).isTrue();
        resent++;
      }
    }
    assertThat(resent).isLessThanOrEqualTo(5);
    first.sendBinary(send(200, "flood", "after-the-wait").toByteArray());
    Envelope afterWait = answer(first, Envelope.BodyCase.SEND_ACK);
    assertThat(afterWait.hasSendAck()).as("%s", afterWait).isTrue();
  }

  @Test
  void userJoinRate_joinFloodIsRefusedWithRetryAfter() throws Exception {
    RawWebSocket ws = attacker("joiner");
    for (int i = 0; i < 8; i++) {
      ws.sendBinary(
          Envelope.newBuilder()
              .setRequestId(10 + i)
              .setJoin(Join.newBuilder().setRoom("j" + i))
              .build()
              .toByteArray());
    }
    List<Envelope> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      answers.add(answer(ws, Envelope.BodyCase.JOINED));
    }
    assertThat(answers).filteredOn(Envelope::hasJoined).hasSize(5);
    assertThat(answers.stream().filter(Envelope::hasError))
        .hasSize(3)
        .allSatisfy(
            e -> {
              assertThat(e.getError().getCode()).isEqualTo(ErrorCode.RATE_LIMITED.code());
              assertThat(e.getError().getRetryAfterMs()).as("one token at 2/s").isEqualTo(500);
            });
  }

  @Test
  void userHistoryReadRate_historyFloodIsRefusedWithRetryAfter() throws Exception {
    RawWebSocket a = attacker("reader");
    RawWebSocket b = attacker("reader");
    for (RawWebSocket ws : List.of(a, b)) {
      RawClients.join(ws, "books");
      assertThat(RawClients.await(ws, Envelope.BodyCase.JOINED)).isNotNull();
    }
    List<Envelope> answers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      RawWebSocket ws = i % 2 == 0 ? a : b;
      ws.sendBinary(
          Envelope.newBuilder()
              .setRequestId(30 + i)
              .setHistoryRequest(HistoryRequest.newBuilder().setRoom("books").setLimit(50))
              .build()
              .toByteArray());
      answers.add(answer(ws, Envelope.BodyCase.HISTORY_PAGE));
    }
    assertThat(answers).filteredOn(Envelope::hasHistoryPage).hasSize(3);
    assertThat(answers.stream().filter(Envelope::hasError))
        .hasSize(3)
        .allSatisfy(
            e -> {
              assertThat(e.getError().getCode()).isEqualTo(ErrorCode.RATE_LIMITED.code());
              assertThat(e.getError().getRetryAfterMs()).as("one token at 3/s").isEqualTo(334);
            });
  }

  @Test
  void maxConnectionsPerAddress_connectionFloodFromOneAddressLeavesRoomForOthers()
      throws Exception {
    InetSocketAddress server = fixture.server.address();
    InetAddress flooder = InetAddress.getByName("127.0.0.2");
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      RawWebSocket raw;
      try {
        raw = RawWebSocket.openFrom(server, flooder);
      } catch (IOException e) {
        Assumptions.abort("127.0.0.2 is not a local address here: " + e.getMessage());
        return;
      }
      attackers.add(raw);
      statuses.add(status(raw, ""));
    }
    assertThat(statuses)
        .as("8 sockets from 127.0.0.2 upgrade; the others are closed without an answer")
        .containsExactly(101, 101, 101, 101, 101, 101, 101, 101, -1, -1);
    // a new client from another address (127.0.0.1) still gets in and is welcomed
    try (RawWebSocket newcomer = RawClients.connected(fixture.server, "newcomer")) {
      assertThat(newcomer.acceptedSubprotocol()).isEqualTo(PROTO);
    }
  }

  @Test
  void maxConnectionsPerUser_fourthConnectionOfOneUserIsRefusedWith4006() throws Exception {
    for (int i = 0; i < 3; i++) {
      attacker("hoarder");
    }
    RawWebSocket fourth = track(open());
    fourth.sendBinary(connect("hoarder").toByteArray());
    Envelope refused = RawClients.read(fourth);
    assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.LIMIT_EXCEEDED.code());
    assertThat(refused.getError().getRetryable()).isFalse();
    assertThat(refused.getError().getMessage())
        .isEqualTo("user hoarder already has 3 connections open; close one first");
    assertThat(fourth.awaitClose(5_000)).isEqualTo(CloseCodes.TOO_MANY_CONNECTIONS);
    assertThat(CloseCodes.name(CloseCodes.TOO_MANY_CONNECTIONS)).isEqualTo("TOO_MANY_CONNECTIONS");
    // another user connects as usual
    attacker("someone-else");
  }

  @Test
  void maxRoomsPerUser_sixthRoomOverTwoConnectionsIsRefused() throws Exception {
    RawWebSocket a = attacker("collector");
    RawWebSocket b = attacker("collector");
    // c1 from both connections counts once
    String[] rooms = {"c1", "c1", "c2", "c3", "c4", "c5", "c6"};
    List<Envelope> answers = new ArrayList<>();
    for (int i = 0; i < rooms.length; i++) {
      RawWebSocket ws = i % 2 == 0 ? a : b;
      clock.advance(Duration.ofSeconds(1)); // joins at 2/s: this test is not about the rate
      ws.sendBinary(
          Envelope.newBuilder()
              .setRequestId(50 + i)
              .setJoin(Join.newBuilder().setRoom(rooms[i]))
              .build()
              .toByteArray());
      answers.add(answer(ws, Envelope.BodyCase.JOINED));
    }
    assertThat(answers.subList(0, 6)).allSatisfy(e -> assertThat(e.hasJoined()).isTrue());
    Envelope refused = answers.get(6);
    assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.LIMIT_EXCEEDED.code());
    assertThat(refused.getError().getMessage())
        .isEqualTo(
            "user collector may be in at most 5 rooms over all connections; leave one first");
  }

  @Test
  void maxTokenBytes_oversizedTokenIsRefusedBeforeAuthentication() throws Exception {
    RawWebSocket ws = track(open());
    ws.sendBinary(connect("x".repeat(10_000)).toByteArray());
    Envelope refused = RawClients.read(ws);
    assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED.code());
    assertThat(refused.getError().getMessage()).isEqualTo("token larger than 256 bytes");
    assertThat(ws.awaitClose(5_000)).isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
  }

  @Test
  void originPolicy_pageOfAnotherSiteCannotOpenASessionButTheDemoPageOfTheHttpSideCan()
      throws Exception {
    RawWebSocket evil = track(RawWebSocket.open(fixture.server.address(), 0));
    assertThat(status(evil, "Origin: https://evil.example\r\n")).isEqualTo(403);
    assertThat(evil.awaitClose(5_000)).isEqualTo(1006);

    String httpSide = "http://127.0.0.1:" + fixture.server.httpUri().orElseThrow().getPort();
    RawWebSocket page = track(RawWebSocket.open(fixture.server.address(), 0));
    assertThat(status(page, "Origin: " + httpSide + "\r\n")).isEqualTo(101);
    page.sendBinary(connect("pageuser").toByteArray());
    assertThat(RawClients.read(page).hasWelcome()).isTrue();
  }

  private static final String PROTO = Protocol.SUBPROTOCOL_PROTOBUF;

  /** A connected and welcomed raw client, closed after the test. */
  private RawWebSocket attacker(String user) throws IOException {
    return track(RawClients.connected(fixture.server, user));
  }

  private RawWebSocket open() throws IOException {
    return RawWebSocket.connect(
        fixture.server.address(), fixture.server.webSocketUri().getPath(), PROTO);
  }

  private RawWebSocket track(RawWebSocket ws) {
    attackers.add(ws);
    return ws;
  }

  /** The upgrade's HTTP status; -1 when the server closed the socket without answering. */
  private int status(RawWebSocket raw, String headers) {
    try {
      return raw.handshake(fixture.server.webSocketUri().getPath(), PROTO, headers);
    } catch (IOException e) {
      return -1;
    }
  }

  /** The answer to a request: the expected body or an Error, skipping deliveries and presence. */
  private static Envelope answer(RawWebSocket ws, Envelope.BodyCase expected) throws IOException {
    while (true) {
      Envelope e = RawClients.read(ws);
      assertThat(e).as("an answer (%s or an error)", expected).isNotNull();
      if (e.getBodyCase() == expected || e.hasError()) {
        return e;
      }
    }
  }

  private static Envelope send(long requestId, String room, String clientMessageId) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setSend(
            Send.newBuilder().setRoom(room).setClientMessageId(clientMessageId).setText("spam"))
        .build();
  }

  private static Envelope connect(String token) {
    return Envelope.newBuilder()
        .setRequestId(1)
        .setConnect(Connect.newBuilder().setProtocolVersion(Protocol.VERSION).setToken(token))
        .build();
  }

  /** A clock that moves only when told to. */
  private static final class SteppedClock extends Clock {
    private volatile Instant now = Instant.parse("2026-06-01T00:00:00Z");

    void advance(Duration step) {
      now = now.plus(step);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
