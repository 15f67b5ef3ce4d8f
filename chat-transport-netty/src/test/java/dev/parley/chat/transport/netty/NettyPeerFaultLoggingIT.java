package dev.parley.chat.transport.netty;

import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.testkit.transport.PeerFaultLoggingSuite;

/** The Netty transport keeps hostile peers and bind failures out of the error log. */
class NettyPeerFaultLoggingIT extends PeerFaultLoggingSuite {
  @Override
  protected ServerTransportProvider provider() {
    return new NettyTransportProvider();
  }
}
