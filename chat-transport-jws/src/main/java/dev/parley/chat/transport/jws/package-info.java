/**
 * Parley's default server WebSocket transport, on Java-WebSocket. Put this module on the server's
 * class path (the embedded server depends on it at runtime scope) and it is found through {@link
 * java.util.ServiceLoader}; see {@link
 * dev.parley.chat.transport.jws.JavaWebSocketTransportProvider} for what it enforces.
 */
package dev.parley.chat.transport.jws;
