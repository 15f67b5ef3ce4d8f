package dev.parley.chat.transport.jws;

import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.testkit.transport.ServerTransportConformanceSuite;

/** Java-WebSocket's transport against the SPI contract every transport keeps. */
class JavaWebSocketTransportConformanceIT extends ServerTransportConformanceSuite {
  @Override
  protected ServerTransportProvider provider() {
    return new JavaWebSocketTransportProvider();
  }
}
