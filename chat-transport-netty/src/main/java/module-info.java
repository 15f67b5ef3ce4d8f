/**
 * The default server transport, on Netty. Applications do not require this module: the server finds
 * its provider through {@link java.util.ServiceLoader} when the module is on the module path.
 */
module dev.parley.chat.transport.netty {
  requires transitive dev.parley.chat.api;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.codec.http;
  requires io.netty.common;
  requires io.netty.handler;
  requires io.netty.transport;
  requires org.slf4j;

  exports dev.parley.chat.transport.netty;

  provides dev.parley.chat.spi.ServerTransportProvider with
      dev.parley.chat.transport.netty.NettyTransportProvider;
}
