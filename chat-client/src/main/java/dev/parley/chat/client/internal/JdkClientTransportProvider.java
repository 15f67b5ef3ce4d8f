package dev.parley.chat.client.internal;

import dev.parley.chat.spi.ClientTransportConfig;
import dev.parley.chat.spi.ClientTransportConnection;
import dev.parley.chat.spi.ClientTransportListener;
import dev.parley.chat.spi.ClientTransportProvider;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default client transport, {@code "jdk"}: {@link java.net.http.WebSocket}, no dependency
 * beyond the JDK. See docs/decisions/0002-client-websocket-transport.md.
 *
 * <p>Each {@link RealChatClient} loads its own instance (a fresh {@link java.util.ServiceLoader}
 * per client) and closes it with the client. On first use the instance creates one {@link
 * HttpClient} for all of that client's connections, on its own I/O pool: up to {@value
 * ClientExecutors#TRANSPORT_IO_THREADS} daemon threads {@code parley-jdk-io-N} (fewer on small
 * machines) that exit when idle, with a task queue bounded at {@value
 * ClientExecutors#TRANSPORT_IO_QUEUE} (the JDK hands a connection's reads and writes to it, a few
 * tasks per connection at a time).
 *
 * <p>{@code wss://}: the JDK client verifies the server's certificate chain with the config's
 * {@link ClientTransportConfig#sslContext()} (the JDK's default context, and so its default trust
 * store, when that is null) and the host name against the certificate; only TLS 1.3 and 1.2 are
 * offered. One {@link HttpClient} serves all connections with the same context.
 *
 * <p>{@link #close()} aborts the connections still open, stops the HTTP client and shuts the pool
 * down. JDK 17's HttpClient has no {@code close()}: its selector thread ({@code
 * HttpClient-N-SelectorManager}) only exits once the client is garbage collected. So on JDK 21 and
 * later this calls {@code HttpClient.shutdownNow()}; before that it interrupts the selector thread,
 * which ends its loop at once (it checks its interrupt status every turn). Thread-safe.
 */
public final class JdkClientTransportProvider implements ClientTransportProvider, AutoCloseable {
  /** This transport's name, for {@code ChatClientBuilder.transport(name)}. */
  public static final String NAME = "jdk";

  private static final Logger log = LoggerFactory.getLogger(JdkClientTransportProvider.class);
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(2);
  private static final Pattern CLIENT_ID = Pattern.compile("\\((\\d+)\\)\\s*$");
  private static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  private static final Object DEFAULT_TLS = new Object();

  private final Object lock = new Object();
  private final DaemonThreadFactory ioThreads = new DaemonThreadFactory("parley-jdk-io", true);
  private final Set<JdkWebSocketConnection> open = ConcurrentHashMap.newKeySet();
  private ThreadPoolExecutor executor;
  private final Map<Object, HttpClient> httpClients = new HashMap<>(); // by SSLContext
  private boolean closed;

  /** For {@link java.util.ServiceLoader}. */
  public JdkClientTransportProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompletableFuture<ClientTransportConnection> connect(
      URI endpoint, ClientTransportConfig config, ClientTransportListener listener) {
    HttpClient client;
    ThreadPoolExecutor io;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("the transport is closed"));
      }
      if (executor == null) {
        executor = ClientExecutors.transportIo(ioThreads);
      }
      SSLContext tls = config.sslContext();
      client =
          httpClients.computeIfAbsent(
              tls == null ? DEFAULT_TLS : tls, key -> newHttpClient(executor, tls));
      io = executor;
    }
    JdkWebSocketConnection connection =
        new JdkWebSocketConnection(listener, config.maxMessageBytes(), io, open::remove);
    open.add(connection);
    CompletableFuture<WebSocket> opening;
    try {
      opening =
          client
              .newWebSocketBuilder()
              .subprotocols(config.subprotocol())
              .connectTimeout(config.connectTimeout())
              .buildAsync(endpoint, connection);
    } catch (RuntimeException e) {
      open.remove(connection);
      return CompletableFuture.failedFuture(e);
    }
    return opening.handle(
        (webSocket, failure) -> {
          if (failure != null) {
            open.remove(connection);
            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
          }
          connection.opened(webSocket);
          synchronized (lock) {
            if (closed) {
              connection.abort();
            }
          }
          return connection;
        });
  }

  private static HttpClient newHttpClient(ThreadPoolExecutor executor, SSLContext tls) {
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(TLS_PROTOCOLS.clone());
    HttpClient.Builder builder = HttpClient.newBuilder().executor(executor);
    if (tls != null) {
      builder.sslContext(tls);
    }
    return builder.sslParameters(parameters).build();
  }

  /**
   * The HTTP client serving {@code tls} (null: the default context), if one was made; for tests.
   */
  HttpClient httpClient(SSLContext tls) {
    synchronized (lock) {
      return httpClients.get(tls == null ? DEFAULT_TLS : tls);
    }
  }

  /** Connections opened and not closed yet. */
  int openConnections() {
    return open.size();
  }

  @Override
  public void close() {
    List<HttpClient> clients;
    ThreadPoolExecutor io;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      clients = List.copyOf(httpClients.values());
      io = executor;
    }
    for (JdkWebSocketConnection connection : open) {
      connection.abort();
    }
    for (HttpClient client : clients) {
      stop(client);
    }
    if (io != null) {
      io.shutdown();
      ioThreads.awaitEnded(io, SHUTDOWN_WAIT, "JDK transport I/O");
    }
  }

  /** Stops the HttpClient's selector thread: shutdownNow() where it exists, else an interrupt. */
  static void stop(HttpClient client) {
    try {
      HttpClient.class.getMethod("shutdownNow").invoke(client);
      return;
    } catch (NoSuchMethodException beforeJdk21) {
      // fall through to the interrupt
    } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
      log.debug("HttpClient.shutdownNow() failed; interrupting its selector instead", e);
    }
    Thread selector = selectorThread(client);
    if (selector == null) {
      log.debug("no selector thread found for {}; it exits once the client is collected", client);
      return;
    }
    selector.interrupt();
    try {
      selector.join(SHUTDOWN_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The JDK names it {@code HttpClient-<id>-SelectorManager}, with the id its toString() ends in.
   */
  private static Thread selectorThread(HttpClient client) {
    Matcher id = CLIENT_ID.matcher(client.toString());
    if (!id.find()) {
      return null;
    }
    String name = "HttpClient-" + id.group(1) + "-SelectorManager";
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() + 16];
    int count;
    while ((count = root.enumerate(threads, true)) == threads.length) {
      threads = new Thread[threads.length * 2];
    }
    for (int i = 0; i < count; i++) {
      if (threads[i].getName().equals(name)) {
        return threads[i];
      }
    }
    return null;
  }
}
