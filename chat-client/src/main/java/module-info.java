/**
 * Parley's Java client. Its default transport, on the JDK's WebSocket client, is provided here
 * through {@link java.util.ServiceLoader}; another module may provide a different one.
 */
module dev.parley.chat.client {
  requires transitive dev.parley.chat.api;
  requires com.google.protobuf;
  requires java.net.http;
  requires org.slf4j;

  exports dev.parley.chat.client;

  provides dev.parley.chat.spi.ClientTransportProvider with
      dev.parley.chat.client.internal.JdkClientTransportProvider;
}
