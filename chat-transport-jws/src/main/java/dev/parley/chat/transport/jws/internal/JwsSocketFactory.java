package dev.parley.chat.transport.jws.internal;

import dev.parley.chat.spi.ServerTls;
import dev.parley.chat.spi.ServerTransportHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Java-WebSocket's hook at accept time, on its selector thread: creates each {@link JwsSocket} and
 * admits it into the {@link ConnectionRegistry}, or refuses it. Thread-safe.
 *
 * <p>With TLS each socket's channel is a {@link TlsChannel} over the accepted socket, on an engine
 * from {@link ServerTls#newServerEngine()}; the TLS handshake then runs as bytes arrive, on the
 * selector thread.
 *
 * <p>Refusal is an {@link IOException} from {@link #wrapChannel}, on which {@code
 * WebSocketServer.doAccept} closes the socket and carries on. (Its other hook, {@code onConnect}
 * returning false, cancels the <em>server's</em> selection key, so it is not used.) Nothing here
 * may throw a {@link RuntimeException}: on the selector thread that stops the whole server.
 */
final class JwsSocketFactory implements WebSocketServerFactory {
  private static final Logger log = LoggerFactory.getLogger(JwsSocketFactory.class);

  private final LimitedDraft draft;
  private final ConnectionRegistry<JwsSocket> registry;
  private final ServerTransportHandler handler;
  private final JwsSocket.CloseListener closeListener;
  private final LongSupplier ticker;
  private final int maxConnections;
  private final int maxConnectionsPerAddress;
  private final AtomicLong ids = new AtomicLong();
  private final WriteDemandRelay relay;
  private final Consumer<JwsSocket> onWriteQueueDrained;
  private final ServerTls tls; // null: plain ws://
  private volatile WriteDemandListener listener;

  JwsSocketFactory(
      LimitedDraft draft,
      ConnectionRegistry<JwsSocket> registry,
      int maxConnections,
      int maxConnectionsPerAddress,
      ServerTransportHandler handler,
      JwsSocket.CloseListener closeListener,
      LongSupplier ticker,
      WriteDemandRelay relay,
      Consumer<JwsSocket> onWriteQueueDrained,
      ServerTls tls) {
    this.tls = tls;
    this.draft = draft;
    this.relay = relay;
    this.onWriteQueueDrained = onWriteQueueDrained;
    this.registry = registry;
    this.maxConnections = maxConnections;
    this.maxConnectionsPerAddress = maxConnectionsPerAddress;
    this.handler = handler;
    this.closeListener = closeListener;
    this.ticker = ticker;
  }

  @Override
  public JwsSocket createWebSocket(WebSocketAdapter listener, Draft draft) {
    return createWebSocket(listener, List.of(draft));
  }

  /**
   * Ignores the server's draft list: every socket speaks {@link LimitedDraft}, with its own {@link
   * UpgradeRefusal} (kept as the socket's attachment until the channel is wrapped). Each socket
   * reports to the server through a {@link WriteDemandListener}, so that its write demands go to
   * the relay.
   */
  @Override
  public JwsSocket createWebSocket(WebSocketAdapter server, List<Draft> ignored) {
    UpgradeRefusal refusal = new UpgradeRefusal();
    JwsSocket socket =
        new JwsSocket(
            listenerFor(server),
            List.of(draft.refusingWith(refusal)),
            "c" + ids.incrementAndGet(),
            ticker,
            handler,
            closeListener,
            onWriteQueueDrained);
    socket.setAttachment(refusal);
    return socket;
  }

  private WriteDemandListener listenerFor(WebSocketAdapter server) {
    WriteDemandListener current = listener;
    if (current == null || current.server() != server) {
      current = new WriteDemandListener(server, relay);
      listener = current;
    }
    return current;
  }

  @Override
  public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws IOException {
    JwsSocket socket = (JwsSocket) key.attachment();
    relay.attach(key.selector(), socket.getWebSocketListener(), List.of(draft));
    InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
    ByteChannel wire = tls == null ? channel : new TlsChannel(channel, tls.newServerEngine(), key);
    CountingChannel wrapped = socket.attach(channel, wire, remote);
    wrapped.refusal(socket.getAttachment());
    ConnectionRegistry.Admission admission = registry.admit(socket, remote.getAddress());
    if (admission != ConnectionRegistry.Admission.ADMITTED) {
      String why =
          switch (admission) {
            case CLOSING -> "transport closing";
            case ADDRESS_FULL ->
                maxConnectionsPerAddress + " sockets already open from " + remote.getAddress();
            default -> maxConnections + " sockets already open";
          };
      log.debug("refused {} from {}: {}", socket.id(), remote, why);
      throw new IOException("connection refused: " + why);
    }
    return wrapped;
  }

  @Override
  public void close() {
    // nothing to release
  }
}
