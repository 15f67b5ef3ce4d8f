/**
 * Not API. The implementation of {@code dev.parley.chat.client}: the session engine, the JDK
 * WebSocket transport and their helpers. May change in any release without notice.
 *
 * <pre>
 *   RealChatClient ── owns ──► ClientExecutors (callback pool, timer) + ClientTransportProvider
 *        │ connect()
 *        ▼
 *   RealChatSession ── lock ──► ConnectionAttempt (one per try; the transport's listener)
 *        │                      Conversation (requests, Outbox, rooms and their RoomSequencer)
 *        ▼
 *   SessionEvents ──► CallbackQueue (serial) ──► ChatListener, on the callback executor
 * </pre>
 */
package dev.parley.chat.client.internal;
