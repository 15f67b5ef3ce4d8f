package dev.parley.chat.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.ChatServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo server serves its page, tells the page where the chat endpoint is, and speaks the JSON
 * subprotocol the page uses, exactly as docs/protocol.md shows it.
 */
class DemoServerIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
  private ChatServer server;
  private URI page;

  @BeforeEach
  void start() throws Exception {
    server = DemoServer.start("127.0.0.1", 0, 0, DemoLogin.generate(Clock.systemUTC()));
    page = server.httpUri().orElseThrow();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void loginIssuesSignedTokensAndTheChatRefusesOthers() throws Exception {
    String token = login("dora");
    assertThat(token.split("\\.")).hasSize(3); // a compact JWS: header.payload.signature
    assertThat(post("/login?name=not%20a%20name").statusCode()).isEqualTo(400);
    assertThat(post("/login").statusCode()).isEqualTo(400);
    assertThat(get("/login").statusCode()).isEqualTo(405);

    // A bare nickname, as the demo took before it had a login, is now refused.
    JsonFrames frames = new JsonFrames();
    WebSocket socket =
        http.newWebSocketBuilder()
            .subprotocols("parley.v1.json")
            .buildAsync(server.webSocketUri(), frames)
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    socket.sendText(
        "{\"requestId\":\"1\",\"connect\":{\"protocolVersion\":1,\"token\":\"dora\"}}", true);
    assertThat(frames.next())
        .contains("\"name\":\"AUTHENTICATION_FAILED\"")
        .contains("\"message\":\"invalid token\"");
  }

  @Test
  void servesParleyAndJvmMetricsForPrometheus() throws Exception {
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("content-type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    // the demo's own server is in the global registry's gauges, the JVM binders are bound
    assertThat(metrics.body())
        .contains("parley_connections_open ")
        .contains("parley_send_ack_seconds_bucket")
        .contains("parley_errors_total{code=\"RATE_LIMITED\"}")
        .contains("jvm_memory_used_bytes")
        .contains("process_cpu_usage");
  }

  @Test
  void servesThePageAndWhereItsChatEndpointIs() throws Exception {
    HttpResponse<String> index = get("/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("<script type=\"module\" src=\"app.js\">");
    assertThat(get("/app.js").body()).contains("parley.v1.json");
    assertThat(get("/healthz").statusCode()).isEqualTo(200);

    HttpResponse<String> config = get("/config.json");
    assertThat(config.headers().firstValue("content-type")).contains("application/json");
    assertThat(config.body())
        .isEqualTo(
            "{\"webSocketPort\":" + server.address().getPort() + ",\"webSocketPath\":\"/chat\"}");
  }

  @Test
  void printsWhereToGo() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DemoServer.printWelcome(
        server, Path.of("parley-data"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("Messages:   kept in " + Path.of("parley-data").toAbsolutePath())
        .contains("Web page:   " + page)
        .contains("WebSocket:  " + server.webSocketUri())
        .contains("Health:     " + page.resolve("/healthz"));
  }

  @Test
  void speaksTheJsonSubprotocolThePageUses() throws Exception {
    JsonFrames frames = new JsonFrames();
    WebSocket socket =
        http.newWebSocketBuilder()
            .subprotocols("parley.v1.json")
            .buildAsync(server.webSocketUri(), frames)
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(socket.getSubprotocol()).isEqualTo("parley.v1.json");

    socket.sendText(
        "{\"requestId\":\"1\",\"connect\":{\"protocolVersion\":1,\"token\":\""
            + login("alice")
            + "\","
            + "\"clientName\":\"web\",\"clientVersion\":\"0.1\"}}",
        true);
    assertThat(frames.next()).startsWith("{\"requestId\":\"1\",\"welcome\":{\"user\":\"alice\"");

    socket.sendText("{\"requestId\":\"2\",\"join\":{\"room\":\"general\"}}", true);
    assertThat(frames.next())
        .startsWith("{\"requestId\":\"2\",\"joined\":{\"room\":\"general\"")
        .contains("\"online\":[\"alice\"]");

    socket.sendText(
        "{\"requestId\":\"3\",\"send\":{\"room\":\"general\",\"clientMessageId\":\"c1\","
            + "\"text\":\"hi\"}}",
        true);
    String first = frames.next();
    String second = frames.next();
    String message = first.startsWith("{\"message\"") ? first : second;
    String ack = first.startsWith("{\"message\"") ? second : first;
    assertThat(message)
        .startsWith("{\"message\":{\"room\":\"general\",\"seq\":\"1\",")
        .contains("\"sender\":\"alice\"", "\"text\":\"hi\"", "\"clientMessageId\":\"c1\"");
    assertThat(ack)
        .startsWith("{\"requestId\":\"3\",\"sendAck\":{\"room\":\"general\"")
        .contains("\"seq\":\"1\"");

    socket.sendText(
        "{\"requestId\":\"4\",\"historyRequest\":{\"room\":\"general\",\"fromSeq\":\"0\","
            + "\"direction\":\"BACKWARD\",\"limit\":50}}",
        true);
    assertThat(frames.next())
        .startsWith("{\"requestId\":\"4\",\"historyPage\":{\"room\":\"general\"")
        .contains("\"text\":\"hi\"", "\"firstSeq\":\"1\"", "\"headSeq\":\"1\"");

    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Logs in at the demo's login page and returns the token it issued. */
  private String login(String name) throws Exception {
    HttpResponse<String> answer = post("/login?name=" + name);
    assertThat(answer.statusCode()).isEqualTo(200);
    Matcher token = Pattern.compile("\\{\"token\":\"([A-Za-z0-9_.-]+)\",").matcher(answer.body());
    assertThat(token.find()).as(answer.body()).isTrue();
    return token.group(1);
  }

  private HttpResponse<String> post(String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(page.resolve(pathAndQuery))
            .timeout(WAIT)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(page.resolve(path)).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Collects whole text messages. */
  private static final class JsonFrames implements WebSocket.Listener {
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        received.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    String next() throws InterruptedException {
      String frame = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(frame).as("a frame within " + WAIT).isNotNull();
      return frame;
    }
  }
}
