/**
 * Parley's default server WebSocket transport, on Netty's NIO event loops. The embedded server
 * depends on this module at runtime scope, and it is found through {@link java.util.ServiceLoader};
 * see {@link dev.parley.chat.transport.netty.NettyTransportProvider} for what it enforces and which
 * threads it runs.
 */
package dev.parley.chat.transport.netty;
