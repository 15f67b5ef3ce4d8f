/**
 * Parley's plug-in points. Implement one of these interfaces and register it with {@link
 * java.util.ServiceLoader} (transports) or pass it to a builder (stores, authenticators).
 *
 * <pre>
 *  ChatClient ── ClientTransportProvider ══ WebSocket ══ ServerTransportProvider ── ChatServer
 *                                                                                   │      │
 *                                                                       Authenticator  MessageStore
 * </pre>
 *
 * <p>Transports move frames and nothing else: they never decode Parley messages and never call
 * application code. Each plug-in's thread-safety contract is stated on its interface; the {@code
 * chat-testkit} module has conformance suites that check them.
 */
package dev.parley.chat.spi;
