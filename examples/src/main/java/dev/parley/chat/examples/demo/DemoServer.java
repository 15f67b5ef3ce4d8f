package dev.parley.chat.examples.demo;

import dev.parley.chat.examples.metrics.PrometheusEndpoint;
import dev.parley.chat.server.AttachmentOptions;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.FileSystemBlobStore;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.ServerTls;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import dev.parley.chat.store.jdbc.JdbcStoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo: an embedded Parley server that also serves a chat web page, running until Ctrl-C.
 *
 * <p>Run it from the repository root with {@code ./mvnw -q -pl examples -am -Pdemo package
 * -DskipTests}, then open the printed web page in two browser tabs. Every option also has a system
 * property ({@code parley.demo.host}, {@code parley.demo.port}, {@code parley.demo.httpPort},
 * {@code parley.demo.dataDir}).
 *
 * <p>Messages are kept in an H2 database file under {@code parley-data/} (the {@code --data-dir}
 * option), so stopping and starting the demo keeps the conversation; {@code --in-memory} keeps them
 * in memory instead. Files sent in the chat are kept under {@code parley-data/files/} (a temporary
 * folder with {@code --in-memory}). The page logs in at {@code POST /login?name=...} ({@link
 * DemoLogin}) and connects with the signed, short-lived JWT it gets back, which the server checks
 * with a {@code JwtAuthenticator}. Anyone may log in under any name: this is a demo, not a
 * deployment.
 */
@Command(
    name = "parley-demo",
    mixinStandardHelpOptions = true,
    description = "Runs a Parley chat server with a web page until Ctrl-C.")
public final class DemoServer implements Callable<Integer> {
  @Option(
      names = "--host",
      defaultValue = "${sys:parley.demo.host:-127.0.0.1}",
      description =
          "Address to listen on (default: ${DEFAULT-VALUE}). Use 0.0.0.0 to let other machines"
              + " join; they can then chat as anyone.")
  private String host;

  @Option(
      names = "--port",
      defaultValue = "${sys:parley.demo.port:-7450}",
      description = "WebSocket port, 0 for any free one (default: ${DEFAULT-VALUE}).")
  private int port;

  @Option(
      names = "--http-port",
      defaultValue = "${sys:parley.demo.httpPort:-7451}",
      description =
          "Web page and health check port, 0 for any free one (default: ${DEFAULT-VALUE}).")
  private int httpPort;

  @Option(
      names = "--data-dir",
      defaultValue = "${sys:parley.demo.dataDir:-parley-data}",
      description =
          "Folder of the H2 database that keeps the messages (default: ${DEFAULT-VALUE}).")
  private Path dataDir;

  @Option(
      names = "--tls",
      arity = "2",
      split = ",",
      paramLabel = "PEM",
      defaultValue = "${sys:parley.demo.tls}",
      description =
          "Serve wss:// and https:// with this certificate chain and PKCS#8 key (two PEM files:"
              + " --tls chain.pem key.pem); default: plain ws:// and http://.")
  private Path[] tls;

  @Option(
      names = "--in-memory",
      description = "Keep messages in memory only: they are gone when the demo stops.")
  private boolean inMemory;

  /**
   * Builds and starts a demo server: the chat endpoint on {@code port}, the web page at {@code /}
   * of the HTTP side on {@code httpPort}, tokens from {@code login} as credentials, messages in
   * memory.
   *
   * @throws IOException if a port cannot be bound
   */
  public static ChatServer start(String host, int port, int httpPort, DemoLogin login)
      throws IOException {
    return start(host, port, httpPort, new InMemoryMessageStore(), ChatServer::webSocketUri, login);
  }

  /**
   * The demo's durable store: the H2 database file {@code dataDir/demo.mv.db}, created when
   * missing, so that a server started again on the same folder has the whole conversation. The
   * caller closes it after the server.
   *
   * @throws dev.parley.chat.store.jdbc.JdbcStoreException if the database cannot be opened (for
   *     example, another demo already uses it)
   */
  static MessageStore durableStore(Path dataDir) {
    return JdbcMessageStore.builder().h2File(dataDir.resolve("demo")).build();
  }

  /**
   * Starts a demo server on {@code store}; the page is sent to the endpoint {@code advertised}
   * returns, asked again each time the page connects (tests put a proxy there). The store stays the
   * caller's: close it after the server. Clients log in at {@code /login} and connect with the
   * token {@code login} issues; give a restarted server the same login to keep its tokens valid.
   */
  static ChatServer start(
      String host,
      int port,
      int httpPort,
      MessageStore store,
      Function<ChatServer, URI> advertised,
      DemoLogin login)
      throws IOException {
    return start(host, port, httpPort, store, advertised, login, null);
  }

  /**
   * As {@link #start(String, int, int, MessageStore, Function, DemoLogin)}; with {@code tls} (or
   * null) the chat and the page are served over TLS.
   */
  static ChatServer start(
      String host,
      int port,
      int httpPort,
      MessageStore store,
      Function<ChatServer, URI> advertised,
      DemoLogin login,
      ServerTls tls)
      throws IOException {
    return start(host, port, httpPort, store, advertised, login, tls, null);
  }

  /**
   * As {@link #start(String, int, int, MessageStore, Function, DemoLogin, ServerTls)}; with {@code
   * attachments} (or null: off) members can send files. The blob store in them stays the caller's.
   */
  static ChatServer start(
      String host,
      int port,
      int httpPort,
      MessageStore store,
      Function<ChatServer, URI> advertised,
      DemoLogin login,
      ServerTls tls,
      AttachmentOptions attachments)
      throws IOException {
    ChatServer server;
    try {
      ChatServerBuilder builder =
          ChatServer.builder()
              .host(host)
              .port(port)
              .httpPort(httpPort)
              .authenticator(login.authenticator())
              .httpHandler("/login", login)
              .messageStore(store)
              .httpHandler(PrometheusEndpoint.PATH, PrometheusEndpoint.shared());
      if (tls != null) {
        builder.tls(tls);
      }
      if (attachments != null) {
        builder.attachments(attachments);
      }
      server = WebPage.build(builder, advertised);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return server.start();
  }

  @Override
  public Integer call() throws Exception {
    MessageStore store;
    try {
      store = inMemory ? new InMemoryMessageStore() : durableStore(dataDir);
    } catch (JdbcStoreException e) {
      System.err.println(
          "Cannot open the demo's messages in "
              + dataDir.toAbsolutePath().normalize()
              + " (is another demo using it? stop it, or give --data-dir another folder): "
              + e.getMessage());
      return 1;
    }
    ServerTls serverTls;
    try {
      serverTls = tls == null ? null : ServerTls.fromPem(tls[0], tls[1]);
    } catch (IllegalArgumentException e) {
      store.close();
      System.err.println("Cannot use the TLS files: " + e.getMessage());
      return 1;
    }
    Path filesDir =
        inMemory ? Files.createTempDirectory("parley-demo-files") : dataDir.resolve("files");
    FileSystemBlobStore files = FileSystemBlobStore.open(filesDir);
    ChatServer server =
        start(
            host,
            port,
            httpPort,
            store,
            ChatServer::webSocketUri,
            DemoLogin.generate(Clock.systemUTC()),
            serverTls,
            AttachmentOptions.builder(files).build());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("Stopping the Parley demo server...");
                  server.close();
                  store.close(); // the server leaves what it was given to its owner
                  files.close();
                  stopped.countDown();
                },
                "parley-demo-shutdown"));
    printWelcome(server, inMemory ? null : dataDir, System.out);
    stopped.await();
    return 0;
  }

  static void printWelcome(ChatServer server, Path dataDir, PrintStream out) {
    URI http = server.httpUri().orElseThrow();
    out.println();
    out.println("Parley demo server is running.");
    out.println("  Web page:   " + http + "   <- open it in two browser tabs");
    out.println("  WebSocket:  " + server.webSocketUri());
    out.println("  Health:     " + http.resolve("/healthz"));
    out.println("  Metrics:    " + http.resolve("/metrics") + "   (Prometheus format)");
    if (dataDir == null) {
      out.println("  Messages:   in memory only; they are gone when the demo stops");
    } else {
      out.println(
          "  Messages:   kept in "
              + dataDir.toAbsolutePath().normalize()
              + " (restart the demo: the conversation is still there)");
    }
    out.println(
        "Anyone may log in under any name (the page gets a signed token from /login):"
            + " for demos only.");
    out.println("Press Ctrl-C to stop.");
    out.println();
  }

  /** Runs the demo; see the type's description. */
  public static void main(String[] args) {
    int exitCode = new CommandLine(new DemoServer()).execute(args);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }
}
