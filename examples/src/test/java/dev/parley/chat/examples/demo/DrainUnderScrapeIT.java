package dev.parley.chat.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.testkit.logging.CapturedLog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Prometheus scrapes the demo's {@code /metrics} over real HTTP, again and again, while the server
 * drains its clients: every scrape until the HTTP side closes is a 200 with well-formed exposition
 * text, the drain gauges show the drain and the sessions leaving, the drain completes, and nothing
 * of Parley is left running or logged at ERROR afterwards.
 */
class DrainUnderScrapeIT {
  private final DemoLogin login = DemoLogin.generate(Clock.systemUTC());

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final RoomId ROOM = RoomId.of("general");
  private static final int CLIENTS = 4;

  /** A sample line: a metric name, optional labels, a value, an optional timestamp. */
  private static final Pattern SAMPLE =
      Pattern.compile(
          "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\\})?"
              + " (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( -?[0-9]+)?");

  private static final Pattern COMMENT =
      Pattern.compile("# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* \\w+)");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** One answer to {@code GET /metrics}. */
  private record Scrape(int status, String body) {
    OptionalDouble gauge(String name) {
      Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(body);
      return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }

    boolean draining() {
      return gauge("parley_draining").orElse(0) == 1;
    }

    double remaining() {
      return gauge("parley_drain_sessions_remaining").orElse(-1);
    }
  }

  @Test
  void everyScrapeDuringADrainAnswersAndTheGaugesFollowTheDrain() throws Exception {
    List<Scrape> scrapes = new CopyOnWriteArrayList<>();
    try (CapturedLog log = CapturedLog.start()) {
      ChatServer server = DemoServer.start("127.0.0.1", 0, 0, login);
      URI metrics = server.httpUri().orElseThrow().resolve("/metrics");
      ExecutorService scraper = Executors.newSingleThreadExecutor(r -> new Thread(r, "scraper"));
      List<WebSocket> holdouts = new ArrayList<>();
      try (ChatClient clients =
          ChatClient.builder()
              .endpoint(server.webSocketUri())
              .reconnectBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5))
              .build()) {
        for (int i = 0; i < CLIENTS; i++) {
          ChatSession session =
              clients
                  .connect(login.issue(UserId.of("user" + i)), new ChatListener() {})
                  .get(30, TimeUnit.SECONDS);
          session.join(ROOM).get(30, TimeUnit.SECONDS).send("hello " + i).get(30, TimeUnit.SECONDS);
        }
        // two sessions that ignore the server's GoAway, so the drain lasts until they leave
        holdouts.add(holdout(server.webSocketUri(), "holdout1"));
        holdouts.add(holdout(server.webSocketUri(), "holdout2"));
        Awaitility.await()
            .atMost(WAIT)
            .until(() -> scrape(metrics).gauge("parley_connections_open").orElse(0) >= 6);

        Future<?> scraping =
            scraper.submit(
                () -> {
                  while (true) {
                    try {
                      scrapes.add(scrape(metrics));
                    } catch (IOException e) {
                      return null; // the HTTP side has closed
                    }
                  }
                });
        Awaitility.await().atMost(WAIT).until(() -> scrapes.size() >= 3);
        assertThat(scrapes).noneMatch(Scrape::draining);

        CompletableFuture<Void> drained = server.drain(WAIT.multipliedBy(3));
        // the well-behaved clients leave; the two holdouts stay
        Awaitility.await()
            .atMost(WAIT)
            .until(() -> last(scrapes).draining() && last(scrapes).remaining() == 2);
        holdouts.get(0).sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(30, TimeUnit.SECONDS);
        Awaitility.await()
            .atMost(WAIT)
            .until(() -> last(scrapes).draining() && last(scrapes).remaining() == 1);
        assertThat(drained).isNotDone();
        holdouts.get(1).sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(30, TimeUnit.SECONDS);

        // the last session gone, the drain completes long before its timeout and closes the server
        drained.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        scraping.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      } finally {
        for (WebSocket socket : holdouts) {
          socket.abort();
        }
        scraper.shutdownNow();
        server.close();
      }

      assertThat(scrapes).hasSizeGreaterThan(5);
      for (Scrape scrape : scrapes) {
        assertThat(scrape.status()).isEqualTo(200);
        assertWellFormed(scrape.body());
      }
      List<Double> whileDraining =
          scrapes.stream().filter(Scrape::draining).map(Scrape::remaining).toList();
      // the clients leave, then the holdouts one by one (a client's refused reconnect attempt
      // may count for a moment, so the readings are not checked to fall at every step)
      assertThat(whileDraining).first().satisfies(n -> assertThat(n).isGreaterThanOrEqualTo(2.0));
      assertThat(whileDraining).contains(2.0, 1.0);
      assertThat(whileDraining.indexOf(1.0)).isGreaterThan(whileDraining.indexOf(2.0));
      // the server closes within a poll of the last session leaving, so the last scrape while
      // draining reads 1 or 0; the drain completing long before its timeout shows it reached 0
      assertThat(whileDraining.get(whileDraining.size() - 1)).isLessThanOrEqualTo(1.0);

      Awaitility.await()
          .atMost(WAIT)
          .untilAsserted(() -> assertThat(parleyThreads()).as("Parley threads left").isEmpty());
      assertThat(log.errorLines()).isEmpty();
    }
  }

  private Scrape scrape(URI metrics) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    return new Scrape(response.statusCode(), response.body());
  }

  private static Scrape last(List<Scrape> scrapes) {
    return scrapes.isEmpty() ? new Scrape(0, "") : scrapes.get(scrapes.size() - 1);
  }

  private static void assertWellFormed(String body) {
    assertThat(body).endsWith("\n");
    for (String line : body.split("\n")) {
      assertThat(line)
          .as("an exposition line")
          .satisfiesAnyOf(l -> assertThat(l).matches(SAMPLE), l -> assertThat(l).matches(COMMENT));
    }
  }

  private static List<String> parleyThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("parley-"))
        .toList();
  }

  /** A raw JSON-subprotocol session that connects and then ignores whatever it is told. */
  private WebSocket holdout(URI endpoint, String user) throws Exception {
    LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    WebSocket socket =
        http.newWebSocketBuilder()
            .subprotocols("parley.v1.json")
            .buildAsync(
                endpoint,
                new WebSocket.Listener() {
                  private final StringBuilder partial = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                      frames.add(partial.toString());
                      partial.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                  }
                })
            .get(30, TimeUnit.SECONDS);
    socket.sendText(
        "{\"requestId\":\"1\",\"connect\":{\"protocolVersion\":1,\"token\":\""
            + login.issue(UserId.of(user))
            + "\",\"clientName\":\"scrape-test\",\"clientVersion\":\"0.1\"}}",
        true);
    assertThat(frames.poll(30, TimeUnit.SECONDS)).contains("\"welcome\"");
    return socket;
  }
}
