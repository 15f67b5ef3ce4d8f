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
 */
package dev.parley.chat.server.internal;
