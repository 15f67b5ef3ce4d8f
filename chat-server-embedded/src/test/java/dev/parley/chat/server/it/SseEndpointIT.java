package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.it.SseWire.Event;
import dev.parley.chat.server.it.SseWire.Events;
import dev.parley.chat.spi.WebSocketCompression;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The protocol over Server-Sent Events and POSTs, on a real server over real HTTP. */
class SseEndpointIT {
  private ChatServer server;
  private final List<SseWire> wires = new ArrayList<>();
  private final List<Events> streams = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = server(Duration.ofSeconds(5));
  }

  /** A server whose ping (and heartbeat) interval is {@code ping}. */
  private static ChatServer server(Duration ping) throws IOException {
    return server(b -> b.pingInterval(ping));
  }

  /** A server on loopback with its HTTP side, as {@code configure} makes it. */
  private static ChatServer server(Consumer<ChatServerBuilder> configure) throws IOException {
    ChatServerBuilder builder =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .httpPort(0)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME);
    configure.accept(builder);
    return builder.build().start();
  }

  @AfterEach
  void stop() {
    streams.forEach(Events::close);
    server.close();
    wires.forEach(SseWire::close);
  }

  private SseWire wire() {
    SseWire wire = new SseWire(server.httpUri().orElseThrow());
    wires.add(wire);
    return wire;
  }

  private Events connect(SseWire wire, String user) throws Exception {
    Events events = wire.connect(user);
    streams.add(events);
    return events;
  }

  private static String join(int requestId, String room) {
    return "{\"requestId\":\"" + requestId + "\",\"join\":{\"room\":\"" + room + "\"}}";
  }

  private static String send(int requestId, String room, String id, String text) {
    return "{\"requestId\":\""
        + requestId
        + "\",\"send\":{\"room\":\""
        + room
        + "\",\"clientMessageId\":\""
        + id
        + "\",\"text\":\""
        + text
        + "\"}}";
  }

  @Test
  void twoUsersChatOverSse() throws Exception {
    SseWire alice = wire();
    SseWire bob = wire();
    Events aliceEvents = connect(alice, "alice");
    Events bobEvents = connect(bob, "bob");
    assertThat(alice.post(join(2, "general")).statusCode()).isEqualTo(204);
    aliceEvents.until(e -> e.has("joined"));
    assertThat(bob.post(join(2, "general")).statusCode()).isEqualTo(204);
    bobEvents.until(e -> e.has("joined"));

    assertThat(alice.post("[" + send(3, "general", "a-1", "hi bob") + "]").statusCode())
        .isEqualTo(204);

    Event message = bobEvents.until(e -> e.has("message")).get(0);
    message = message.has("message") ? message : bobEvents.until(e -> e.has("message")).get(0);
    assertThat(message.json().getAsJsonObject("message").get("text").getAsString())
        .isEqualTo("hi bob");
    assertThat(aliceEvents.until(e -> e.has("sendAck"))).isNotEmpty();
  }

  @Test
  void eventIdsCountFromOneWithoutGaps() throws Exception {
    SseWire alice = wire();
    Events events = connect(alice, "alice");
    alice.post(join(2, "room"));
    for (int i = 0; i < 20; i++) {
      alice.post(send(3 + i, "room", "m-" + i, "n" + i));
    }
    List<Event> seen = events.until(e -> e.has("sendAck") && e.data().contains("m-19"));
    long expected = 2; // the Welcome was 1
    for (Event event : seen) {
      if (event.id() > 0) {
        assertThat(event.id()).isEqualTo(expected++);
      }
    }
  }

  @Test
  void aDroppedStreamResumesFromLastEventIdWithNothingLostOrRepeated() throws Exception {
    SseWire alice = wire();
    SseWire bob = wire();
    Events aliceEvents = connect(alice, "alice");
    Events bobEvents = connect(bob, "bob");
    alice.post(join(2, "general"));
    aliceEvents.until(e -> e.has("joined"));
    bob.post(join(2, "general"));
    List<Event> beforeCut = bobEvents.until(e -> e.has("joined"));
    long lastSeen = beforeCut.get(beforeCut.size() - 1).id();

    bobEvents.close(); // bob's stream drops; his session stays
    for (int i = 0; i < 30; i++) {
      alice.post(send(3 + i, "general", "a-" + i, "text " + i));
    }
    aliceEvents.until(e -> e.has("sendAck") && e.data().contains("a-29"));

    Events resumed = bob.streamWithKey(lastSeen);
    streams.add(resumed);
    assertThat(resumed.status).isEqualTo(200);
    List<Event> after = resumed.until(e -> e.has("message") && e.data().contains("text 29"));
    List<String> texts = new ArrayList<>();
    long previousId = lastSeen;
    for (Event event : after) {
      assertThat(event.id()).isEqualTo(previousId + 1);
      previousId = event.id();
      if (event.has("message")) {
        texts.add(event.json().getAsJsonObject("message").get("text").getAsString());
      }
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      expected.add("text " + i);
    }
    assertThat(texts).isEqualTo(expected);
  }

  @Test
  void aNewStreamWithTheTicketOfABrowserResumesFromTheQueryParameter() throws Exception {
    SseWire alice = wire();
    Events first = connect(alice, "alice");
    alice.post(join(2, "general"));
    first.until(e -> e.has("joined"));
    first.close();
    alice.post(send(3, "general", "x", "while away"));
    assertThat(alice.newTicket().statusCode()).isEqualTo(200);

    Events second = alice.streamWithTicket(alice.ticket, 2);
    streams.add(second);
    List<Event> events = second.until(e -> e.has("sendAck"));
    assertThat(events.get(0).id()).isEqualTo(3);
    assertThat(events).anyMatch(e -> e.has("message"));
  }

  @Test
  void aTicketOpensOneStreamOnly() throws Exception {
    SseWire alice = wire();
    assertThat(alice.open(SseWire.connectFrame("alice")).statusCode()).isEqualTo(201);
    String ticket = alice.ticket;
    Events first = alice.streamWithTicket(ticket, -1);
    streams.add(first);
    assertThat(first.status).isEqualTo(200);

    Events again = alice.streamWithTicket(ticket, -1);
    streams.add(again);
    assertThat(again.status).isEqualTo(401);

    SseWire other = wire();
    other.open(SseWire.connectFrame("mallory"));
    other.session = alice.session; // mallory's fresh ticket, alice's session
    Events stolen = other.streamWithTicket(other.ticket, -1);
    streams.add(stolen);
    assertThat(stolen.status).isEqualTo(401);
  }

  @Test
  void aRepeatedPostIsProcessedOnceAndASkippedNumberIsRefused() throws Exception {
    SseWire alice = wire();
    Events events = connect(alice, "alice");
    assertThat(alice.postWithSeq(1, join(2, "general")).statusCode()).isEqualTo(204);
    assertThat(alice.postWithSeq(1, join(2, "general")).statusCode()).isEqualTo(204);
    HttpResponse<String> skipped = alice.postWithSeq(3, join(4, "other"));
    assertThat(skipped.statusCode()).isEqualTo(409);
    assertThat(skipped.body()).contains("expected 2");
    assertThat(
            alice.postWithSeq(2, "{\"requestId\":\"5\",\"ping\":{\"nonce\":\"7\"}}").statusCode())
        .isEqualTo(204);

    List<Event> seen = events.until(e -> e.has("pong"));
    assertThat(seen.stream().filter(e -> e.has("joined"))).hasSize(1);
    assertThat(seen.stream().filter(e -> e.data().contains("other"))).isEmpty();
  }

  @Test
  void badRequestsAreRefusedWithAReasonAndChangeNothing() throws Exception {
    SseWire alice = wire();
    Events events = connect(alice, "alice");
    URI session = alice.sessionUri();

    assertThat(alice.post("not json at all").statusCode()).isEqualTo(400);
    assertThat(alice.post("[]").statusCode()).isEqualTo(400);
    assertThat(alice.post("[1, 2]").statusCode()).isEqualTo(400);
    assertThat(alice.post("[" + "{},".repeat(64) + "{}]").statusCode()).isEqualTo(400);
    assertThat(alice.post("[[[[[[[[[[" + "[".repeat(5000)).statusCode()).isEqualTo(400);
    alice.postSeq -= 5; // none of them counted

    HttpResponse<String> plain =
        alice.http.send(
            HttpRequest.newBuilder(session)
                .header("Parley-Session-Key", alice.key)
                .header("Parley-Post-Seq", "1")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(join(2, "general")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(415);

    HttpResponse<String> wrongKey =
        alice.http.send(
            HttpRequest.newBuilder(session)
                .header(
                    "Parley-Session-Key",
                    (alice.key.charAt(0) == 'A' ? "B" : "A") + alice.key.substring(1))
                .header("Parley-Post-Seq", "1")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(join(2, "general")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(wrongKey.statusCode()).isEqualTo(401);
    assertThat(wrongKey.body()).contains("Parley-Session-Key");

    HttpResponse<String> noSeq =
        alice.http.send(
            HttpRequest.newBuilder(session)
                .header("Parley-Session-Key", alice.key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(join(2, "general")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(noSeq.statusCode()).isEqualTo(400);

    HttpResponse<String> unknown =
        alice.http.send(
            HttpRequest.newBuilder(URI.create(alice.endpoint + "/nosuchsession"))
                .header("Parley-Session-Key", alice.key)
                .header("Parley-Post-Seq", "1")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(join(2, "general")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);

    HttpResponse<String> put =
        alice.http.send(
            HttpRequest.newBuilder(session)
                .header("Parley-Session-Key", alice.key)
                .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(405);

    Events notAStream =
        new Events(
            alice.http.send(
                HttpRequest.newBuilder(session)
                    .header("Parley-Session-Key", alice.key)
                    .header("Accept", "application/json")
                    .build(),
                HttpResponse.BodyHandlers.ofLines()));
    streams.add(notAStream);
    assertThat(notAStream.status).isEqualTo(406);

    Events beyond = alice.streamWithKey(1_000_000);
    streams.add(beyond);
    assertThat(beyond.status).isEqualTo(400);

    Events badId =
        new Events(
            alice.http.send(
                HttpRequest.newBuilder(session)
                    .header("Parley-Session-Key", alice.key)
                    .header("Last-Event-ID", "-3")
                    .build(),
                HttpResponse.BodyHandlers.ofLines()));
    streams.add(badId);
    assertThat(badId.status).isEqualTo(400);

    // the session is untouched: the next POST is number 1 and works
    assertThat(alice.post(join(2, "general")).statusCode()).isEqualTo(204);
    assertThat(events.until(e -> e.has("joined"))).isNotEmpty();
  }

  @Test
  void aMalformedEnvelopeGetsMalformedFrameOnTheStream() throws Exception {
    SseWire alice = wire();
    Events events = connect(alice, "alice");
    assertThat(alice.post("{\"requestId\":\"2\",\"join\":{\"room\":{\"nested\":1}}}").statusCode())
        .isEqualTo(204);
    Event error = events.until(e -> e.has("error")).get(0);
    assertThat(error.data()).contains("MALFORMED_FRAME");
  }

  @Test
  void anOversizedBodyIsRefusedAndClosesTheSessionWith1009() throws Exception {
    SseWire alice = wire();
    Events events = connect(alice, "alice");
    String text = "x".repeat(70_000);
    HttpResponse<String> response = alice.post(send(2, "general", "big", text));
    assertThat(response.statusCode()).isEqualTo(413);
    Event close = events.until(e -> e.type().equals("close")).get(0);
    assertThat(close.json().get("code").getAsInt()).isEqualTo(1009);
    await().atMost(SseWire.WAIT).until(() -> events.ended.isDone());
    assertThat(alice.post(join(3, "general")).statusCode()).isEqualTo(404);
  }

  @Test
  void aFailedConnectIsAnErrorAndACloseOnTheStream() throws Exception {
    SseWire mallory = wire();
    assertThat(mallory.open(SseWire.connectFrame("not a valid nickname!")).statusCode())
        .isEqualTo(201);
    Events events = mallory.streamWithTicket(mallory.ticket, -1);
    streams.add(events);
    List<Event> seen = events.until(e -> e.type().equals("close"));
    assertThat(seen.get(0).has("error")).isTrue();
    assertThat(seen.get(seen.size() - 1).json().get("code").getAsInt()).isEqualTo(4001);
  }

  @Test
  void deleteClosesTheSession() throws Exception {
    SseWire alice = wire();
    Events events = connect(alice, "alice");
    assertThat(alice.delete().statusCode()).isEqualTo(204);
    await().atMost(SseWire.WAIT).until(() -> events.ended.isDone());
    assertThat(alice.post(join(2, "general")).statusCode()).isEqualTo(404);
  }

  @Test
  void aSessionWithoutAStreamIsClosedAfterTwoHeartbeatIntervals() throws Exception {
    server.close();
    server = server(Duration.ofMillis(300));
    SseWire alice = wire();
    Events events = connect(alice, "alice");
    events.close();
    await()
        .atMost(SseWire.WAIT)
        .until(() -> alice.post("{\"ping\":{\"nonce\":\"1\"}}").statusCode() == 404);
  }

  @Test
  void aSessionThatPostsNothingForThreeIntervalsIsClosedWith4003() throws Exception {
    server.close();
    server = server(Duration.ofMillis(300));
    SseWire alice = wire();
    Events events = connect(alice, "alice");
    Event close = events.until(e -> e.type().equals("close")).get(0);
    assertThat(close.json().get("code").getAsInt()).isEqualTo(4003);
  }

  @Test
  void theSessionStaysWhileTheClientPostsOncePerInterval() throws Exception {
    server.close();
    server = server(Duration.ofMillis(300));
    SseWire alice = wire();
    Events events = connect(alice, "alice");
    // five intervals with a ping POST every interval: the session stays open
    for (int i = 0; i < 5; i++) {
      Thread.sleep(300);
      assertThat(alice.post("{\"ping\":{\"nonce\":\"" + i + "\"}}").statusCode()).isEqualTo(204);
    }
    assertThat(events.until(e -> e.has("pong") && e.data().contains("\"4\""))).isNotEmpty();
  }

  @Test
  void aStreamOpenedThousandsOfTimesLeavesOneStreamAndAHealthyServer() throws Exception {
    SseWire alice = wire();
    connect(alice, "alice");
    for (int i = 0; i < 1_000; i++) {
      if (i % 50 == 0) { // the client keeps posting, as a live one does
        assertThat(alice.post("{\"ping\":{\"nonce\":\"" + i + "\"}}").statusCode()).isEqualTo(204);
      }
      Events again = alice.streamWithKey(-1);
      assertThat(again.status).isEqualTo(200);
      again.close();
    }
    Events last = alice.streamWithKey(-1);
    streams.add(last);
    alice.post("{\"requestId\":\"9\",\"ping\":{\"nonce\":\"9\"}}");
    assertThat(last.until(e -> e.has("pong"))).isNotEmpty();
    HttpResponse<String> health =
        alice.http.send(
            HttpRequest.newBuilder(server.httpUri().orElseThrow().resolve("/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("parley-sse"))
                .count())
        .isLessThanOrEqualTo(12);
  }

  @Test
  void healthAnswersWhileManyStreamsAreOpen() throws Exception {
    for (int i = 0; i < 40; i++) {
      connect(wire(), "user" + i);
    }
    HttpResponse<String> health =
        wires
            .get(0)
            .http
            .send(
                HttpRequest.newBuilder(server.httpUri().orElseThrow().resolve("/healthz"))
                    .timeout(SseWire.WAIT)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
  }

  @Test
  void anAddressGetsNoMoreSessionsThanItsLimit() throws Exception {
    server.close();
    server = server(b -> b.maxConnectionsPerAddress(2));
    assertThat(wire().open(null).statusCode()).isEqualTo(201);
    assertThat(wire().open(null).statusCode()).isEqualTo(201);
    HttpResponse<String> third = wire().open(null);
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.body()).contains("address");
  }

  @Test
  void aPageOfAnotherOriginIsRefused() throws Exception {
    SseWire alice = wire();
    HttpResponse<String> response =
        alice.http.send(
            HttpRequest.newBuilder(alice.endpoint)
                .header("Origin", "https://evil.example")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(SseWire.connectFrame("alice")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void aServerThatCompressesGzipsStreamsForClientsThatAcceptIt() throws Exception {
    server.close();
    server = server(b -> b.compression(WebSocketCompression.permessageDeflate()));
    SseWire alice = wire();
    assertThat(alice.open(SseWire.connectFrame("alice")).statusCode()).isEqualTo(201);
    Events events = alice.streamGzipped();
    streams.add(events);
    assertThat(events.headers.firstValue("Content-Encoding")).contains("gzip");
    assertThat(events.next().has("welcome")).isTrue();
    // each event can be read as soon as it is written: every write ends with a flush
    for (int i = 0; i < 3; i++) {
      alice.post("{\"requestId\":\"" + (10 + i) + "\",\"ping\":{\"nonce\":\"" + (i + 1) + "\"}}");
      assertThat(events.next().data()).contains("pong").contains("\"" + (i + 1) + "\"");
    }
  }

  @Test
  void aServerThatDoesNotCompressSendsPlainStreams() throws Exception {
    SseWire alice = wire();
    assertThat(alice.open(SseWire.connectFrame("alice")).statusCode()).isEqualTo(201);
    Events events = alice.streamGzipped();
    streams.add(events);
    assertThat(events.headers.firstValue("Content-Encoding")).isEmpty();
    assertThat(events.next().has("welcome")).isTrue();
  }

  @Test
  void stoppingTheServerClosesStreamsWithGoingAway() throws Exception {
    SseWire alice = wire();
    Events events = connect(alice, "alice");
    server.close();
    List<Event> seen = events.until(e -> e.type().equals("close"));
    assertThat(seen.get(seen.size() - 1).json().get("code").getAsInt()).isEqualTo(1001);
  }
}
