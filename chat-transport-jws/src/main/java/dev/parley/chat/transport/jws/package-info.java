/**
 * A server WebSocket transport on Java-WebSocket, the alternative to the default Netty transport.
 * Put this module on the server's class path and it is found through {@link
 * java.util.ServiceLoader}; select it with {@code ChatServerBuilder.transport("java-websocket")}
 * (or leave Netty off the class path, and it is chosen by priority). See {@link
 * dev.parley.chat.transport.jws.JavaWebSocketTransportProvider} for what it enforces.
 */
package dev.parley.chat.transport.jws;
