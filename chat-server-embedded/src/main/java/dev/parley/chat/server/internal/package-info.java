/**
 * Not API. The server's implementation: sessions, rooms, fan-out, the HTTP side. May change in any
 * release.
 *
 * <h2>The request path, in named stages</h2>
 *
 * <p>Each client frame travels down a fixed line of stages, each a small class with one job, in the
 * spirit of a Netty channel pipeline. Stages above the line run on the connection's transport
 * thread and never block; the room policy, the authenticator and hooks run on the worker executor;
 * what follows a store operation runs on the thread that completes the store's future.
 *
 * <pre>
 *  transport I/O thread
 *  ─────────────────────────────────────────────────────────────────────────────────────────
 *  ServerTransport ──► ServerCore ──────────► ServerSession ───────────► RequestHandler
 *   (frames)           decode (binary/JSON),   Connect first, frames      dispatcher: one
 *                      malformed-frame rule    held until Welcome,        stage per request
 *                                              rate limiter               │
 *       ┌───────────────────┬──────────────────┬──────────────────┬───────┴─────────┐
 *       ▼                   ▼                  ▼                  ▼                 ▼
 *  ConnectHandler       Membership        MessageIntake       HistoryReads      RoomSignals
 *  version, auth,       Join, Leave,      checks, SendOrder   pages, capped     typing, read
 *  rejoins, Welcome     room policy,      fence, store        in bytes          receipts
 *                       reach the head    append, SendAck
 *  ─────────────────────────────────┬─────────────┬──────────────────────────────────────────
 *                                   │             ▼
 *                                   │      MessageStore (assigns seqs) ──► ClusterBus (others)
 *                                   ▼             │                           │
 *                     Room (one monitor per room) ◄───────────────────────────┘
 *                       ├─ RoomDelivery: seq-ordered fan-out, gap checks, catch-up
 *                       └─ RoomPresence: online users, typing, read receipts
 *                                   │
 *                                   ▼
 *                     fan-out: one OutboundFrame, encoded once, queued on every member's
 *                     ServerSession (a slow consumer is closed, never waited for)
 * </pre>
 *
 * <p>Every stage that touches a room asks one permission stage, {@code RoomAccess}, before it acts:
 * Membership (join, rejoin), MessageIntake (send, publish), HistoryReads, RoomSignals and the
 * moderation stage {@code RoomModeration} (CreateRoom, Moderate, SetRoomVisibility and their {@code
 * ServerRooms} twins). It reads each user's standing in a room from the {@code RoomAccessStore}
 * through a cache, and removes the sessions of a user who may no longer be in a room (decision
 * 0031).
 *
 * <pre>
 *  Membership ─┐
 *  MessageIntake ─┤                                   ┌─► RoomAccessStore (shared by the cluster)
 *  HistoryReads ──┼─► RoomAccess: Standing, rules ───┤
 *  RoomSignals ───┤    (cached, refreshed each ttl)   └─► Room.removeUser: pushed Left
 *  RoomModeration ┘
 * </pre>
 *
 * <p>Credentials that expire are watched by one more stage, {@code SessionExpiry}: started by
 * {@code ConnectHandler} once the session is welcomed, it warns the client ahead of the expiry
 * ({@code TokenExpiring}) and closes the session at it (4004), on the server's timer; {@code
 * RequestHandler} hands it each {@code Reauthenticate}, which it checks with the authenticator on
 * the worker executor.
 *
 * <p>Limits per user sit beside the stages, in {@code UserLimits} (shared through {@code
 * ServerContext}): {@code ConnectHandler} counts the user's connections, {@code Membership} its
 * rooms and joins, {@code MessageIntake} its sends, {@code HistoryReads} its reads; each refuses
 * with {@code RATE_LIMITED} or {@code LIMIT_EXCEEDED} before doing any work. Limits per address and
 * per origin are the transports' ({@code ServerTransportConfig}), before a session exists.
 *
 * <p>The application attaches to the stages, never to the transport threads ({@code ServerHooks}):
 * with message hooks registered, intake hands each checked message to its room's serial lane on the
 * worker executor ({@code BeforeStoreScreening}), which screens it within the hook budget and then
 * appends it; after-store and session-listener calls follow the events on lanes of their own.
 * {@code RealServerRooms} drives the same stages for the application: publishing goes through
 * intake, closing a room through the room.
 *
 * <p>The store and the bus the stages call are guarded once, in {@code ServerContext}: {@code
 * GuardedMessageStore} and {@code GuardedClusterBus} put every call through a {@code
 * DependencyBreaker} (a circuit breaker with a timeout and a bound on waiting calls), so a failing
 * or hanging dependency is answered at once with {@code UNAVAILABLE} and a retry-after.
 *
 * <pre>
 *  MessageIntake (transport thread)       worker threads                      store thread
 *  checks, SendOrder.admit ──► room lane: MessageHook.beforeStore ──► append ──► delivery, SendAck
 *  ServerRooms.publish ──────┘  (one at a time per room, within        └─► afterStore, on the
 *                               hookTimeout)                               room's after-store lane
 * </pre>
 *
 * <p>Attachments ride the same path: intake checks a Send's upload tokens ({@code
 * AttachmentTokens}, on the transport thread, without I/O) and appends the attachments they
 * describe with the message; {@code RoomDelivery} and {@code HistoryReads} add download links
 * through {@code AttachmentLinks} as each message goes out. No stage of the message path calls the
 * blob store.
 *
 * <p>Metrics attach to the same stages: each records through {@code ServerMetrics} (handshakes in
 * {@code ConnectHandler}, send-to-ack in {@code MessageIntake}, fan-out and send-to-delivery in
 * {@code RoomDelivery}, frames, errors and slow consumers in {@code ServerSession}), whose
 * Micrometer implementation is loaded only when Micrometer is on the class path.
 */
package dev.parley.chat.server.internal;
