package dev.parley.chat.client.internal;

import dev.parley.chat.spi.ClientTransportConfig;
import dev.parley.chat.spi.ClientTransportConnection;
import dev.parley.chat.spi.ClientTransportListener;
import dev.parley.chat.spi.ClientTransportProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The client transport {@code "sse"}: Parley's Server-Sent Events binding (docs/protocol.md) on the
 * JDK's {@link HttpClient}, for networks that break WebSocket upgrades. It supports {@code http://}
 * and {@code https://} endpoints only (the server's SSE endpoint, {@code /chat/sse} on its HTTP
 * port); each connection is one SSE session ({@link SseConnection}). See
 * docs/decisions/0038-java-client-sse-transport.md.
 *
 * <p>Each {@link RealChatClient} that needs it loads its own instance and closes it with the
 * client. On first use the instance creates one {@link HttpClient} per TLS context (HTTP/1.1 only;
 * {@code https://} verifies the chain with the config's {@link ClientTransportConfig#sslContext()}
 * or the JDK's default, and the host name; TLS 1.3 and 1.2 only), on its own I/O pool: up to
 * {@value ClientExecutors#TRANSPORT_IO_THREADS} daemon threads {@code parley-sse-io-N} that exit
 * when idle, with a task queue bounded at {@value ClientExecutors#TRANSPORT_IO_QUEUE}; and one
 * timer thread {@code parley-sse-timer} (retry delays, connect deadlines) that also exits when
 * idle. Listener calls run on the I/O threads.
 *
 * <p>{@link #close()} aborts the connections still open, stops the HTTP clients and shuts both
 * pools down. Thread-safe.
 */
public final class SseClientTransportProvider implements ClientTransportProvider, AutoCloseable {
  /** This transport's name, for {@code ChatClientBuilder.transport(name)}. */
  public static final String NAME = "sse";

  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(2);
  private static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  private static final Object DEFAULT_TLS = new Object();

  private final Object lock = new Object();
  private final DaemonThreadFactory ioThreads = new DaemonThreadFactory("parley-sse-io", true);
  private final DaemonThreadFactory timerThread =
      new DaemonThreadFactory("parley-sse-timer", false);
  private final Set<SseConnection> open = ConcurrentHashMap.newKeySet();
  private final Map<Object, HttpClient> httpClients = new HashMap<>(); // by SSLContext
  private ThreadPoolExecutor executor;
  private ScheduledThreadPoolExecutor timer;
  private boolean closed;

  /** For {@link java.util.ServiceLoader}. */
  public SseClientTransportProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Whether Protobuf's JSON support and Gson, which this transport needs to speak the protocol's
   * JSON form, are on the class path (an application that shades the client without them can still
   * use WebSocket).
   */
  @Override
  public boolean isAvailable() {
    ClassLoader loader = SseClientTransportProvider.class.getClassLoader();
    try {
      Class.forName("com.google.protobuf.util.JsonFormat", false, loader);
      Class.forName("com.google.gson.JsonParser", false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Only {@code http://} and {@code https://} endpoints: the server's SSE endpoint. */
  @Override
  public boolean supports(URI endpoint) {
    String scheme = endpoint.getScheme();
    return "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
  }

  @Override
  public CompletableFuture<ClientTransportConnection> connect(
      URI endpoint, ClientTransportConfig config, ClientTransportListener listener) {
    if (!supports(endpoint)) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "the sse transport connects to http:// or https:// endpoints only, not " + endpoint));
    }
    HttpClient client;
    SseConnection connection;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("the transport is closed"));
      }
      if (executor == null) {
        executor = ClientExecutors.transportIo(ioThreads);
        timer = new ScheduledThreadPoolExecutor(1, timerThread);
        timer.setKeepAliveTime(2, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        timer.setRemoveOnCancelPolicy(true);
      }
      SSLContext tls = config.sslContext();
      ThreadPoolExecutor io = executor;
      client =
          httpClients.computeIfAbsent(tls == null ? DEFAULT_TLS : tls, k -> newHttpClient(io, tls));
      connection =
          new SseConnection(client, executor, timer, endpoint, config, listener, open::remove);
      open.add(connection);
    }
    try {
      return connection.open();
    } catch (RuntimeException e) {
      open.remove(connection);
      return CompletableFuture.failedFuture(e);
    }
  }

  private static HttpClient newHttpClient(ThreadPoolExecutor executor, SSLContext tls) {
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(TLS_PROTOCOLS.clone());
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .executor(executor)
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (tls != null) {
      builder.sslContext(tls);
    }
    return builder.sslParameters(parameters).build();
  }

  /** Connections opened and not finished yet. */
  int openConnections() {
    return open.size();
  }

  @Override
  public void close() {
    List<HttpClient> clients;
    ThreadPoolExecutor io;
    ScheduledThreadPoolExecutor timers;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      clients = List.copyOf(httpClients.values());
      io = executor;
      timers = timer;
    }
    for (SseConnection connection : open) {
      connection.abort();
    }
    if (timers != null) {
      timers.shutdownNow();
      timerThread.awaitEnded(timers, SHUTDOWN_WAIT, "SSE transport timer");
    }
    if (io != null) {
      // let the aborts reach their listeners (and their DELETEs leave) before the client stops
      io.shutdown();
      ioThreads.awaitEnded(io, SHUTDOWN_WAIT, "SSE transport I/O");
    }
    for (HttpClient client : clients) {
      JdkClientTransportProvider.stop(client);
    }
  }
}
