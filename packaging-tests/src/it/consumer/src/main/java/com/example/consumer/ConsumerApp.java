package com.example.consumer;

import com.nimbusds.jose.JWSAlgorithm;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.sun.net.httpserver.HttpServer;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.auth.jwt.JwtAuthenticator;
import dev.parley.chat.blob.s3.S3BlobStore;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.cluster.redis.RedisClusterBus;
import dev.parley.chat.events.rabbitmq.RabbitMqEventSink;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.spi.BlobId;
import dev.parley.chat.spi.BlobInfo;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Runs Parley as an application on the module path would: a server with the durable store on an
 * H2 file and two clients exchanging a message, and a browser's JSON connect, on the default
 * transport (Netty); then the same over the Java-WebSocket transport, and on a node with the Redis cluster bus (when Redis runs). Run again with
 * PostgreSQL's driver on the module path and the argument {@code postgresql}, it runs the store on
 * PostgreSQL. Before that, it checks what the packaging promises: Parley's
 * jars are named modules, the transport is found through the module system's services, and the
 * PostgreSQL driver is not brought in unless the application asks for it. Exits with status 1 on
 * the first broken promise.
 */
public final class ConsumerApp {
  private ConsumerApp() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 1 && args[1].equals("postgresql")) {
      onPostgres();
      return;
    }
    Path dataDir = Path.of(args[0]);
    for (String module :
        List.of(
            "dev.parley.chat.api",
            "dev.parley.chat.server",
            "dev.parley.chat.client",
            "dev.parley.chat.store.jdbc",
            "dev.parley.chat.transport.jws",
            "dev.parley.chat.transport.netty")) {
      check(ModuleLayer.boot().findModule(module).isPresent(), "module " + module + " resolved");
    }
    check(
        ChatServer.class.getModule().getDescriptor() != null
            && !ChatServer.class.getModule().getDescriptor().isAutomatic(),
        "chat-server-embedded is an explicit module");
    check(
        !ChatServer.class.getModule().isExported("dev.parley.chat.server.internal"),
        "the server's internal package is not exported");
    check(
        ModuleLayer.boot().findModule("org.postgresql.jdbc").isEmpty(),
        "the PostgreSQL driver is not on the module path");

    try (JdbcMessageStore unexpected =
        JdbcMessageStore.builder()
            .jdbcUrl("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "")
            .build()) {
      check(false, "a PostgreSQL store without its driver fails to build, built " + unexpected);
    } catch (IllegalStateException e) {
      System.out.println("Without the driver: " + e.getMessage());
      check(
          e.getMessage().contains("org.postgresql:postgresql"),
          "the missing-driver error names the artifact to add");
    }

    // The default transport (Netty) with the durable store, then the Java-WebSocket transport.
    try (JdbcMessageStore store =
        JdbcMessageStore.builder().h2File(dataDir.resolve("parley")).build()) {
      exchange(ChatServer.builder().messageStore(store), "netty (the default transport)", "parley-netty-");
    }
    exchange(ChatServer.builder().transport("java-websocket"), "java-websocket", "parley-jws-");
    jwt();
    events();
    blobs();

    // Lettuce (and its Netty and Reactor) on the module path: a node with the Redis cluster bus.
    URI redis =
        URI.create(
            System.getenv().getOrDefault("PARLEY_TEST_REDIS_URI", "redis://127.0.0.1:6379"));
    if (reachable(redis)) {
      RedisClusterBus bus =
          RedisClusterBus.builder()
              .uri(redis)
              .keyPrefix("parley-consumer-" + ProcessHandle.current().pid())
              .build();
      // A node of a cluster needs a store the nodes share; one node here, so an in-memory one.
      exchange(
          ChatServer.builder().clusterBus(bus).messageStore(new InMemoryMessageStore(1_000)),
          "redis cluster bus",
          "parley-netty-");
    } else if ("true".equals(System.getenv("CI"))) {
      check(false, "Redis is reachable at " + redis + " (CI=true)");
    } else {
      System.out.println("skipped: no Redis at " + redis + ", the cluster bus was not run");
    }
    System.out.println("Module path check passed");
  }

  /**
   * Two clients exchange a message on a server built from {@code builder}, whose transport's
   * threads are named with {@code threadPrefix}.
   */
  private static void exchange(ChatServerBuilder builder, String transport, String threadPrefix)
      throws Exception {
    try (ChatServer server =
            builder
                .port(0)
                .disableHttp()
                .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                .build()
                .start();
        ChatClient alicesApp = ChatClient.builder().endpoint(server.webSocketUri()).build();
        ChatClient bobsApp = ChatClient.builder().endpoint(server.webSocketUri()).build()) {
      CompletableFuture<ChatMessage> bobReceived = new CompletableFuture<>();
      ChatSession bob =
          bobsApp
              .connect(
                  "bob",
                  new ChatListener() {
                    @Override
                    public void onMessage(ChatSession session, MessageEvent event) {
                      bobReceived.complete(event.message());
                    }
                  })
              .get(30, TimeUnit.SECONDS);
      bob.join(RoomId.of("general")).get(30, TimeUnit.SECONDS);
      ChatSession alice =
          alicesApp.connect("alice", new ChatListener() {}).get(30, TimeUnit.SECONDS);
      RoomHandle general = alice.join(RoomId.of("general")).get(30, TimeUnit.SECONDS);
      String text = "hello from the module path over " + transport;
      general.send(text).get(30, TimeUnit.SECONDS);
      ChatMessage message = bobReceived.get(30, TimeUnit.SECONDS);
      System.out.println("Bob received from " + message.sender() + ": " + message.text());
      check(message.text().equals(text), "the message arrived unchanged over " + transport);
      check(
          Thread.getAllStackTraces().keySet().stream()
              .anyMatch(t -> t.isAlive() && t.getName().startsWith(threadPrefix)),
          transport + " runs on its threads (" + threadPrefix + "...)");
      String welcome = jsonWelcome(server.webSocketUri());
      System.out.println("JSON welcome over " + transport + ": " + welcome);
      check(
          welcome.contains("\"welcome\"") && welcome.contains("\"user\":\"carol\""),
          "a browser's JSON frames are parsed and answered over " + transport);
    }
  }

  /** JWT authentication on the module path: Nimbus' own module descriptor, the JDK's EC keys. */
  private static void jwt() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    JwtAuthenticator authenticator =
        JwtAuthenticator.builder()
            .keys(new JWKSet(key.toPublicJWK()))
            .algorithms("ES256")
            .issuer("https://login.example")
            .audience("chat")
            .build();
    SignedJWT token =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(),
            new JWTClaimsSet.Builder()
                .subject("dora")
                .issuer("https://login.example")
                .audience("chat")
                .expirationTime(Date.from(Instant.now().plusSeconds(60)))
                .build());
    token.sign(new ECDSASigner(key));
    try (ChatServer server =
            ChatServer.builder()
                .host("127.0.0.1")
                .port(0)
                .disableHttp()
                .authenticator(authenticator)
                .build()
                .start();
        ChatClient app = ChatClient.builder().endpoint(server.webSocketUri()).build()) {
      ChatSession session =
          app.connect(token.serialize(), new ChatListener() {}).get(30, TimeUnit.SECONDS);
      check(session.user().value().equals("dora"), "a signed JWT is accepted on the module path");
    }
  }

  /**
   * The RabbitMQ event sink on the module path (amqp-client, Resilience4j, chat-api's event codec):
   * a message sent on a server with events on reaches a queue bound to the sink's exchange.
   */
  private static void events() throws Exception {
    URI amqp =
        URI.create(
            System.getenv()
                .getOrDefault("PARLEY_TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/%2f"));
    if (!reachable(amqp.getHost(), amqp.getPort() < 0 ? 5672 : amqp.getPort())) {
      check(!"true".equals(System.getenv("CI")), "RabbitMQ is reachable at " + amqp + " (CI=true)");
      System.out.println("skipped: no RabbitMQ at " + amqp + ", the event sink was not run");
      return;
    }
    String exchange = "parley-consumer-" + ProcessHandle.current().pid();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(amqp);
    try (com.rabbitmq.client.Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      channel.exchangeDeclare(exchange, "topic", true);
      String queue = channel.queueDeclare().getQueue(); // exclusive, deleted with the connection
      channel.queueBind(queue, exchange, "message.stored.#");
      try (RabbitMqEventSink sink =
          RabbitMqEventSink.builder().uri(amqp.toString()).exchange(exchange).build()) {
        exchange(ChatServer.builder().events(sink), "rabbitmq event sink", "parley-netty-");
        GetResponse event = null;
        for (int i = 0; i < 300 && event == null; i++) {
          event = channel.basicGet(queue, true);
          if (event == null) {
            Thread.sleep(100);
          }
        }
        check(event != null, "the message's event reached RabbitMQ");
        System.out.println(
            "Event from RabbitMQ: "
                + event.getEnvelope().getRoutingKey()
                + ", "
                + event.getProps().getContentType()
                + ", "
                + event.getBody().length
                + " bytes");
        check(
            event.getEnvelope().getRoutingKey().equals("message.stored.general"),
            "the event is filed under message.stored.general");
      } finally {
        channel.exchangeDelete(exchange);
      }
    }
  }

  /**
   * The S3 blob store on the module path (the AWS SDK's automatic modules, its URL-connection HTTP
   * client): a lookup is signed, sent and its answer read, against a stand-in for S3 on loopback
   * that answers what S3 would.
   */
  private static void blobs() throws Exception {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    BlobId hello = BlobId.ofDigest(sha256.digest("hello".getBytes(StandardCharsets.UTF_8)));
    BlobId missing = BlobId.ofDigest(sha256.digest("missing".getBytes(StandardCharsets.UTF_8)));
    AtomicReference<String> seen = new AtomicReference<>();
    HttpServer s3 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s3.createContext(
        "/",
        exchange -> {
          seen.set(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI().getPath()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Authorization"));
          boolean known = exchange.getRequestURI().getPath().endsWith(hello.sha256());
          exchange.getResponseHeaders().set("Last-Modified", "Sat, 05 Dec 2026 10:00:00 GMT");
          exchange.getResponseHeaders().set("ETag", "\"5d41402abc4b2a76b9719d911017c592\"");
          exchange.getResponseHeaders().set("Content-Length", "5");
          exchange.sendResponseHeaders(known ? 200 : 404, -1);
          exchange.close();
        });
    s3.start();
    try (S3BlobStore store =
        S3BlobStore.builder()
            .bucket("parley-consumer")
            .endpointOverride(
                URI.create("http://127.0.0.1:" + s3.getAddress().getPort()))
            .pathStyleAccess(true)
            .region(software.amazon.awssdk.regions.Region.EU_WEST_1)
            .credentialsProvider(
                software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                    software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        "consumer", "consumer-secret")))
            .maxAttempts(1)
            .build()) {
      Optional<BlobInfo> stored = store.stat(hello);
      System.out.println("S3 request: " + seen.get());
      check(
          stored.isPresent() && stored.get().size() == 5,
          "the S3 blob store reads a HeadObject answer on the module path");
      check(
          seen.get().startsWith("HEAD /parley-consumer/")
              && seen.get().contains("AWS4-HMAC-SHA256 Credential=consumer/"),
          "the S3 request was signed and sent to the bucket");
      check(
          store.stat(missing).isEmpty(), "a missing S3 object is reported as absent");
    } finally {
      s3.stop(0);
    }
  }

  /**
   * Connects as a browser does, with the JSON subprotocol, which the server reads and writes with
   * Protobuf's JsonFormat: reflection over the generated classes, across module boundaries.
   */
  private static String jsonWelcome(URI endpoint) throws Exception {
    CompletableFuture<String> firstText = new CompletableFuture<>();
    WebSocket.Listener listener =
        new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              firstText.complete(text.toString());
            }
            socket.request(1);
            return null;
          }

          @Override
          public void onError(WebSocket socket, Throwable error) {
            firstText.completeExceptionally(error);
          }
        };
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .subprotocols("parley.v1.json")
            .buildAsync(endpoint, listener)
            .get(30, TimeUnit.SECONDS);
    socket
        .sendText(
            "{\"requestId\":\"1\",\"connect\":{\"protocolVersion\":1,\"token\":\"carol\"}}",
            true)
        .get(30, TimeUnit.SECONDS);
    String welcome = firstText.get(30, TimeUnit.SECONDS);
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(30, TimeUnit.SECONDS);
    return welcome;
  }

  /**
   * The second run, with PostgreSQL's driver added to the module path: the store on PostgreSQL, in
   * a schema of its own that is dropped afterwards.
   */
  private static void onPostgres() throws Exception {
    check(
        ModuleLayer.boot().findModule("org.postgresql.jdbc").isPresent(),
        "the PostgreSQL driver is on the module path when the application adds it");
    String url =
        System.getenv()
            .getOrDefault("PARLEY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    String user = System.getenv().getOrDefault("PARLEY_TEST_PG_USER", "postgres");
    String password = System.getenv().getOrDefault("PARLEY_TEST_PG_PASSWORD", "");
    URI server = URI.create(url.substring("jdbc:".length()));
    if (!reachable(server.getHost(), server.getPort() < 0 ? 5432 : server.getPort())) {
      check(!"true".equals(System.getenv("CI")), "PostgreSQL is reachable at " + url + " (CI=true)");
      System.out.println("skipped: no PostgreSQL at " + url + ", the store was not run on it");
      return;
    }
    String schema = "parley_consumer_" + ProcessHandle.current().pid();
    try {
      try (JdbcMessageStore store =
          JdbcMessageStore.builder().jdbcUrl(url, user, password).schema(schema).build()) {
        exchange(ChatServer.builder().messageStore(store), "postgresql store", "parley-netty-");
      }
    } finally {
      try (Connection c = DriverManager.getConnection(url, user, password);
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
    System.out.println("PostgreSQL check passed");
  }

  private static boolean reachable(URI redis) {
    return reachable(redis.getHost(), redis.getPort() < 0 ? 6379 : redis.getPort());
  }

  private static boolean reachable(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      System.out.println("FAILED: " + what);
      System.exit(1);
    }
    System.out.println("ok: " + what);
  }
}
