/**
 * Not API: the Netty transport's implementation. Anything here may change in any release.
 *
 * <p>One connection's pipeline, before and after the upgrade (inbound flows down, outbound up):
 *
 * <pre>
 *   accepted socket (ChannelInitializer: admit into ConnectionRegistry or close; arm the deadline)
 *     |
 *   HandshakeSizeLimitHandler   counts the request's header bytes; 431 and close past the limit
 *   HttpServerCodec             HTTP/1.1 request in, response out
 *   HandshakeHandler            path, version, subprotocol; 101 or a refusal, then replaces itself
 *   ConnectionHandler           the connection's events into NettyConnection
 *
 *   after the 101 answer:
 *
 *   IdleStateHandler            silent for one ping interval: ping; for two: close 4003
 *   WebSocket13FrameDecoder     frames, masks, control-frame rules, maxMessageBytes per frame
 *   WebSocket13FrameEncoder     server frames, unmasked
 *   WebSocketMessageAggregator  fragments into messages: maxFragmentsPerMessage, maxMessageBytes;
 *                               RSV bits (only RSV1 on a first frame, with permessage-deflate)
 *   PerMessageDeflateHandler    only with permessage-deflate: inflates within maxMessageBytes
 *                               (1009, bad data 1007); deflates outgoing messages from the threshold
 *   ConnectionHandler           messages, pings and closes into NettyConnection
 * </pre>
 *
 * <p>Every handler call for a connection runs on its channel's event loop. {@link
 * dev.parley.chat.transport.netty.internal.NettyConnection} holds the connection's state; sends and
 * closes from other threads are handed to the event loop. The single {@code onClose} is reported in
 * a task of its own once the channel's close future completes, so it never runs inside another
 * handler call, and it is reported for every admitted socket that was opened.
 */
package dev.parley.chat.transport.netty.internal;
