package dev.parley.chat.examples.cluster;

import dev.parley.chat.cluster.redis.RedisClusterBus;
import dev.parley.chat.events.rabbitmq.RabbitMqEventSink;
import dev.parley.chat.examples.demo.WebPage;
import dev.parley.chat.examples.metrics.PrometheusEndpoint;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.EventOptions;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.EventSink;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import dev.parley.chat.store.jdbc.JdbcStoreException;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
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
 * <p>With {@code --amqp-uri} the node also hands its events (messages stored, members joining,
 * users going online...) to RabbitMQ: each message's event is written to the database's outbox with
 * the message, and one node of the cluster at a time (the holder of the relay lease) publishes what
 * waits there to the exchange {@code --events-exchange}. A node that dies while relaying is
 * replaced by another after at most {@code --event-lease-ttl}. See docs/events.md.
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

  /** The relay lease's time to live unless {@code --event-lease-ttl} says otherwise. */
  public static final Duration DEFAULT_EVENT_LEASE_TTL = EventOptions.DEFAULT_LEASE_TTL;

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

  @Option(
      names = "--amqp-uri",
      description =
          "RabbitMQ to hand the node's events to, such as amqp://guest:guest@127.0.0.1:5672/%%2f;"
              + " events are on only when it is given (default: off). Prefer PARLEY_AMQP_URI when"
              + " it holds a password.")
  String amqpUri;

  @Option(
      names = "--events-exchange",
      defaultValue = RabbitMqEventSink.DEFAULT_EXCHANGE,
      description = "The topic exchange the events go to (default: ${DEFAULT-VALUE}).")
  String eventsExchange;

  @Option(
      names = "--event-lease-ttl",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description =
          "How long the event relay lease lasts unless renewed: a node that dies while relaying"
              + " is replaced after at most this long (such as 15s, 500ms, 2m or PT15S; default:"
              + " ${DEFAULT-VALUE}).")
  Duration eventLeaseTtl;

  /**
   * Starts one node on the given store and bus, with the demo's web page: the chat endpoint on
   * {@code port}, the page and health checks on {@code httpPort}. The server owns {@code bus} from
   * here on and closes it when it closes; {@code store} stays the caller's, to close after the
   * server. If the node cannot be built or started, both are closed before the exception leaves. On
   * a {@link JdbcMessageStore}, rooms' access state (private rooms, roles, bans, mutes) lives in
   * the same database ({@link JdbcMessageStore#roomAccessStore()}), shared by every node. Events
   * are off; {@link #start(String, int, int, String, MessageStore, ClusterBus, EventOptions)} turns
   * them on.
   *
   * @param nodeId the node's id, unique among live nodes
   * @throws IOException if a port cannot be bound
   */
  public static ChatServer start(
      String host, int port, int httpPort, String nodeId, MessageStore store, ClusterBus bus)
      throws IOException {
    return start(host, port, httpPort, nodeId, store, bus, null);
  }

  /**
   * Starts one node as {@link #start(String, int, int, String, MessageStore, ClusterBus)} does,
   * handing its events to the sink of {@code events}. Once started, the server owns the sink and
   * closes it when it closes; if the node cannot be started, the sink is closed too, but if it
   * cannot even be built (an exception before a port is bound), the sink stays the caller's (it may
   * be closed more than once).
   *
   * @param nodeId the node's id, unique among live nodes; also the relay lease's owner
   * @param events where the node's events go, or {@code null} for none
   * @throws IOException if a port cannot be bound
   */
  public static ChatServer start(
      String host,
      int port,
      int httpPort,
      String nodeId,
      MessageStore store,
      ClusterBus bus,
      EventOptions events)
      throws IOException {
    ChatServer server;
    try {
      ChatServerBuilder builder =
          ChatServer.builder()
              .host(host)
              .port(port)
              .httpPort(httpPort)
              .serverId(nodeId)
              .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
              .messageStore(store)
              .clusterBus(bus)
              .httpHandler(PrometheusEndpoint.PATH, PrometheusEndpoint.shared());
      if (store instanceof JdbcMessageStore jdbc) {
        // every node sees the same private rooms, roles and bans; room events share its outbox
        builder.roomAccessStore(jdbc.roomAccessStore());
      }
      if (events != null) {
        builder.events(events);
      }
      server = WebPage.build(builder, ChatServer::webSocketUri);
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
    EventSink sink = null;
    EventOptions events = null;
    if (amqpUri != null && !amqpUri.isBlank()) {
      try {
        // snippet:start cluster-events
        sink = RabbitMqEventSink.builder().uri(amqpUri).exchange(eventsExchange).build();
        events = EventOptions.builder(sink).leaseTtl(eventLeaseTtl).build();
        // snippet:end cluster-events
      } catch (RuntimeException e) {
        if (sink != null) {
          sink.close();
        }
        bus.close();
        store.close();
        System.err.println("Node " + id + " cannot use RabbitMQ: " + e.getMessage());
        return 1;
      }
    }
    ChatServer server;
    try {
      server = start(host, port, httpPort, id, store, bus, events); // closes all if it fails
    } catch (IOException | RuntimeException e) {
      if (sink != null) {
        sink.close(); // not owned by a server that was never built
      }
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
            + (sink == null
                ? ", events off"
                : ", events to exchange " + eventsExchange + " at " + withoutUserInfo(amqpUri))
            + ")");
    stopped.await();
    return 0;
  }

  /** An AMQP URI without its user and password, for printing. */
  static String withoutUserInfo(String uri) {
    try {
      URI u = URI.create(uri);
      return u.getScheme()
          + "://"
          + u.getHost()
          + (u.getPort() < 0 ? "" : ":" + u.getPort())
          + (u.getRawPath() == null ? "" : u.getRawPath());
    } catch (IllegalArgumentException e) {
      return "(an unreadable URI)";
    }
  }

  /**
   * Reads a duration as a number and a unit ({@code 500ms}, {@code 15s}, {@code 2m}, {@code 1h}) or
   * in ISO-8601 ({@code PT15S}); it must be positive. Stateless and thread-safe.
   */
  static final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
      return parseDuration(value);
    }

    static Duration parseDuration(String value) {
      String text = value.strip().toLowerCase(Locale.ROOT);
      Duration d;
      Matcher m = SHORT.matcher(text);
      if (m.matches()) {
        try {
          long n = Long.parseLong(m.group(1));
          d =
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              };
        } catch (NumberFormatException | ArithmeticException e) {
          throw new CommandLine.TypeConversionException("'" + value + "' is too long a duration");
        }
      } else {
        try {
          d = Duration.parse(text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
          throw new CommandLine.TypeConversionException(
              "'" + value + "' is not a duration such as 500ms, 15s, 2m or PT15S");
        }
      }
      if (d.isZero() || d.isNegative()) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a positive duration");
      }
      return d;
    }
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
