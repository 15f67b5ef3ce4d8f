package dev.parley.chat.transport.jws;

import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.testkit.transport.TlsTransportConformanceSuite;

/** Java-WebSocket's transport serving {@code wss://}, against the TLS contract. */
class JavaWebSocketTlsConformanceIT extends TlsTransportConformanceSuite {
  @Override
  protected ServerTransportProvider provider() {
    return new JavaWebSocketTransportProvider();
  }
}
