package dev.parley.chat.examples.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The cluster example's {@code docker-compose.yml} hangs together: no container engine runs in the
 * build, so this reads the file (and the nginx files it mounts) and checks what {@code docker
 * compose up} relies on: the services, health checks on {@code /readyz}, start order, ports, and
 * that the nodes' settings are options {@link ClusterNode} really reads.
 */
class ComposeFileTest {
  private static final Path CLUSTER =
      Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("cluster");
  private static final List<String> NODES = List.of("node1", "node2", "node3");
  private static final Pattern UPSTREAM =
      Pattern.compile("upstream\\s+(\\w+)\\s*\\{(.*?)\\}", Pattern.DOTALL);
  private static final Pattern SERVER = Pattern.compile("(?m)^\\s*server\\s+([^\\s;]+)");

  private static Map<String, Object> services;

  @BeforeAll
  static void readComposeFile() throws IOException {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    Map<String, Object> compose = map(yaml.load(Files.readString(file("docker-compose.yml"))));
    services = map(compose.get("services"));
  }

  @Test
  void hasRedisPostgresRabbitMqThreeNodesAndNginx() {
    assertThat(services)
        .containsOnlyKeys("redis", "postgres", "rabbitmq", "node1", "node2", "node3", "nginx");
    for (String backing : List.of("redis", "postgres", "rabbitmq")) {
      assertThat(map(service(backing).get("healthcheck")))
          .as("%s's health check", backing)
          .containsKey("test");
    }
  }

  @Test
  void everyNodeIsBuiltFromTheClusterDockerfileAndWaitsForHealthyBackingServices() {
    for (String node : NODES) {
      Map<String, Object> build = map(service(node).get("build"));
      Path context = CLUSTER.resolve((String) build.get("context")).normalize();
      assertThat(context.resolve((String) build.get("dockerfile")))
          .as("%s's Dockerfile", node)
          .isEqualTo(file("Dockerfile"));
      assertThat(context.resolve("mvnw")).as("%s's build context is the repository", node).exists();
      Map<String, Object> dependsOn = map(service(node).get("depends_on"));
      assertThat(dependsOn)
          .as("%s depends on", node)
          .containsOnlyKeys("redis", "postgres", "rabbitmq");
      dependsOn.values().forEach(condition -> assertHealthy(node, condition));
    }
  }

  @Test
  void everyNodeChecksReadyzOnItsOwnHttpPortAndHasTimeToDrain() {
    for (String node : NODES) {
      List<String> test = strings(map(service(node).get("healthcheck")).get("test"));
      String url = test.stream().filter(s -> s.startsWith("http")).findFirst().orElseThrow();
      URI readyz = URI.create(url);
      assertThat(readyz.getPath()).as("%s's health check", node).isEqualTo("/readyz");
      assertThat(readyz.getPort()).isEqualTo(settings(node).httpPort);
      Duration grace = Duration.parse("PT" + service(node).get("stop_grace_period"));
      assertThat(grace).as("%s's stop_grace_period", node).isGreaterThan(ClusterNode.DRAIN_TIMEOUT);
    }
  }

  @Test
  void nodeSettingsAreClusterNodeOptionsAndPointAtTheSharedServices() {
    Set<String> ids = new TreeSet<>();
    Map<String, Object> postgres = map(service("postgres").get("environment"));
    Map<String, Object> rabbit = map(service("rabbitmq").get("environment"));
    for (String node : NODES) {
      Map<String, String> environment = environment(node);
      assertThat(ClusterNode.environmentVariables())
          .as("variables %s sets that ClusterNode does not read", node)
          .containsAll(environment.keySet());
      ClusterNode settings = settings(node);
      ids.add(settings.nodeId);
      assertThat(settings.host).isEqualTo("0.0.0.0");
      assertThat(URI.create(settings.redis).getHost()).isEqualTo("redis");
      assertThat(settings.jdbcUrl)
          .isEqualTo("jdbc:postgresql://postgres:5432/" + postgres.get("POSTGRES_DB"));
      assertThat(settings.dbUser).isEqualTo(postgres.get("POSTGRES_USER"));
      assertThat(settings.dbPassword).isEqualTo(postgres.get("POSTGRES_PASSWORD"));
      URI amqp = URI.create(settings.amqpUri);
      assertThat(amqp.getHost()).as("%s's events broker", node).isEqualTo("rabbitmq");
      assertThat(amqp.getUserInfo())
          .as("%s's broker user (guest may not connect from other hosts)", node)
          .isEqualTo(
              rabbit.get("RABBITMQ_DEFAULT_USER") + ":" + rabbit.get("RABBITMQ_DEFAULT_PASS"));
      for (String mapping : strings(service(node).get("ports"))) {
        int containerPort = Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1));
        assertThat(containerPort).as(mapping).isIn(settings.port, settings.httpPort);
      }
    }
    assertThat(ids).as("node ids").hasSize(NODES.size());
  }

  @Test
  void publishedPortsDoNotCollide() {
    List<Integer> published = new ArrayList<>();
    for (String name : services.keySet()) {
      Object ports = service(name).get("ports");
      if (ports != null) {
        strings(ports).forEach(mapping -> published.add(hostPort(mapping)));
      }
    }
    assertThat(published).hasSizeGreaterThanOrEqualTo(8).doesNotHaveDuplicates();
  }

  @Test
  void nginxMountsTheConfigurationAndStartsAfterHealthyNodes() throws IOException {
    Map<String, Object> nginx = service("nginx");
    Map<String, String> mounts = new LinkedHashMap<>();
    for (String volume : strings(nginx.get("volumes"))) {
      String[] parts = volume.split(":");
      mounts.put(parts[1], parts[0]);
    }
    assertThat(mounts)
        .containsEntry("/etc/nginx/nginx.conf", "./nginx.conf")
        .containsEntry("/etc/nginx/upstreams.conf", "./upstreams-compose.conf");
    mounts.values().forEach(source -> assertThat(CLUSTER.resolve(source)).exists());
    String conf = Files.readString(file("nginx.conf"));
    assertThat(conf).contains("include upstreams.conf;");
    Matcher listen = Pattern.compile("(?m)^\\s*listen\\s+(\\d+);").matcher(conf);
    assertThat(listen.find()).as("a listen port in nginx.conf").isTrue();
    assertThat(strings(nginx.get("ports")))
        .anySatisfy(mapping -> assertThat(mapping).endsWith(":" + listen.group(1)));
    Map<String, Object> dependsOn = map(nginx.get("depends_on"));
    assertThat(dependsOn.keySet()).containsExactlyInAnyOrderElementsOf(NODES);
    dependsOn.values().forEach(condition -> assertHealthy("nginx", condition));
  }

  /**
   * Parley's own server upgrades a connection even when a proxy drops the {@code Upgrade} and
   * {@code Connection} headers, so {@code NginxConfigIT} would pass without them; anything else on
   * the way (and RFC 6455) needs them.
   */
  @Test
  void nginxPassesWebSocketUpgradesAndKeepsThemOpen() throws IOException {
    String conf = Files.readString(file("nginx.conf"));
    assertThat(conf)
        .contains("map $http_upgrade $connection_upgrade")
        .contains("proxy_http_version 1.1;")
        .contains("proxy_set_header Upgrade $http_upgrade;")
        .contains("proxy_set_header Connection $connection_upgrade;")
        .contains("proxy_read_timeout 1h;")
        .contains("proxy_next_upstream error timeout;");
  }

  @Test
  void composeUpstreamsAreTheNodesPorts() throws IOException {
    Map<String, List<String>> upstreams = upstreams(file("upstreams-compose.conf"));
    List<String> chat = new ArrayList<>();
    List<String> http = new ArrayList<>();
    for (String node : NODES) {
      chat.add(node + ":" + settings(node).port);
      http.add(node + ":" + settings(node).httpPort);
    }
    assertThat(upstreams).containsOnlyKeys("parley_chat", "parley_http");
    assertThat(upstreams.get("parley_chat")).containsExactlyElementsOf(chat);
    assertThat(upstreams.get("parley_http")).containsExactlyElementsOf(http);
  }

  @Test
  void localUpstreamsAreTheClusterDemosPorts() throws IOException {
    ClusterDemo demo = new ClusterDemo();
    new picocli.CommandLine(demo).parseArgs();
    List<String> chat = new ArrayList<>();
    List<String> http = new ArrayList<>();
    for (int i = 0; i < ClusterDemo.NODES; i++) {
      chat.add("127.0.0.1:" + (demo.basePort + i));
      http.add("127.0.0.1:" + (demo.basePort + i + ClusterDemo.HTTP_PORT_OFFSET));
    }
    Map<String, List<String>> upstreams = upstreams(file("upstreams.conf"));
    assertThat(upstreams.get("parley_chat")).containsExactlyElementsOf(chat);
    assertThat(upstreams.get("parley_http")).containsExactlyElementsOf(http);
  }

  /** The servers of each upstream block in an nginx file, in order. */
  static Map<String, List<String>> upstreams(Path file) throws IOException {
    Map<String, List<String>> upstreams = new LinkedHashMap<>();
    Matcher block = UPSTREAM.matcher(Files.readString(file));
    while (block.find()) {
      List<String> servers = new ArrayList<>();
      Matcher server = SERVER.matcher(block.group(2));
      while (server.find()) {
        servers.add(server.group(1));
      }
      upstreams.put(block.group(1), servers);
    }
    return upstreams;
  }

  static Path file(String name) {
    return CLUSTER.resolve(name);
  }

  private static ClusterNode settings(String node) {
    return ClusterNodeTest.parse(environment(node));
  }

  private static Map<String, String> environment(String node) {
    Map<String, String> environment = new LinkedHashMap<>();
    map(service(node).get("environment")).forEach((k, v) -> environment.put(k, String.valueOf(v)));
    return environment;
  }

  private static void assertHealthy(String service, Object condition) {
    assertThat(map(condition))
        .as("%s's depends_on condition", service)
        .containsEntry("condition", "service_healthy");
  }

  /** The host side of a port mapping: "127.0.0.1:7451:7450" and "7451:7450" give 7451. */
  private static int hostPort(String mapping) {
    String[] parts = mapping.split(":");
    return Integer.parseInt(parts[parts.length - 2]);
  }

  private static Map<String, Object> service(String name) {
    assertThat(services).containsKey(name);
    return map(services.get(name));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  private static List<String> strings(Object value) {
    assertThat(value).isInstanceOf(List.class);
    List<String> strings = new ArrayList<>();
    for (Object item : (List<?>) value) {
      strings.add(String.valueOf(item));
    }
    return strings;
  }
}
