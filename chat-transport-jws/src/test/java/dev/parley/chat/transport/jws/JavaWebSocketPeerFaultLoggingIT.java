package dev.parley.chat.transport.jws;

import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.testkit.transport.PeerFaultLoggingSuite;

/** Java-WebSocket's transport keeps hostile peers and bind failures out of the error log. */
class JavaWebSocketPeerFaultLoggingIT extends PeerFaultLoggingSuite {
  @Override
  protected ServerTransportProvider provider() {
    return new JavaWebSocketTransportProvider();
  }
}
