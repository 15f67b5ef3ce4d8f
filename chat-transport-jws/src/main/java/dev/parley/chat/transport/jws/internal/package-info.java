/**
 * Not API: the Java-WebSocket transport's implementation. Anything here may change in any release.
 *
 * <p>How the pieces fit, for one connection:
 *
 * <pre>
 *   selector thread                      worker thread (one per connection, fixed)
 *   ---------------                      ------------------------------------------
 *   accept -> JwsSocketFactory           JwsSocket.decode
 *     admit into ConnectionRegistry        handshake: LimitedDraft.translateHandshake (size cap)
 *     wrap channel in CountingChannel      JwsWebSocketServer: path check, deadline race
 *   write queued frames (counts bytes)     frames: LimitedDraft (frame, message, fragment caps)
 *                                          events -> ConnectionEvents -> ServerTransportHandler
 *   timer thread
 *   ------------
 *   LivenessPolicy over the registry: handshake deadline, pings, dead peers, stuck closes
 * </pre>
 *
 * <p>Every path that ends a socket goes through {@link
 * dev.parley.chat.transport.jws.internal.JwsSocket#closeConnection(int, String, boolean)}, which
 * removes it from the registry and delivers the handler's single {@code onClose}.
 */
package dev.parley.chat.transport.jws.internal;
