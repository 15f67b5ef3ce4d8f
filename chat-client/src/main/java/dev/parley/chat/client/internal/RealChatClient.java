package dev.parley.chat.client.internal;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.TokenProvider;
import dev.parley.chat.spi.ClientTransportProvider;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ChatClient}: shared settings, transport and threads for any number of sessions.
 * Thread-safe.
 *
 * <p>Resources: the transport chosen at build time (see {@link TransportSelection}); when the
 * client looked it up itself and it is {@link AutoCloseable}, as the default JDK transport is, the
 * client closes it, releasing its HTTP client and I/O threads. With http(s) endpoints or an SSE
 * fallback, also the {@code "sse"} transport (looked up, and closed, the same way) unless the
 * chosen transport supports those endpoints itself. A transport the application gave is left open.
 * With a proximity policy and several endpoints, the client's own endpoint prober (an HTTP client
 * and its {@code parley-probe-N} threads), closed with the client. The callback executor and timer
 * are the application's or the client's own ({@link ClientExecutors}). Uploads run on the client's
 * {@link TusUploader}, closed with it (uploads under way fail).
 *
 * <p>{@link #close()}: closes every session (close code 1000), waits up to {@value
 * #CLOSE_WAIT_MILLIS} ms for their closing handshakes, aborts what is left, closes the transport,
 * then stops the client's own threads. Returns when they have stopped (unless called from one of
 * them).
 */
public final class RealChatClient implements ChatClient {
  private static final Logger log = LoggerFactory.getLogger(RealChatClient.class);
  static final long CLOSE_WAIT_MILLIS = 2_000;

  private final SessionContext context;
  private final ClientTransportProvider transport;
  private final ClientTransportProvider sseTransport; // null: none needed; else maybe == transport
  private final ClientExecutors executors;
  private final Set<RealChatSession> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private final boolean ownsTransport;
  private final EndpointProber prober; // null: no proximity policy, or one endpoint
  private final TusUploader uploader;

  /**
   * Builds a client from validated settings; what {@code ChatClientBuilder.build()} calls. Selects
   * the transport from the class path unless one was given.
   *
   * @param config the snapshot of the builder
   * @return a client
   */
  public static ChatClient create(ClientConfig config) {
    return new RealChatClient(config, SessionConfig.from(config));
  }

  RealChatClient(ClientConfig builder, SessionConfig config) {
    this.ownsTransport = builder.transport() == null;
    List<URI> webSockets =
        builder.endpoints().stream().filter(TransportFallback::isWebSocket).toList();
    List<URI> https =
        builder.endpoints().stream().filter(e -> !TransportFallback.isWebSocket(e)).toList();
    this.transport =
        ownsTransport
            ? TransportSelection.select(
                webSockets.isEmpty() ? https : webSockets, builder.transportName())
            : TransportSelection.check(builder.transport(), builder.endpoints());
    List<URI> sseEndpoints = new ArrayList<>(https);
    if (builder.sseFallback() != null) {
      sseEndpoints.add(builder.sseFallback());
    }
    if (sseEndpoints.isEmpty()) {
      this.sseTransport = null;
    } else if (sseEndpoints.stream().allMatch(transport::supports)) {
      this.sseTransport = transport;
    } else {
      this.sseTransport = TransportSelection.select(sseEndpoints, SseClientTransportProvider.NAME);
    }
    this.executors = new ClientExecutors(builder.callbackExecutor(), builder.scheduler());
    Random random = builder.random();
    this.prober =
        builder.proximity() != null && config.endpoints().size() > 1
            ? new HttpEndpointProber(builder.proximity(), builder.sslContext(), System::nanoTime)
            : null;
    Backoff backoff = new Backoff(builder.initialBackoff(), builder.maxBackoff(), random);
    this.uploader =
        new TusUploader(
            builder.httpEndpoint(),
            builder.uploadChunkBytes(),
            builder.requestTimeout(),
            builder.sslContext(),
            backoff,
            executors.callbacks());
    this.context =
        new SessionContext(
            config,
            transport,
            sseTransport,
            executors.scheduler(),
            executors.callbacks(),
            builder.clock(),
            random,
            backoff,
            prober,
            uploader);
    log.debug("chat client on transport '{}' for {}", transport.name(), config.endpoints());
  }

  @Override
  public CompletableFuture<ChatSession> connect(TokenProvider tokens, ChatListener listener) {
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(listener, "listener");
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new ChatException(ErrorCode.NOT_CONNECTED, "the client is closed"));
    }
    RealChatSession session = new RealChatSession(context, tokens, listener);
    sessions.add(session);
    // Forgotten once its connection has finished closing (bounded by the close grace), so that
    // close() still waits for the closing handshake of a session closed just before.
    session.terminated().whenComplete((ignored, failure) -> sessions.remove(session));
    CompletableFuture<ChatSession> connected = session.start();
    if (closed.get()) {
      session.close(); // close() raced with this connect and may have missed the session
    }
    return connected;
  }

  /** The transport this client uses. */
  ClientTransportProvider transport() {
    return transport;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<RealChatSession> open = new ArrayList<>(sessions);
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (RealChatSession session : open) {
      session.close();
      closing.add(session.terminated());
    }
    awaitClosed(closing, Duration.ofMillis(CLOSE_WAIT_MILLIS));
    open.forEach(RealChatSession::abortConnections);
    uploader.close();
    if (prober != null) {
      prober.close();
    }
    if (ownsTransport) {
      closeQuietly(transport);
    }
    if (sseTransport != null && sseTransport != transport) {
      closeQuietly(sseTransport);
    }
    executors.shutdown();
  }

  private static void closeQuietly(ClientTransportProvider provider) {
    if (provider instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.warn("closing transport '{}' failed", provider.name(), e);
      }
    }
  }

  private static void awaitClosed(List<CompletableFuture<Void>> closing, Duration timeout) {
    try {
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.debug("some sessions did not finish closing within {}; aborting them", timeout);
    } catch (ExecutionException e) {
      log.debug("a session failed while closing", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
