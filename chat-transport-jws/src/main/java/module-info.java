/**
 * A server transport on Java-WebSocket, selected with {@code transport("java-websocket")}, or by
 * priority when Netty's transport is absent. Applications do not require this module: the server
 * finds its {@link dev.parley.chat.spi.ServerTransportProvider} through {@link
 * java.util.ServiceLoader} when the module is on the module path.
 */
module dev.parley.chat.transport.jws {
  requires transitive dev.parley.chat.api;
  requires org.java_websocket;
  requires org.slf4j;

  exports dev.parley.chat.transport.jws;

  provides dev.parley.chat.spi.ServerTransportProvider with
      dev.parley.chat.transport.jws.JavaWebSocketTransportProvider;
}
