package dev.parley.chat.transport.netty.internal;

import dev.parley.chat.spi.ServerTls;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up each accepted socket on its event loop: admits it into the {@link ConnectionRegistry} or
 * closes it at once, then builds the pipeline that reads the upgrade request (see the package
 * documentation) and arms the handshake deadline. With TLS an {@link SslHandler} comes first, on an
 * {@link SslContext} wrapping the JDK context of {@link ServerTls} (so reloads reach new
 * handshakes); the handshake deadline then covers the TLS handshake too. Shared by every socket of
 * one transport; thread-safe.
 */
@ChannelHandler.Sharable
final class WebSocketChannelInitializer extends ChannelInitializer<SocketChannel> {
  private static final Logger log = LoggerFactory.getLogger(WebSocketChannelInitializer.class);

  private final ServerTransportConfig config;
  private final ConnectionSettings settings;
  private final SubprotocolSelector subprotocols;
  private final ServerTransportHandler handler;
  private final ConnectionRegistry registry;
  private final AtomicLong ids = new AtomicLong();
  private final SslContext tls; // null: plain ws://

  WebSocketChannelInitializer(
      ServerTransportConfig config, ServerTransportHandler handler, ConnectionRegistry registry) {
    this.config = config;
    this.settings = ConnectionSettings.of(config);
    this.subprotocols = new SubprotocolSelector(config.subprotocols());
    this.handler = handler;
    this.registry = registry;
    this.tls = config.tls() == null ? null : nettyContext(config.tls());
  }

  private static SslContext nettyContext(ServerTls tls) {
    return new JdkSslContext(
        tls.sslContext(),
        false,
        null,
        IdentityCipherSuiteFilter.INSTANCE,
        null,
        ClientAuth.NONE,
        ServerTls.PROTOCOLS.toArray(new String[0]),
        false);
  }

  /** The registry's refusal, for the log. */
  private String why(ConnectionRegistry.Admission admission, NettyConnection connection) {
    return switch (admission) {
      case CLOSING -> "the transport is closing";
      case ADDRESS_FULL ->
          config.maxConnectionsPerAddress()
              + " sockets already open from "
              + connection.remoteAddress().getAddress();
      default -> config.maxConnections() + " sockets already open";
    };
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    NettyConnection connection =
        new NettyConnection(
            channel, "c" + ids.incrementAndGet(), handler, settings, registry::remove);
    ConnectionRegistry.Admission admission = registry.admit(connection);
    if (admission != ConnectionRegistry.Admission.ADMITTED) {
      log.debug(
          "refused {} from {}: {}",
          connection.id(),
          connection.remoteAddress(),
          why(admission, connection));
      channel.close();
      return;
    }
    // Netty's own limits are backstops: the size limit in front of the codec refuses first.
    int headLimit = config.maxHandshakeBytes();
    HttpDecoderConfig http =
        new HttpDecoderConfig().setMaxInitialLineLength(headLimit).setMaxHeaderSize(headLimit);
    if (tls != null) {
      SslHandler ssl = tls.newHandler(channel.alloc());
      // the connection's own handshake deadline closes it; this one only must not come first
      ssl.setHandshakeTimeout(2 * config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
      channel.pipeline().addLast("tls", ssl);
    }
    channel
        .pipeline()
        .addLast("handshake-limit", new HandshakeSizeLimitHandler(headLimit))
        .addLast("http", new HttpServerCodec(http))
        .addLast(
            "handshake",
            new HandshakeHandler(
                config.path(), subprotocols, config.originPolicy(), settings, connection))
        .addLast("connection", new ConnectionHandler(connection));
    connection.accepted();
  }
}
