package dev.parley.chat.server;

/**
 * Learns of sessions connecting and disconnecting and of members joining and leaving rooms on this
 * node. Register with {@link ChatServerBuilder#sessionListener}. Every method has a default that
 * does nothing; override what you need.
 *
 * <p><b>Threads.</b> Never called on a transport I/O thread and never in the way of delivery: calls
 * run on the server's worker executor after the event has happened. Calls about one session come
 * one at a time, in the order the events happened ({@code onConnected}, then its joins and leaves,
 * then {@code onDisconnected}, which is the session's last call); calls about different sessions
 * may run at the same time, so an implementation must be thread-safe. What a method throws is
 * logged and otherwise ignored. A listener that blocks holds up the calls of its session and one
 * worker thread; at most 1,000 calls wait per session, and further ones are dropped (and logged).
 */
public interface SessionListener {
  /** A session was authenticated and welcomed (rooms it resumed follow as joins). */
  default void onConnected(SessionEvent event) {}

  /** A session's connection is gone, or the server closed it. No further calls for it follow. */
  default void onDisconnected(SessionEvent event) {}

  /** A session became a member of a room (by Join, or by resuming it during Connect). */
  default void onJoined(MembershipEvent event) {}

  /**
   * A session stopped being a member of a room: it left, it disconnected, or the application closed
   * the room.
   */
  default void onLeft(MembershipEvent event) {}
}
