/**
 * Parley's Java client. Its transports are provided here through {@link java.util.ServiceLoader}:
 * the default one on the JDK's WebSocket client ({@code "jdk"}), and Server-Sent Events over the
 * JDK's HTTP client ({@code "sse"}, for http(s) endpoints and the WebSocket fallback); another
 * module may provide a different one. The SSE transport speaks the protocol's JSON form, hence
 * Protobuf's JSON support (and the Gson it reads with).
 */
module dev.parley.chat.client {
  requires transitive dev.parley.chat.api;
  requires com.google.protobuf;
  requires com.google.protobuf.util;
  requires com.google.gson;
  requires java.net.http;
  requires org.slf4j;

  exports dev.parley.chat.client;

  provides dev.parley.chat.spi.ClientTransportProvider with
      dev.parley.chat.client.internal.JdkClientTransportProvider,
      dev.parley.chat.client.internal.SseClientTransportProvider;
}
