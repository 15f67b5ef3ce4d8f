package dev.parley.chat.transport.netty;

import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.testkit.transport.TlsTransportConformanceSuite;

/** The Netty transport serving {@code wss://}, against the TLS contract. */
class NettyTlsConformanceIT extends TlsTransportConformanceSuite {
  @Override
  protected ServerTransportProvider provider() {
    return new NettyTransportProvider();
  }
}
