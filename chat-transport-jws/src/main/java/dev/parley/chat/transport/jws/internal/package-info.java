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
 *   read the WriteDemandRelay pipe:        events -> ConnectionEvents -> ServerTransportHandler
 *     set write interest for sockets
 *     that other threads queued frames on  any thread: send -> WriteDemandListener -> relay
 *   timer thread
 *   ------------
 *   LivenessPolicy over the registry: handshake deadline, pings, dead peers, stuck closes
 * </pre>
 *
 * <p>Write interest is only ever changed on the selector thread ({@link
 * dev.parley.chat.transport.jws.internal.WriteDemandRelay}): the library's own way, from the
 * sending thread, could lose a frame until the next write (decision 0011).
 *
 * <p>Every path that ends a socket goes through {@link
 * dev.parley.chat.transport.jws.internal.JwsSocket#closeConnection(int, String, boolean)}, which
 * removes it from the registry and delivers the handler's single {@code onClose}.
 */
package dev.parley.chat.transport.jws.internal;
