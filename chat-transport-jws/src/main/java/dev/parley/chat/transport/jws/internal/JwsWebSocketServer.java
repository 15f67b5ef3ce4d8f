package dev.parley.chat.transport.jws.internal;

import dev.parley.chat.spi.ServerTransportConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Java-WebSocket's server loop with Parley's callbacks. The library owns the threads: {@link
 * #run()} is the selector loop (started by {@link JwsServerTransport} on a thread it names), and
 * the worker threads decode and call {@code onOpen}/{@code onMessage}. Thread-safe.
 *
 * <p>Settings: TCP_NODELAY on, the library's own lost-connection timer off (its resolution is whole
 * seconds, it pings open connections only and ignores stuck closes; {@link LivenessPolicy} does
 * that job), daemon threads.
 *
 * <p>Closes are not reported from {@link #onClose}: the library skips it for sockets that never
 * opened, or that closed while opening; {@link JwsSocket#closeConnection} sees them all.
 */
final class JwsWebSocketServer extends WebSocketServer {
  private static final Logger log = LoggerFactory.getLogger(JwsWebSocketServer.class);

  /** Connections the kernel may hold before they are accepted (capped by net.core.somaxconn). */
  static final int ACCEPT_BACKLOG = 4096;

  private final ServerTransportConfig config;
  private final String selectorThreadName;
  private final CompletableFuture<Void> started = new CompletableFuture<>();

  /**
   * @param channel the listening socket, already bound by {@link #bind}: the library then skips its
   *     own bind, whose failure it would log at ERROR with a stack trace before reporting it
   */
  JwsWebSocketServer(
      ServerSocketChannel channel,
      ServerTransportConfig config,
      int workers,
      JwsSocketFactory factory,
      String threadNamePrefix) {
    super(channel);
    this.config = config;
    this.selectorThreadName = threadNamePrefix + "-selector";
    setTcpNoDelay(true);
    setReuseAddr(true);
    setConnectionLostTimeout(0);
    // this constructor makes one worker per processor; none is started yet
    while (decoders.size() > workers) {
      decoders.remove(decoders.size() - 1);
    }
    setDaemon(true);
    setWebSocketFactory(factory);
    for (int i = 0; i < decoders.size(); i++) {
      decoders.get(i).setName(threadNamePrefix + "-worker-" + (i + 1));
    }
  }

  /**
   * Opens the listening socket on {@code address}, with SO_REUSEADDR (a restarted server must be
   * able to bind its port while old connections are in TIME_WAIT) and an accept queue of {@link
   * #ACCEPT_BACKLOG} (the JDK's default of 50 overflows when thousands connect at once: the kernel
   * then drops handshakes).
   *
   * @throws BindException naming the address and port when the port is taken or the address is not
   *     local; another {@link IOException} naming them for any other failure
   */
  static ServerSocketChannel bind(InetSocketAddress address) throws IOException {
    ServerSocketChannel channel = ServerSocketChannel.open();
    try {
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(address, ACCEPT_BACKLOG);
      return channel;
    } catch (IOException | RuntimeException e) {
      // RuntimeException: an address that did not resolve (UnresolvedAddressException)
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      String message =
          "cannot listen on "
              + describe(address)
              + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      IOException named =
          e instanceof BindException ? new BindException(message) : new IOException(message);
      named.initCause(e);
      throw named;
    }
  }

  /** {@code host:port} as a user would type it, the port always shown. */
  static String describe(InetSocketAddress address) {
    String host =
        address.getAddress() == null
            ? address.getHostString()
            : address.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** Completes when the socket is bound, or fails with the reason it could not be. */
  CompletableFuture<Void> started() {
    return started;
  }

  /** The library's worker threads. */
  List<Thread> workerThreads() {
    return new ArrayList<>(decoders);
  }

  /** The port the server socket is bound to. */
  InetSocketAddress boundAddress() {
    return new InetSocketAddress(config.bindAddress().getAddress(), getPort());
  }

  @Override
  public void onStart() {
    // The library renamed this thread "WebSocketSelector-<id>"; give it back its Parley name.
    Thread.currentThread().setName(selectorThreadName);
    started.complete(null);
  }

  /**
   * Runs on the worker thread once a request's handshake matched: refuses other paths, and refuses
   * a socket whose handshake deadline already claimed it (the race is decided by {@link
   * JwsSocket#beginUpgrade()}), and refuses a browser page whose {@code Origin} the configured
   * {@link dev.parley.chat.spi.OriginPolicy} does not allow, with 403 ({@link UpgradeRefusal}). A
   * refusal makes the library answer (404 unless a status was recorded) and close.
   */
  @Override
  public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(
      WebSocket conn, Draft draft, ClientHandshake request) throws InvalidDataException {
    String target = request.getResourceDescriptor();
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    if (!path.equals(config.path())) {
      throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "no endpoint at " + path);
    }
    String origin = request.hasFieldValue("Origin") ? request.getFieldValue("Origin") : null;
    String host = request.hasFieldValue("Host") ? request.getFieldValue("Host") : null;
    if (!config.originPolicy().allows(origin, host)) {
      if (conn.getAttachment() instanceof UpgradeRefusal refusal) {
        refusal.refuseWith(403);
      }
      log.debug("{}: upgrade refused: origin {} is not allowed", conn, origin);
      throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "origin not allowed");
    }
    if (!((JwsSocket) conn).beginUpgrade()) {
      throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "handshake timed out");
    }
    return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    JwsSocket socket = (JwsSocket) conn;
    if (socket.isCloseReported()) {
      // Closed by another thread while opening: the library added it to its set after the close.
      removeConnection(socket);
      return;
    }
    socket.opened();
  }

  /** Delivers a message, unless a close started: what follows a close frame is not read. */
  @Override
  public void onMessage(WebSocket conn, String message) {
    JwsSocket socket = (JwsSocket) conn;
    if (socket.acceptsMessages()) {
      socket.connection().events().text(message);
    }
  }

  /** Delivers a message, unless a close started: what follows a close frame is not read. */
  @Override
  public void onMessage(WebSocket conn, ByteBuffer message) {
    JwsSocket socket = (JwsSocket) conn;
    if (socket.acceptsMessages()) {
      socket.connection().events().binary(message);
    }
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    // reported by JwsSocket.closeConnection, which also sees sockets this method never hears of
  }

  /**
   * Answers a ping only while the socket's queue is short: a peer that floods pings and never reads
   * would otherwise grow the queue without bound. RFC 6455 5.5.3 lets an endpoint skip pongs.
   */
  @Override
  public void onWebsocketPing(WebSocket conn, Framedata ping) {
    if (((JwsSocket) conn).bufferedBytes() < config.maxMessageBytes()) {
      try {
        super.onWebsocketPing(conn, ping);
      } catch (WebsocketNotConnectedException e) {
        // closed by another thread meanwhile
      }
    }
  }

  @Override
  public void onError(WebSocket conn, Exception ex) {
    if (conn == null) {
      if (!started.completeExceptionally(ex)) {
        log.error("WebSocket server on {} failed", config.bindAddress(), ex);
      }
      return;
    }
    log.debug("{}: {}", conn, ex.toString());
  }
}
