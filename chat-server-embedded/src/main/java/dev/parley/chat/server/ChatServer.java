package dev.parley.chat.server;

import dev.parley.chat.server.internal.RealChatServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A chat server running inside the application's own process. Thread-safe.
 *
 * <p>Lifecycle: {@link #builder()} ... {@code build()} gives a server that is not listening yet;
 * {@link #start()} binds the WebSocket endpoint and the HTTP side and returns once both accept
 * connections; {@link #close()} stops it: {@code /readyz} turns false, every client gets a {@code
 * GoAway} frame and close code 1001 (they reconnect elsewhere and resume), then threads stop. A
 * closed server cannot be started again.
 *
 * <p>A server for local tests, on any free port, that lets anyone in under any nickname:
 *
 * <pre>{@code
 * try (ChatServer server =
 *     ChatServer.builder()
 *         .port(0)
 *         .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
 *         .build()
 *         .start()) {
 *   URI endpoint = server.webSocketUri(); // give this to ChatClient.builder().endpoint(...)
 * }
 * }</pre>
 *
 * <p>The README's quickstart ({@code examples/.../Quickstart.java}, compiled and run by the build)
 * shows a server and two clients exchanging a message.
 */
public interface ChatServer extends AutoCloseable {
  /** A builder with every setting at its documented default. */
  static ChatServerBuilder builder() {
    return new ChatServerBuilder(RealChatServer::create);
  }

  /**
   * Binds and starts serving. A cluster bus whose broker cannot be reached does not stop the start:
   * the server comes up not {@linkplain #isReady() ready} and keeps trying to start the bus in the
   * background, with backoff, until it joins the cluster.
   *
   * @return this server, for chaining
   * @throws IOException if a port cannot be bound
   * @throws IllegalStateException if already started or closed
   */
  ChatServer start() throws IOException;

  /** The bound WebSocket address (with the real port when the builder asked for port 0). */
  InetSocketAddress address();

  /** The WebSocket endpoint clients connect to, such as {@code ws://127.0.0.1:7450/chat}. */
  URI webSocketUri();

  /** The HTTP side's base URI ({@code /healthz}, {@code /readyz}), unless it is disabled. */
  Optional<URI> httpUri();

  /**
   * Whether the server takes new traffic: started, not stopping or draining, its message store
   * answering (answered at least once since {@link #start()}, which asks it once, and the store's
   * circuit breaker is closed), and (in a cluster) in touch with the other nodes through the bus,
   * which may still be starting when its broker was down at {@link #start()}. What {@code /readyz}
   * says.
   */
  boolean isReady();

  /**
   * Stops the server after moving its clients elsewhere, for rolling restarts and scale-in: {@code
   * /readyz} turns false and new connections are turned away, every client gets a {@code GoAway}
   * frame and reconnects to another endpoint (resuming where it was), and once all have gone, or
   * {@code timeout} has passed, the server {@linkplain #close() closes}. Returns at once; the
   * future completes (on a thread of the server's) when the server has closed. Calling it again, or
   * on a server that is already closing, returns a future for the same close. On a server that is
   * not running it only closes, before returning.
   *
   * @param timeout how long clients have to leave before the rest are disconnected
   * @return completes once the server is closed; never completes exceptionally
   */
  CompletableFuture<Void> drain(Duration timeout);

  /**
   * Where the server's dependencies stand, as their circuit breakers see them: the message store
   * ({@code "store"}) and, on a node of a cluster, the cluster bus ({@code "bus"}). While the
   * store's breaker is open the server refuses sends, joins and history reads at once with a
   * retryable {@code UNAVAILABLE} and a retry-after, and {@link #isReady()} is false; typing,
   * presence and connections go on. A snapshot, taken when called.
   */
  List<DependencyStatus> dependencies();

  /** Sessions currently open. */
  int sessionCount();

  /**
   * The application's handle on the rooms: publish as a system user, online members, disconnect,
   * close a room, read history. The same handle every time; usable once the server has started.
   */
  ServerRooms rooms();

  /**
   * Stops the server gracefully; see the type's lifecycle. Closes what the server created (its
   * transport, HTTP side, threads, default store and worker pool) and the cluster bus it started;
   * leaves open what the application passed in (a store, an executor). Idempotent.
   */
  @Override
  void close();
}
