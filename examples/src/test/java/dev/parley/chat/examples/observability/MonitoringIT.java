package dev.parley.chat.examples.observability;

import static dev.parley.chat.examples.observability.MonitoringFiles.list;
import static dev.parley.chat.examples.observability.MonitoringFiles.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.cluster.redis.RedisClusterBus;
import dev.parley.chat.examples.cluster.ClusterNode;
import dev.parley.chat.examples.demo.DemoLogin;
import dev.parley.chat.examples.demo.DemoServer;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The monitoring example against real processes: a demo server and a cluster node (on the local
 * Redis and an H2 store) serve {@code /metrics}, real clients chat on both, a real Prometheus (the
 * shipped prometheus.yml and alerts.yml, with shorter intervals) scrapes them, and a real
 * Alertmanager (the shipped alertmanager.yml) sends to a webhook in this test.
 *
 * <p>What "returns data" means here:
 *
 * <ul>
 *   <li>every query of the Grafana dashboard, with {@code $instance} as every node and {@code
 *       $__rate_interval} as one minute, returns at least one series;
 *   <li>every metric selector that a rule of alerts.yml reads (with its label matchers) returns at
 *       least one series: no alert waits on a name or label the nodes do not export;
 *   <li>every alert's signal (its expression without the final comparison with the threshold)
 *       returns at least one series: the alert is evaluated, and is quiet because its value is
 *       below the threshold, not because it is empty;
 *   <li>Prometheus evaluates every rule without error, and no alert fires while the nodes are
 *       healthy (except the send latency alert, which a busy build machine may trip).
 * </ul>
 *
 * Then the demo server is closed, and ParleyNodeDown for it (and for it only) must reach the
 * webhook.
 *
 * <p>Needs prometheus and prometheus-alertmanager ({@code apt-get install prometheus
 * prometheus-alertmanager}) and Redis; without them the test is skipped, except when the
 * environment variable {@code CI} is {@code true}: there it fails. {@code PARLEY_PROMETHEUS},
 * {@code PARLEY_ALERTMANAGER} and {@code PARLEY_TEST_REDIS_URI} name others.
 */
@Timeout(150)
class MonitoringIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final RoomId ROOM = RoomId.of("lobby");
  private static final int MESSAGES = 20;

  /**
   * Metrics that rules read but that this build does not export yet (none now: the circuit
   * breakers' state is exported). For these the test asserts the opposite (no series), so that it
   * fails, asking to remove the name here, as soon as they are exported.
   */
  private static final Set<String> NOT_YET_EXPORTED = Set.of();

  /**
   * Alerts on how fast this machine is, which a busy build machine may trip during the test (the
   * first sends on a cold JVM); left out of the "nothing fires on healthy nodes" check.
   */
  private static final String MACHINE_SPEED = "ParleySendLatencyHigh";

  private static final Pattern FOR = Pattern.compile("(?m)^(\\s+for:) \\S+$");

  private static Path prometheus;
  private static Path alertmanager;
  private static URI redis;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<JsonObject> notifications = new CopyOnWriteArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private Path scratch;
  private URI prometheusApi;

  @BeforeAll
  static void findEverything() {
    prometheus =
        MonitoringFiles.executable(
            "PARLEY_PROMETHEUS", "prometheus", MonitoringFiles.PROMETHEUS_PACKAGE);
    alertmanager =
        MonitoringFiles.executable(
            "PARLEY_ALERTMANAGER", "prometheus-alertmanager", MonitoringFiles.ALERTMANAGER_PACKAGE);
    redis =
        URI.create(System.getenv().getOrDefault("PARLEY_TEST_REDIS_URI", "redis://127.0.0.1:6379"));
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(redis.getHost(), redis.getPort() < 0 ? 6379 : redis.getPort()),
          2000);
    } catch (IOException e) {
      String message = "MonitoringIT needs Redis at " + redis + " (" + e.getMessage() + ")";
      if ("true".equals(System.getenv("CI"))) {
        fail(message + ". CI=true: the monitoring test must not be skipped on CI.");
      }
      Assumptions.abort("skipped: " + message);
    }
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    if (scratch != null) {
      try (Stream<Path> files = Files.walk(scratch)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  @Test
  void dashboardAndAlertsReadRealSeriesAndANodeDownAlertReachesTheWebhook() throws Exception {
    scratch = Files.createTempDirectory("parley-monitoring");
    DemoLogin login = DemoLogin.generate(Clock.systemUTC());
    ChatServer demo = DemoServer.start("127.0.0.1", 0, 0, login);
    resources.add(demo::close);
    ChatServer node = clusterNode();
    requireMetricsPage(demo);
    String demoTarget = target(demo);
    String nodeTarget = target(node);

    URI webhook = startWebhook();
    URI alertmanagerUri = startAlertmanager(webhook);
    prometheusApi =
        startPrometheus(alertmanagerUri, Map.of(demoTarget, "demo", nodeTarget, "node"));

    awaitQuery("both nodes scraped", "up{job=\"parley\"} == 1", 2);
    chat(demo, user -> login.issue(UserId.of(user)));
    chat(node, user -> user);
    // Scraped after the traffic, and the rules evaluated on it.
    awaitQuery(
        "the sends scraped",
        "sum(parley_send_ack_seconds_count{job=\"parley\"}) >= " + 2 * MESSAGES,
        1);
    awaitQuery("send latency on both nodes", "parley:send_ack_seconds:p99_5m > 0", 2);
    awaitRulesEvaluatedWithoutError();

    List<String> empty = new ArrayList<>();
    List<String> nowExported = new ArrayList<>();
    for (String query : DashboardTest.queries()) {
      String concrete = query.replace("$instance", ".+").replace("$__rate_interval", "1m");
      check(concrete, concrete, empty, nowExported);
    }
    assertThat(empty).as("dashboard queries that return no series").isEmpty();

    List<String> missing = new ArrayList<>();
    for (Map<String, Object> rule : MonitoringFiles.rules()) {
      for (String selector : AlertExpression.selectors((String) rule.get("expr"))) {
        check(selector, selector, missing, nowExported);
      }
    }
    assertThat(missing).as("series that rules read and the nodes do not export").isEmpty();

    List<String> emptySignals = new ArrayList<>();
    for (Map.Entry<String, String> alert : MonitoringFiles.alerts().entrySet()) {
      String signal = AlertExpression.parse(alert.getValue()).signal();
      check(signal, alert.getKey() + ": " + signal, emptySignals, nowExported);
    }
    assertThat(emptySignals).as("alerts whose signal has no value").isEmpty();
    assertThat(nowExported)
        .as("queries on NOT_YET_EXPORTED metrics that return series now: remove those names")
        .isEmpty();
    assertThat(query("ALERTS{alertstate=\"firing\", alertname!~\"" + MACHINE_SPEED + "\"}"))
        .as("alerts firing while every node is healthy")
        .isEmpty();

    // Before the first scrape no node counted as ready; whatever that sent is not the point here.
    notifications.clear();
    demo.close();
    await("ParleyNodeDown for the closed demo server at the webhook")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !firing("ParleyNodeDown").isEmpty());
    assertThat(firing("ParleyNodeDown"))
        .extracting(labels -> labels.get("instance"))
        .containsOnly(demoTarget);
    Map<String, String> labels = firing("ParleyNodeDown").get(0);
    assertThat(labels)
        .containsEntry("severity", "critical")
        .containsEntry("job", "parley")
        .containsEntry("node", "demo");
  }

  /**
   * Runs {@code promql} and notes {@code what} in {@code empty} when it returns no series, or, when
   * it reads a {@link #NOT_YET_EXPORTED} metric, in {@code nowExported} when it returns some.
   */
  private void check(String promql, String what, List<String> empty, List<String> nowExported)
      throws IOException, InterruptedException {
    boolean waitsForExport =
        AlertExpression.selectors(promql).stream()
            .map(AlertExpression::metricName)
            .anyMatch(NOT_YET_EXPORTED::contains);
    boolean returnsSeries = !query(promql).isEmpty();
    if (waitsForExport && returnsSeries) {
      nowExported.add(what);
    } else if (!waitsForExport && !returnsSeries) {
      empty.add(what);
    }
  }

  /** A cluster node on the local Redis (a key prefix of its own) and an H2 store. */
  private ChatServer clusterNode() throws IOException {
    MessageStore store =
        JdbcMessageStore.builder().h2File(scratch.resolve("store").resolve("node")).build();
    resources.add(store::close);
    String prefix = "parley-monitoring-" + HexFormat.of().toHexDigits(new Random().nextInt()) + ":";
    RedisClusterBus bus =
        RedisClusterBus.builder()
            .uri(redis)
            .keyPrefix(prefix)
            .leaseTime(ClusterNode.LEASE_TIME)
            .build();
    ChatServer node = ClusterNode.start("127.0.0.1", 0, 0, "monitoring-node", store, bus);
    resources.add(node::close); // closes the bus; the store after it (resources close in reverse)
    return node;
  }

  /**
   * The demo server's {@code /metrics} page, which the examples' servers serve with Parley's meters
   * and the JVM's. Fails (skips outside CI) with a clear message when this build has none.
   */
  private void requireMetricsPage(ChatServer server) throws Exception {
    URI page = server.httpUri().orElseThrow().resolve("/metrics");
    HttpResponse<String> response = get(page);
    if (response.statusCode() == 404) {
      String message = "the demo server serves no " + page.getPath() + " in this build";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.abort("skipped: " + message);
    }
    assertThat(response.statusCode()).as("GET %s", page).isEqualTo(200);
    assertThat(response.body()).contains("parley_connections_open");
  }

  private static String target(ChatServer server) {
    return "127.0.0.1:" + server.httpUri().orElseThrow().getPort();
  }

  /**
   * Chat on {@code server}: two users join, one sends {@link #MESSAGES} messages (each
   * acknowledged), the other reads history, and then leaves (a closed connection).
   */
  private void chat(ChatServer server, UnaryOperator<String> token) throws Exception {
    ChatClient client =
        ChatClient.builder().endpoint(server.webSocketUri()).random(new Random(7)).build();
    resources.add(client::close);
    ChatSession writer =
        client.connect(token.apply("writer"), new ChatListener() {}).get(10, TimeUnit.SECONDS);
    ChatSession reader =
        client.connect(token.apply("reader"), new ChatListener() {}).get(10, TimeUnit.SECONDS);
    RoomHandle room = writer.join(ROOM).get(10, TimeUnit.SECONDS);
    RoomHandle readerRoom = reader.join(ROOM).get(10, TimeUnit.SECONDS);
    List<CompletableFuture<SendReceipt>> sends = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      sends.add(room.send("message " + i));
    }
    for (CompletableFuture<SendReceipt> send : sends) {
      send.get(30, TimeUnit.SECONDS);
    }
    assertThat(readerRoom.history(MESSAGES + 1, MESSAGES).get(10, TimeUnit.SECONDS).messages())
        .hasSize(MESSAGES);
    reader.close();
  }

  /** A webhook receiver: every notification Alertmanager posts, as JSON. */
  private URI startWebhook() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/alerts",
        exchange -> {
          try (InputStream body = exchange.getRequestBody()) {
            notifications.add(
                JsonParser.parseString(new String(body.readAllBytes(), StandardCharsets.UTF_8))
                    .getAsJsonObject());
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    resources.add(() -> server.stop(0));
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/alerts");
  }

  /** The labels of every firing alert named {@code name} that reached the webhook. */
  private List<Map<String, String>> firing(String name) {
    List<Map<String, String>> found = new ArrayList<>();
    for (JsonObject notification : notifications) {
      for (JsonElement element : notification.getAsJsonArray("alerts")) {
        JsonObject alert = element.getAsJsonObject();
        Map<String, String> labels = new LinkedHashMap<>();
        alert
            .getAsJsonObject("labels")
            .entrySet()
            .forEach(e -> labels.put(e.getKey(), e.getValue().getAsString()));
        if (alert.get("status").getAsString().equals("firing")
            && name.equals(labels.get("alertname"))) {
          found.add(labels);
        }
      }
    }
    return found;
  }

  /** The shipped alertmanager.yml with the webhook pointed here and the grouping waits at 1 s. */
  private URI startAlertmanager(URI webhook) throws Exception {
    Map<String, Object> config = MonitoringFiles.yaml(MonitoringFiles.file("alertmanager.yml"));
    Map<String, Object> route = map(config.get("route"));
    route.put("group_wait", "1s");
    route.put("group_interval", "1s");
    route.put("repeat_interval", "1h");
    Map<String, Object> receiver = map(list(config.get("receivers")).get(0));
    map(list(receiver.get("webhook_configs")).get(0)).put("url", webhook.toString());
    Path folder = Files.createDirectories(scratch.resolve("alertmanager"));
    Files.writeString(folder.resolve("alertmanager.yml"), dump(config));
    int port = freePort();
    Process process =
        start(
            folder,
            List.of(
                alertmanager.toString(),
                "--config.file=" + folder.resolve("alertmanager.yml"),
                "--storage.path=" + folder.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address="));
    URI uri = URI.create("http://127.0.0.1:" + port);
    awaitReady(process, uri.resolve("/-/ready"), folder.resolve("output.log"));
    return uri;
  }

  /**
   * The shipped prometheus.yml and alerts.yml with every interval at 1 s and every alert's {@code
   * for} at 3 s, scraping {@code targets} (address to node label) through the targets folder.
   */
  private URI startPrometheus(URI alertmanagerUri, Map<String, String> targets) throws Exception {
    Map<String, Object> config = MonitoringFiles.yaml(MonitoringFiles.file("prometheus.yml"));
    Map<String, Object> global = map(config.get("global"));
    global.put("scrape_interval", "1s");
    global.put("scrape_timeout", "1s");
    global.put("evaluation_interval", "1s");
    Map<String, Object> alerting =
        map(list(map(config.get("alerting")).get("alertmanagers")).get(0));
    map(list(alerting.get("static_configs")).get(0))
        .put("targets", List.of(alertmanagerUri.getHost() + ":" + alertmanagerUri.getPort()));
    Path folder = Files.createDirectories(scratch.resolve("prometheus"));
    Files.writeString(folder.resolve("prometheus.yml"), dump(config));

    String rules = Files.readString(MonitoringFiles.file("alerts.yml"));
    Matcher matcher = FOR.matcher(rules);
    assertThat(matcher.results().count()).isEqualTo(MonitoringFiles.alerts().size());
    Files.writeString(folder.resolve("alerts.yml"), FOR.matcher(rules).replaceAll("$1 3s"));

    List<Object> groups = new ArrayList<>();
    targets.forEach(
        (address, name) ->
            groups.add(Map.of("targets", List.of(address), "labels", Map.of("node", name))));
    Files.createDirectories(folder.resolve("targets"));
    Files.writeString(folder.resolve("targets").resolve("test.yml"), dump(groups));

    int port = freePort();
    Process process =
        start(
            folder,
            List.of(
                prometheus.toString(),
                "--config.file=" + folder.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + folder.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port));
    URI uri = URI.create("http://127.0.0.1:" + port);
    awaitReady(process, uri.resolve("/-/ready"), folder.resolve("output.log"));
    return uri;
  }

  private Process start(Path folder, List<String> command) throws IOException {
    Process process =
        new ProcessBuilder(command)
            .directory(folder.toFile())
            .redirectErrorStream(true)
            .redirectOutput(folder.resolve("output.log").toFile())
            .start();
    resources.add(
        () -> {
          process.destroy();
          if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
          }
        });
    return process;
  }

  private void awaitReady(Process process, URI ready, Path log) throws IOException {
    await(ready.toString())
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !process.isAlive() || answers200(ready));
    assertThat(process.isAlive())
        .as("%s exited; it printed:%n%s", ready, Files.readString(log))
        .isTrue();
  }

  private boolean answers200(URI uri) {
    try {
      return get(uri).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Waits until the instant query {@code promql} returns at least {@code series} series. */
  private void awaitQuery(String what, String promql, int series) {
    await(what + " (" + promql + ")")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> query(promql).size() >= series);
  }

  private void awaitRulesEvaluatedWithoutError() {
    await("every rule evaluated without error")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              JsonObject data = api("/api/v1/rules", "");
              List<String> unhealthy = new ArrayList<>();
              int rules = 0;
              for (JsonElement group : data.getAsJsonArray("groups")) {
                for (JsonElement element : group.getAsJsonObject().getAsJsonArray("rules")) {
                  JsonObject rule = element.getAsJsonObject();
                  rules++;
                  if (!rule.get("health").getAsString().equals("ok")) {
                    unhealthy.add(rule.get("name").getAsString() + ": " + rule);
                  }
                }
              }
              assertThat(rules).isEqualTo(MonitoringFiles.rules().size());
              assertThat(unhealthy).isEmpty();
            });
  }

  /** The series an instant query returns (an empty array when none). */
  private JsonArray query(String promql) throws IOException, InterruptedException {
    return api("/api/v1/query", "query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
        .getAsJsonArray("result");
  }

  private JsonObject api(String path, String query) throws IOException, InterruptedException {
    URI uri = prometheusApi.resolve(path + (query.isEmpty() ? "" : "?" + query));
    HttpResponse<String> response = get(uri);
    assertThat(response.statusCode()).as("GET %s: %s", uri, response.body()).isEqualTo(200);
    JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
    assertThat(body.get("status").getAsString()).as(response.body()).isEqualTo("success");
    return body.getAsJsonObject("data");
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String dump(Object yaml) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(options).dump(yaml);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
