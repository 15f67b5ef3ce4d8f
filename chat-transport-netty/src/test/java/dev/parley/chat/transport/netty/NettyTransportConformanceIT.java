package dev.parley.chat.transport.netty;

import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.testkit.transport.ServerTransportConformanceSuite;

/** Netty's transport against the SPI contract every transport keeps. */
class NettyTransportConformanceIT extends ServerTransportConformanceSuite {
  @Override
  protected ServerTransportProvider provider() {
    return new NettyTransportProvider();
  }
}
