/**
 * A server WebSocket transport on Netty's NIO event loops. Put this module on the server's class
 * path and select it with {@code ChatServerBuilder.transport("netty")}; see {@link
 * dev.parley.chat.transport.netty.NettyTransportProvider} for what it enforces and which threads it
 * runs.
 */
package dev.parley.chat.transport.netty;
