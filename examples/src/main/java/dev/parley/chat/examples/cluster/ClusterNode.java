package dev.parley.chat.examples.cluster;

import dev.parley.chat.cluster.redis.RedisClusterBus;
import dev.parley.chat.examples.demo.WebPage;
import dev.parley.chat.examples.metrics.PrometheusEndpoint;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import dev.parley.chat.store.jdbc.JdbcStoreException;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * One node of a Parley cluster: a chat server (with the demo's web page) that shares its rooms with
 * the other nodes through Redis and keeps messages in one PostgreSQL database that all nodes share.
 * Any load balancer can spread clients over the nodes; no stickiness is needed.
 *
 * <p>Every option can also be set by an environment variable named after it: {@code --jdbc-url} is
 * {@code PARLEY_JDBC_URL}, {@code --http-port} is {@code PARLEY_HTTP_PORT}, and so on (see {@link
 * #environmentVariable(String)}); a command-line option wins over the variable. On SIGTERM or
 * Ctrl-C the node {@linkplain ChatServer#drain(Duration) drains}: {@code /readyz} turns 503, its
 * clients move to other nodes, and it stops within {@link #DRAIN_TIMEOUT}.
 *
 * <p>Anyone may connect under any nickname ({@link DevelopmentAuthenticator#ANY_NICKNAME}): this is
 * an example, not a deployment. Not thread-safe (a command object, used once by {@link #main}); the
 * server it starts is thread-safe and runs its own threads.
 */
@Command(
    name = "parley-cluster-node",
    mixinStandardHelpOptions = true,
    description = {
      "Runs one node of a Parley cluster (Redis and a shared PostgreSQL) until SIGTERM or Ctrl-C,"
          + " which drain it.",
      "Each option may also come from the environment: --jdbc-url from PARLEY_JDBC_URL, and so on."
    })
public final class ClusterNode implements Callable<Integer> {
  /** Prefix of the environment variables that set the options. */
  public static final String ENVIRONMENT_PREFIX = "PARLEY_";

  /** The Redis server the nodes share, unless {@code --redis} says otherwise. */
  public static final String DEFAULT_REDIS = "redis://127.0.0.1:6379";

  /** The PostgreSQL database the nodes share, unless {@code --jdbc-url} says otherwise. */
  public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/test";

  /** How long the other nodes count this one live after it stopped renewing its lease. */
  public static final Duration LEASE_TIME = Duration.ofSeconds(10);

  /** How long a node being stopped waits for its clients to move to other nodes. */
  public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description =
          "Address to listen on (default: ${DEFAULT-VALUE}); 0.0.0.0 for every interface.")
  String host;

  @Option(
      names = "--port",
      defaultValue = "7450",
      description = "WebSocket port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--http-port",
      defaultValue = "7451",
      description = "Port of the web page, /healthz and /readyz (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--redis",
      defaultValue = DEFAULT_REDIS,
      description = "The Redis server the nodes share (default: ${DEFAULT-VALUE}).")
  String redis;

  @Option(
      names = "--jdbc-url",
      defaultValue = DEFAULT_JDBC_URL,
      description = "The PostgreSQL database the nodes share (default: ${DEFAULT-VALUE}).")
  String jdbcUrl;

  @Option(
      names = "--db-user",
      defaultValue = "postgres",
      description = "Database user (default: ${DEFAULT-VALUE}).")
  String dbUser;

  @Option(
      names = "--db-password",
      defaultValue = "",
      description = "Database password (default: none); prefer PARLEY_DB_PASSWORD.")
  String dbPassword;

  @Option(
      names = "--node-id",
      description = "This node's id, unique among live nodes (default: a random one).")
  String nodeId;

  @Option(
      names = "--key-prefix",
      defaultValue = "parley",
      description =
          "Prefix of the cluster's Redis keys; clusters sharing one Redis need different ones"
              + " (default: ${DEFAULT-VALUE}).")
  String keyPrefix;

  /**
   * Starts one node on the given store and bus, with the demo's web page: the chat endpoint on
   * {@code port}, the page and health checks on {@code httpPort}. The server owns {@code bus} from
   * here on and closes it when it closes; {@code store} stays the caller's, to close after the
   * server. If the node cannot be built or started, both are closed before the exception leaves.
   *
   * @param nodeId the node's id, unique among live nodes
   * @throws IOException if a port cannot be bound
   */
  public static ChatServer start(
      String host, int port, int httpPort, String nodeId, MessageStore store, ClusterBus bus)
      throws IOException {
    ChatServer server;
    try {
      server =
          WebPage.build(
              ChatServer.builder()
                  .host(host)
                  .port(port)
                  .httpPort(httpPort)
                  .serverId(nodeId)
                  .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                  .messageStore(store)
                  .clusterBus(bus)
                  .httpHandler(PrometheusEndpoint.PATH, PrometheusEndpoint.shared()),
              ChatServer::webSocketUri);
    } catch (RuntimeException e) {
      bus.close(); // the server never owned them
      store.close();
      throw e;
    }
    try {
      return server.start();
    } catch (IOException | RuntimeException e) {
      store.close(); // the server closed the bus it started, never the store
      throw e;
    }
  }

  @Override
  public Integer call() throws Exception {
    String id = nodeId != null ? nodeId : "node-" + HexFormat.of().toHexDigits(randomInt());
    MessageStore store;
    try {
      // snippet:start cluster-node
      store =
          JdbcMessageStore.builder()
              .jdbcUrl(jdbcUrl, dbUser, dbPassword)
              .exclusiveWriter(false) // every node writes to the same database
              .build();
      // snippet:end cluster-node
    } catch (JdbcStoreException e) {
      System.err.println(
          "Node " + id + " cannot open the database " + jdbcUrl + ": " + e.getMessage());
      return 1;
    }
    ClusterBus bus;
    try {
      // snippet:start cluster-bus
      bus = RedisClusterBus.builder().uri(redis).keyPrefix(keyPrefix).leaseTime(LEASE_TIME).build();
      // snippet:end cluster-bus
    } catch (RuntimeException e) {
      store.close();
      System.err.println("Node " + id + " cannot use Redis at " + redis + ": " + e);
      return 1;
    }
    ChatServer server;
    try {
      server = start(host, port, httpPort, id, store, bus); // closes both if it fails
    } catch (IOException | RuntimeException e) {
      System.err.println("Node " + id + " could not start: " + e);
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("Node " + id + " is draining, then stopping...");
                  server.drain(DRAIN_TIMEOUT).join(); // clients move to the other nodes
                  store.close(); // the node's, not the server's
                  System.out.println("Node " + id + " stopped.");
                  stopped.countDown();
                },
                "parley-node-drain"));
    URI http = server.httpUri().orElseThrow();
    System.out.println(
        "Parley node "
            + id
            + " is listening: chat "
            + server.webSocketUri()
            + ", web page "
            + http
            + ", readiness "
            + http.resolve("/readyz")
            + " (Redis "
            + redis
            + ", database "
            + jdbcUrl
            + ")");
    stopped.await();
    return 0;
  }

  private static int randomInt() {
    return new SecureRandom().nextInt();
  }

  /**
   * The environment variable that sets an option: {@code --http-port} is read from {@code
   * PARLEY_HTTP_PORT}.
   */
  public static String environmentVariable(String option) {
    Objects.requireNonNull(option, "option");
    if (!option.startsWith("--") || option.length() < 3) {
      throw new IllegalArgumentException("not a long option name: '" + option + "'");
    }
    return ENVIRONMENT_PREFIX + option.substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /** The environment variables a node reads, one for each option. */
  public static Set<String> environmentVariables() {
    Set<String> names = new TreeSet<>();
    for (OptionSpec option : commandLine(new ClusterNode(), Map.of()).getCommandSpec().options()) {
      if (!option.usageHelp() && !option.versionHelp()) {
        names.add(environmentVariable(option.longestName()));
      }
    }
    return names;
  }

  /**
   * The command line for {@code node}, whose options default to the variables of {@code
   * environment} (see {@link #environmentVariable(String)}), then to their built-in defaults.
   */
  static CommandLine commandLine(ClusterNode node, Map<String, String> environment) {
    Map<String, String> variables = Map.copyOf(environment);
    return new CommandLine(node)
        .setDefaultValueProvider(
            (ArgSpec argument) ->
                argument instanceof OptionSpec option
                        && !option.usageHelp()
                        && !option.versionHelp()
                    ? variables.get(environmentVariable(option.longestName()))
                    : null);
  }

  /** Runs a node; see the type's description. */
  public static void main(String[] args) {
    int exitCode = commandLine(new ClusterNode(), System.getenv()).execute(args);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }
}
